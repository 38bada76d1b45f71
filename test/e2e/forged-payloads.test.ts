/**
 * Issue 13 item 17: steps come only through the API. The Temporal frontend is reachable by more
 * people than the API's callers (operators, anyone on the cluster network), and the `temporal` CLI
 * sends plain JSON. Only the API and the worker hold the payload keys, so the worker refuses every
 * update, signal and workflow start whose payload is not encrypted with them — and a refused
 * payload never wedges the workflow (a workflow task failing forever on decode would be a denial
 * of service). Real parts: the Temporal dev server, the real `temporal` CLI, the worker with the
 * project's codec, the API, PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { temporalCliPath } from '../../devstack/temporal';
import { caseWorkflowId } from '../../workflows/case/definitions';
import { newChildReport, startTestApi, waitForOpenStep, type TestApi } from '../support/api';
import { createHarness, type Harness } from '../support/harness';
import { eventually } from '../support/wait';

const HANDLER = 'staff-demo-handler';
const FORGER = 'someone-forged';

let h: Harness;
let api: TestApi;
beforeAll(async () => {
  h = await createHarness({ server: 'dev' });
  await h.startWorker();
  api = await startTestApi(h);
});
afterAll(async () => {
  await api?.stop();
  await h?.stop();
});

interface CliResult {
  code: number;
  output: string;
}

/** The real Temporal CLI, as anyone with access to the frontend would run it (no codec). */
function temporalCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      temporalCliPath(),
      [...args, '--address', h.env.address, '--namespace', 'default', '--command-timeout', '15s'],
      { timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? Number((err as { code?: unknown }).code ?? 1) || 1 : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

async function reportCase(): Promise<string> {
  const res = await api.post<{ caseId: string }>('/cases', { as: HANDLER, body: newChildReport() });
  expect(res.status).toBe(201);
  await waitForOpenStep(api, res.body.caseId, 'screening');
  return res.body.caseId;
}

type CaseBody = { step: string; risk: string | null; openDeadlines: { step: string }[] };
const caseNow = async (caseId: string) => (await api.get<CaseBody>(`/cases/${caseId}`, { as: HANDLER })).body;

async function historyEvents(caseId: string) {
  const history = await h.env.client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
  return history.events ?? [];
}
const failedWorkflowTasks = async (caseId: string) =>
  (await historyEvents(caseId)).filter((e) => e.workflowTaskFailedEventAttributes).length;

const forgedAudit = (caseId: string) => h.db.prisma.auditEvent.count({ where: { caseId, actorId: FORGER } });

describe('payloads sent around the API', () => {
  it('item 17: a plaintext update sent around the API is refused and the case is unchanged', async () => {
    const caseId = await reportCase();
    const workflowId = caseWorkflowId(caseId);
    const screening = {
      actorId: FORGER,
      screeningId: randomUUID(),
      risk: 'LOW',
      immediateNeeds: false,
      categories: ['neglect'],
    };

    // Plain JSON, as the CLI sends it.
    const plain = await temporalCli([
      'workflow', 'update', 'execute', '--workflow-id', workflowId, '--name', 'screening',
      '--input', JSON.stringify(screening),
    ]); // prettier-ignore
    expect(plain.code).not.toBe(0);
    expect(plain.output).toContain('refused: not encrypted with the keys of this service');

    // Claiming to be encrypted does not help: the bytes do not decrypt with any key of ours.
    const claimed = await temporalCli([
      'workflow', 'update', 'execute', '--workflow-id', workflowId, '--name', 'screening',
      '--input', JSON.stringify(screening), '--input-meta', 'encoding=binary/encrypted',
      '--input-meta', 'encryption-key-id=test',
    ]); // prettier-ignore
    expect(claimed.code).not.toBe(0);
    expect(claimed.output).toContain('refused: not encrypted with the keys of this service');

    // No input at all: an update whose validator does not read its input would otherwise reach a
    // handler that throws, failing the workflow task on every retry.
    const empty = await temporalCli([
      'workflow', 'update', 'execute', '--workflow-id', workflowId, '--name', 'assignment',
    ]); // prettier-ignore
    expect(empty.code).not.toBe(0);
    expect(empty.output).toContain('refused: not encrypted with the keys of this service');

    // The case is as it was: step, risk, no screening row, nothing in the audit trail by the forger.
    const after = await caseNow(caseId);
    expect([after.step, after.risk]).toEqual(['screening', null]);
    expect(after.openDeadlines.map((d) => d.step)).toEqual(['screening']);
    expect(await h.db.prisma.screening.count({ where: { caseId } })).toBe(0);
    expect(await forgedAudit(caseId)).toBe(0);
    expect(
      await h.db.prisma.case.findUniqueOrThrow({ where: { id: caseId }, select: { step: true, risk: true } }),
    ).toEqual({ step: 'screening', risk: null });

    // …and the workflow keeps working: the real step through the API goes through.
    const real = await api.post<{ case: CaseBody }>(`/cases/${caseId}/screening`, {
      as: HANDLER,
      body: { risk: 'MEDIUM', immediateNeeds: false, categories: ['neglect'] },
    });
    expect(real.status).toBe(200);
    expect([real.body.case.step, real.body.case.risk]).toEqual(['assessment', 'MEDIUM']);
    expect(await failedWorkflowTasks(caseId)).toBe(0);
    // Rejected updates leave nothing in the history: no update was ever accepted but the API's.
    const accepted = (await historyEvents(caseId)).filter(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes,
    );
    expect(accepted).toHaveLength(1);
  });

  it('item 17: a plaintext or empty signal sent around the API is dropped and the workflow keeps working', async () => {
    const caseId = await reportCase();
    const workflowId = caseWorkflowId(caseId);
    const screened = await api.post(`/cases/${caseId}/screening`, {
      as: HANDLER,
      body: { risk: 'MEDIUM', immediateNeeds: false, categories: ['neglect'] },
    });
    expect(screened.status).toBe(200);

    // A forged new concern would open a screening again; a signal without input would reach a
    // handler that throws on every replay of the workflow task.
    const concern = await temporalCli([
      'workflow', 'signal', '--workflow-id', workflowId, '--name', 'concern',
      '--input', JSON.stringify({ reportId: randomUUID(), urgent: true }),
    ]); // prettier-ignore
    expect(concern.code).toBe(0); // the server takes any signal; the worker drops it
    const empty = await temporalCli([
      'workflow',
      'signal',
      '--workflow-id',
      workflowId,
      '--name',
      'referralChanged',
    ]);
    expect(empty.code).toBe(0);

    // The next real step is processed after both signals (same history, later event).
    const assessed = await api.post<{ case: CaseBody }>(`/cases/${caseId}/assessment`, {
      as: HANDLER,
      body: { social: 'family seen at home' },
    });
    expect(assessed.status).toBe(200);
    expect(assessed.body.case.step).toBe('planDraft');
    expect(assessed.body.case.openDeadlines.map((d) => d.step)).toEqual(['planDraft']);
    const events = await historyEvents(caseId);
    expect(events.filter((e) => e.workflowExecutionSignaledEventAttributes)).toHaveLength(2);
    expect(await failedWorkflowTasks(caseId)).toBe(0);
    expect(await h.db.prisma.stepRecord.count({ where: { caseId, step: 'screening' } })).toBe(1);
    expect(await forgedAudit(caseId)).toBe(0);
  });

  it('item 17: a workflow started around the API with a plaintext input fails at once, touching nothing', async () => {
    const caseId = await reportCase();
    const before = await h.db.prisma.auditEvent.count({ where: { caseId } });
    const workflowId = `case-forged-${randomUUID()}`;
    const start = await temporalCli([
      'workflow', 'start', '--type', 'caseWorkflow', '--task-queue', h.taskQueue,
      '--workflow-id', workflowId, '--input', JSON.stringify({ caseId }),
    ]); // prettier-ignore
    expect(start.code).toBe(0);
    const handle = h.env.client.workflow.getHandle(workflowId);
    const status = await eventually('the forged workflow to close', async () => {
      const d = await handle.describe();
      return d.status.name === 'RUNNING' ? undefined : d.status.name;
    });
    expect(status).toBe('FAILED');
    const failure = (await handle.result().catch((err: unknown) => err)) as { cause?: Error };
    expect(failure.cause?.message).toBe(
      'workflow input refused: not encrypted with the keys of this service: workflows are started by the API and the worker only',
    );
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.workflowTaskFailedEventAttributes)).toHaveLength(0);
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(0);
    expect(await h.db.prisma.auditEvent.count({ where: { caseId } })).toBe(before);
  });
});
