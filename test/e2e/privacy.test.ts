/**
 * Privacy proof (issue 4, "Must show"): a child with a distinctive name, birth date, reporter and
 * narratives goes through every step of the circuit over HTTP — report, screening, emergency,
 * judicial notification, assessment, plan, approval, referral acknowledged/started/completed,
 * assignment, review, a new concern and its screening, transfer requested and refused, closure,
 * approval, check-back — and a second case of the same child runs long enough to continue as new.
 * Then every history of those cases (case workflows, every run, referral workflows) is fetched from
 * the Temporal server and searched raw (ciphertext, as a backup would hold it) and decoded through
 * the API's codec endpoint; the API's logs (pino, trace level), the worker's (its own process, SDK
 * logger at DEBUG) and the e-mails are searched too. The identity is found nowhere — while the same
 * searches do find the case's ID and codes, so they look where the data would be.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { temporalCliPath } from '../../devstack/temporal';
import { caseWorkflowId } from '../../workflows/case/definitions';
import { referralWorkflowId } from '../../workflows/referral/definitions';
import { startTestApi, waitForOpenStep, type TestApi } from '../support/api';
import { startCase } from '../support/cases';
import { cliConnectionFlags } from '../support/cluster';
import { createHarness, type Harness } from '../support/harness';
import {
  encodingOf,
  fromBase64,
  historiesOf,
  payloadsOf,
  rawBytes,
  toCodecJson,
  type PayloadJson,
} from '../support/histories';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';
import { eventually } from '../support/wait';
import { startWorkerChild, type WorkerChild } from '../support/worker-child';

const HANDLER = 'staff-demo-handler';
const SUPERVISOR = 'staff-demo-supervisor';
const PARTNER = 'staff-demo-partner'; // focal point of partner-demo-health
const OTHR_SUPERVISOR = 'staff-othr-supervisor';
const OPERATIONS = 'staff-demo-operations';

// Distinctive enough that any occurrence anywhere is this child's data.
const CHILD = { firstName: 'Zyxwquorra', lastName: 'Vantablackovna', birthDate: '2012-03-19' };
const SECRETS = {
  firstName: CHILD.firstName,
  lastName: CHILD.lastName,
  birthDate: CHILD.birthDate,
  reporterName: 'Quillfeather Ombrelune',
  reporterContact: 'quillfeather.ombrelune@reporter.example',
  narrative: 'Xylophone meadow 7731: the child described what happened at home',
  concern: 'Brambleglass lantern 5520: a neighbour saw the child alone at night',
  screeningNotes: 'Nocturne heard with her aunt',
  assessment: 'Obsidian household, father absent',
  objective: 'Sapphire clinic follow-up',
  reviewNotes: 'Marmalade progress at school',
  returnReason: 'Tangerine plan needs a psychologist',
};

let h: Harness;
let api: TestApi;
let worker: WorkerChild;
let walked: { caseId: string; reference: string } | undefined;
beforeAll(async () => {
  h = await createHarness({ server: 'cluster' });
  worker = await startWorkerChild({
    ...h.temporalEnv,
    TEMPORAL_TASK_QUEUE: h.taskQueue,
    DATABASE_URL: h.db.url,
    SMTP_URL: h.smtp.url,
    MAIL_FROM: 'Child protection <no-reply@test.local>',
    PUBLIC_URL: 'http://cases.test',
    PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
    WORKER_LOG_LEVEL: 'DEBUG',
  });
  api = await startTestApi(h, { LOG_LEVEL: 'trace' });
});
afterAll(async () => {
  await api?.stop();
  await worker?.stop();
  await h?.stop();
});

async function post<T = { case: { step: string } }>(
  as: string,
  url: string,
  body: unknown = {},
  status = 200,
) {
  const res = await api.post<T>(url, { as, body, headers: { 'Idempotency-Key': randomUUID() } });
  if (res.status >= 500) console.log(api.logs.filter((l) => /"level":(50|60)/.test(l)).join('\n'));
  expect([url, res.status, res.status >= 400 ? res.text : '']).toEqual([url, status, '']);
  return res.body;
}

/** Every step of the circuit, over HTTP, for a new child with the distinctive identity. */
async function walkTheCircuit(): Promise<{
  caseId: string;
  childId: string;
  reference: string;
  referralIds: string[];
}> {
  const created = await post<{ caseId: string; childId: string; reference: string }>(
    HANDLER,
    '/cases',
    {
      child: { ...CHILD, sex: 'female', nationality: 'MA' },
      report: {
        channel: 'school',
        urgent: true,
        anonymous: false,
        reporterName: SECRETS.reporterName,
        reporterContact: SECRETS.reporterContact,
        narrative: SECRETS.narrative,
        categories: ['sexualAbuse'],
      },
    },
    201,
  );
  const { caseId } = created;
  await waitForOpenStep(api, caseId, 'screening', HANDLER);
  const c = `/cases/${caseId}`;
  await post(HANDLER, `${c}/screening`, {
    risk: 'HIGH',
    immediateNeeds: true,
    categories: ['sexualAbuse'],
    notes: SECRETS.screeningNotes,
  });
  await post(HANDLER, `${c}/emergency`, { measures: ['medical', 'placement'] });
  await post(HANDLER, `${c}/judicial-notification`, { status: 'sent' });
  await post(HANDLER, `${c}/judicial-notification`, { status: 'acknowledged' });
  await post(HANDLER, `${c}/assessment`, { social: SECRETS.assessment, health: SECRETS.assessment });
  await post(HANDLER, `${c}/plan`, {
    items: [{ serviceType: 'medical', partnerId: 'partner-demo-health', objective: SECRETS.objective }],
  });
  await post(SUPERVISOR, `${c}/plan/approval`, { decision: 'return', reason: SECRETS.returnReason });
  await post(HANDLER, `${c}/plan`, {
    items: [{ serviceType: 'medical', partnerId: 'partner-demo-health', objective: SECRETS.objective }],
  });
  const approved = await post<{ case: { referrals: { referralId: string }[] } }>(
    SUPERVISOR,
    `${c}/plan/approval`,
    {
      decision: 'approve',
    },
  );
  const referralIds = approved.case.referrals.map((r) => r.referralId);
  const [referralId] = referralIds;
  await eventually(
    'the referral row',
    async () => (await api.get(`/referrals/${referralId}`, { as: PARTNER })).status === 200,
  );
  const r = `/referrals/${referralId}`;
  await post(PARTNER, `${r}/acknowledgement`);
  await post(PARTNER, `${r}/start`);
  await post(PARTNER, `${r}/outcome`, { outcome: 'completed' });
  await post(SUPERVISOR, `${c}/assignment`, { assigneeId: HANDLER });
  await post(HANDLER, `${c}/reviews`, { risk: 'HIGH', decision: 'continue', notes: SECRETS.reviewNotes });
  await post(
    HANDLER,
    `${c}/concerns`,
    {
      channel: 'family',
      urgent: false,
      anonymous: true,
      narrative: SECRETS.concern,
      categories: ['neglect'],
    },
    202,
  );
  await waitForOpenStep(api, caseId, 'screening', HANDLER);
  await post(HANDLER, `${c}/screening`, { risk: 'HIGH', immediateNeeds: false, categories: ['neglect'] });
  await post(HANDLER, `${c}/transfer`, { toProvince: 'OTHR' });
  await post(OTHR_SUPERVISOR, `${c}/transfer/acceptance`, { accept: false });
  await post(HANDLER, `${c}/closure`, { reason: 'objectivesMet' });
  await post(SUPERVISOR, `${c}/closure/approval`, { decision: 'approve' });
  await waitForOpenStep(api, caseId, 'closureCheckBack', HANDLER);
  const done = await post(HANDLER, `${c}/closure/check-back`, { outcome: 'stable' });
  expect(done.case.step).toBe('closed');
  // Closed with nothing pending: the workflow has finished.
  await h.env.client.workflow.getHandle(caseWorkflowId(caseId)).result();
  // Read back by people allowed to see the child: those reads are audited and logged too.
  const read = await api.get<{ child?: { firstName: string } }>(c, { as: SUPERVISOR });
  expect(read.body.child?.firstName).toBe(CHILD.firstName);
  return { ...created, referralIds };
}

/** A second case of the same child whose history is kept short, so it continues as new. */
async function caseThatContinuesAsNew(): Promise<{ caseId: string; runs: number }> {
  const { caseId, handle } = await startCase(h.env.client, h.db.prisma, h.taskQueue, {
    childName: `${CHILD.firstName} ${CHILD.lastName}`,
    birthDate: CHILD.birthDate,
    maxHistoryEvents: 40,
  });
  const firstRun = (await handle.describe()).runId;
  await waitForOpenStep(api, caseId, 'screening', HANDLER);
  const c = `/cases/${caseId}`;
  await post(HANDLER, `${c}/screening`, { risk: 'MEDIUM', immediateNeeds: false, categories: ['neglect'] });
  await post(HANDLER, `${c}/assessment`, { social: SECRETS.assessment });
  await post(HANDLER, `${c}/plan`, {
    items: [
      { serviceType: 'familySupport', partnerId: 'partner-demo-association', objective: SECRETS.objective },
    ],
  });
  await post(SUPERVISOR, `${c}/plan/approval`, { decision: 'approve' });
  for (let i = 0; i < 10 && (await handle.describe()).runId === firstRun; i += 1) {
    await post(HANDLER, `${c}/reviews`, { risk: 'MEDIUM', decision: 'continue', notes: SECRETS.reviewNotes });
  }
  const runs = (await historiesOf(h.env.client, [caseWorkflowId(caseId)])).length;
  return { caseId, runs };
}

/** The needles found in a text (case-insensitive). */
const found = (text: string) =>
  Object.entries(SECRETS)
    .filter(([, secret]) => text.toLowerCase().includes(secret.toLowerCase()))
    .map(([name]) => name);

it('finds the child nowhere in the workflow histories (raw or decoded), the logs or the e-mails', async () => {
  const first = await walkTheCircuit();
  walked = first;
  const second = await caseThatContinuesAsNew();
  expect(second.runs).toBeGreaterThanOrEqual(2);

  // The identity really is in the case database (where it belongs).
  const child = await h.db.prisma.child.findUniqueOrThrow({ where: { id: first.childId } });
  expect(child).toMatchObject({ firstName: CHILD.firstName, lastName: CHILD.lastName });

  const referralIds = (
    await h.db.prisma.referral.findMany({ where: { caseId: { in: [first.caseId, second.caseId] } } })
  ).map((r) => r.id);
  expect(referralIds).toEqual(expect.arrayContaining(first.referralIds));
  const workflowIds = [
    caseWorkflowId(first.caseId),
    caseWorkflowId(second.caseId),
    ...referralIds.map(referralWorkflowId),
  ];
  const histories = await historiesOf(h.env.client, workflowIds);
  expect(histories.length).toBeGreaterThanOrEqual(workflowIds.length + 1);

  const leaks: string[] = [];
  let decodedText = '';
  let payloadCount = 0;
  for (const { workflowId, runId, history } of histories) {
    const where = `${workflowId}/${runId}`;
    // Raw: the history's bytes exactly as the server sends (and stores) them.
    for (const name of found(rawBytes(history).toString('utf8'))) leaks.push(`${where} raw: ${name}`);
    // Decoded: every payload, through the operators' codec endpoint.
    const payloads = payloadsOf(history.events);
    payloadCount += payloads.length;
    const encrypted = payloads.filter((p) => encodingOf(p) === 'binary/encrypted');
    const plain = payloads.filter((p) => encodingOf(p) !== 'binary/encrypted');
    const res = await api.post<{ payloads: PayloadJson[] }>('/codec/decode', {
      as: OPERATIONS,
      body: { payloads: encrypted.map(toCodecJson) },
      headers: { 'X-Namespace': 'default' },
    });
    expect(res.status).toBe(200);
    const decoded = [...res.body.payloads, ...plain.map(toCodecJson)]
      .map((p) => `${Object.values(p.metadata).map(fromBase64).join(' ')} ${fromBase64(p.data)}`)
      .join('\n');
    for (const name of found(decoded)) leaks.push(`${where} decoded: ${name}`);
    decodedText += decoded;
  }
  const apiLogs = api.logs.join('\n');
  for (const name of found(apiLogs)) leaks.push(`API log: ${name}`);
  const workerLogs = worker.output();
  for (const name of found(workerLogs)) leaks.push(`worker log: ${name}`);
  const mails = h.smtp.messages.map((m) => m.raw.toString('utf8')).join('\n');
  for (const name of found(mails)) leaks.push(`e-mail: ${name}`);

  expect(leaks).toEqual([]);

  // The searches looked where the data would be: the decoded histories hold the case's IDs and
  // codes, the logs name the case, and mail went out about it.
  expect(payloadCount).toBeGreaterThan(100);
  for (const expected of [
    first.caseId,
    first.reference,
    'sexualAbuse',
    'objectivesMet',
    'partner-demo-health',
  ]) {
    expect([expected, decodedText.includes(expected)]).toEqual([expected, true]);
  }
  expect(apiLogs).toContain(first.caseId);
  expect(workerLogs).toContain(caseWorkflowId(first.caseId));
  expect(mails).toContain(first.reference);
  console.log(
    `privacy: ${histories.length} histories (${payloadCount} payloads), ${api.logs.length} API log lines, ` +
      `${workerLogs.split('\n').length} worker log lines, ${h.smtp.messages.length} e-mails searched`,
  );
});

it("shows operators the decrypted history in Temporal's own CLI through the codec endpoint, still without the child", async () => {
  const first = walked;
  if (!first) throw new Error('the circuit did not run');
  // Asynchronously: the CLI calls back into the API served by this very process.
  const show = (codec: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        temporalCliPath(),
        [
          'workflow',
          'show',
          '-w',
          caseWorkflowId(first.caseId),
          ...cliConnectionFlags(h.temporalEnv),
          '-o',
          'json',
          ...codec,
        ],
        { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
      );
    });
  // `-o json` prints each payload as proto3 JSON: metadata and data in base64.
  const payloads = (stdout: string) => {
    const out: { encoding: string; data: string }[] = [];
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        const o = value as { metadata?: { encoding?: string }; data?: unknown };
        if (o.metadata && typeof o.data === 'string') {
          out.push({ encoding: fromBase64(o.metadata.encoding), data: fromBase64(o.data) });
        } else Object.values(value).forEach(walk);
      }
    };
    walk(JSON.parse(stdout));
    return out;
  };
  const encrypted = await show([]);
  expect(encrypted.code).toBe(0);
  const raw = payloads(encrypted.stdout);
  expect(raw.filter((p) => p.encoding === 'binary/encrypted').length).toBeGreaterThan(50);
  expect(raw.map((p) => p.data).join('\n')).not.toContain(first.reference);
  const token = await api.token(OPERATIONS);
  const decoded = await show(['--codec-endpoint', `${api.url}/codec`, '--codec-auth', `Bearer ${token}`]);
  expect(decoded.stderr).toBe('');
  expect(decoded.code).toBe(0);
  const plain = payloads(decoded.stdout);
  expect(plain.length).toBeGreaterThan(50);
  expect(plain.filter((p) => p.encoding === 'binary/encrypted')).toEqual([]);
  const text = plain.map((p) => p.data).join('\n');
  expect(text).toContain(`"reference":"${first.reference}"`);
  expect(found(text)).toEqual([]);
  expect(found(decoded.stdout)).toEqual([]);
});
