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
 *
 * A second young person, 16, goes the leaving-care way (protocol.md §4): a placement started by the
 * care institution's focal point enrols them, the pathway's milestones are planned from the birth
 * date (read in one activity, never passed on), a mediator is assigned, the five-axis programme and
 * the exit plan are recorded, and the birth date is then rectified, which re-plans the milestones.
 * The pathway's history, the case's and the referral's, the logs and the e-mails hold the
 * milestone instants but neither the name nor either birth date, in any of the forms a date takes.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { temporalCliPath } from '../../devstack/temporal';
import { caseWorkflowId } from '../../workflows/case/definitions';
import { leavingCareWorkflowId } from '../../workflows/leaving-care/definitions';
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

// The young person of the leaving-care pathway: 16 today, so preparation begins at enrolment.
const YOUTH = { firstName: 'Ombraline', lastName: 'Quetzalvorn', birthDate: '2010-05-23' };
const RECTIFIED_BIRTH_DATE = '2010-04-27';
const YOUTH_SECRETS = {
  firstName: YOUTH.firstName,
  lastName: YOUTH.lastName,
  birthDate: YOUTH.birthDate,
  // A date of birth as the database holds it (UTC midnight) and as local midnight (UTC+1 in May 2010).
  birthInstant: '2010-05-23T00:00',
  birthLocalMidnight: '2010-05-22T23:00',
  rectifiedBirthDate: RECTIFIED_BIRTH_DATE,
  rectifiedInstant: '2010-04-27T00:00', // UTC+0 on 27 April 2010: local midnight is the same instant
  narrative: 'Cobaltwhistle 8842: the young person asked where to live after the institution',
  objective: 'Periwinkle apprenticeship in cabinet making',
  rectificationReason: 'Driftmarble birth certificate presented by the aunt',
};
const INSTITUTION = 'staff-demo-institution'; // focal point of partner-demo-careInstitution (made here)
const MEDIATOR = 'staff-demo-mediator';

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

/** A young person of 16 placed in a care institution, enrolled, prepared, their birth date rectified. */
async function walkTheLeavingCarePathway(): Promise<{
  caseId: string;
  childId: string;
  referralId: string;
  pathwayId: string;
  exitAt: string;
}> {
  // The seed has no focal point for the care institution: one starts the placement here.
  await h.db.prisma.staff.create({
    data: {
      id: INSTITUTION,
      provinceCode: 'DEMO',
      role: 'partner',
      displayName: 'Point focal EPS (démo)',
      email: 'institution@demo.example',
      language: 'fr',
      partnerId: 'partner-demo-careInstitution',
    },
  });
  const { caseId, childId } = await post<{ caseId: string; childId: string }>(
    HANDLER,
    '/cases',
    {
      child: { ...YOUTH, sex: 'male', nationality: 'MA' },
      report: {
        channel: 'family',
        urgent: false,
        anonymous: true,
        narrative: YOUTH_SECRETS.narrative,
        categories: ['neglect'],
      },
    },
    201,
  );
  await waitForOpenStep(api, caseId, 'screening', HANDLER);
  const c = `/cases/${caseId}`;
  await post(HANDLER, `${c}/screening`, { risk: 'MEDIUM', immediateNeeds: false, categories: ['neglect'] });
  await post(HANDLER, `${c}/assessment`, { social: SECRETS.assessment });
  await post(HANDLER, `${c}/plan`, {
    items: [
      {
        serviceType: 'placement',
        partnerId: 'partner-demo-careInstitution',
        objective: YOUTH_SECRETS.objective,
      },
    ],
  });
  const approved = await post<{ case: { referrals: { referralId: string }[] } }>(
    SUPERVISOR,
    `${c}/plan/approval`,
    { decision: 'approve' },
  );
  const referralId = approved.case.referrals[0]!.referralId;
  await eventually(
    'the placement referral row',
    async () => (await api.get(`/referrals/${referralId}`, { as: INSTITUTION })).status === 200,
  );
  await post(INSTITUTION, `/referrals/${referralId}/acknowledgement`);
  await post(INSTITUTION, `/referrals/${referralId}/start`);

  // The placement started: the case enrols the child, whose pathway begins preparation at once.
  interface Pathway {
    pathwayId: string;
    phase: string;
    milestones: { exitAt: string } | null;
  }
  const pathwayOf = async () => {
    const res = await api.get<Pathway>(`/leaving-care/${childId}`, { as: HANDLER });
    return res.status === 200 ? res.body : undefined;
  };
  const enrolled = await eventually('the pathway in preparation', async () => {
    const pathway = await pathwayOf();
    return pathway?.phase === 'preparation' ? pathway : undefined;
  });
  // 18 on 23 May 2028: local midnight, UTC+1.
  expect(enrolled.milestones?.exitAt).toBe('2028-05-22T23:00:00.000Z');
  const p = `/leaving-care/${childId}`;
  await post(SUPERVISOR, `${p}/mediator`, { mediatorId: MEDIATOR });
  await post(MEDIATOR, `${p}/programme`, {
    axes: ['health', 'educationTraining', 'employment', 'socialAssistance', 'socialParticipation'].map(
      (axis) => ({ axis, status: 'inProgress', objectives: [YOUTH_SECRETS.objective] }),
    ),
  });
  await post(MEDIATOR, `${p}/exit-plan`, {
    items: ['housing', 'incomeOrTraining', 'identityDocuments', 'healthCoverage'].map((item) => ({
      item,
      status: 'inProgress',
    })),
  });
  // The birth certificate says 27 April: the milestones move with it (18 on 27 April 2028, UTC+1).
  await post(HANDLER, `${c}/child/rectification`, {
    reason: YOUTH_SECRETS.rectificationReason,
    birthDate: RECTIFIED_BIRTH_DATE,
  });
  const moved = await eventually('the milestones re-planned', async () => {
    const pathway = await pathwayOf();
    return pathway?.milestones?.exitAt === '2028-04-26T23:00:00.000Z' ? pathway : undefined;
  });
  return { caseId, childId, referralId, pathwayId: moved.pathwayId, exitAt: moved.milestones!.exitAt };
}

/** The needles found in a text (case-insensitive). */
const foundOf = (secrets: Record<string, string>) => (text: string) =>
  Object.entries(secrets)
    .filter(([, secret]) => text.toLowerCase().includes(secret.toLowerCase()))
    .map(([name]) => name);
const found = foundOf(SECRETS);

/**
 * Searches every run of these workflows' histories, raw (ciphertext, as a backup holds it) and
 * decoded through the operators' codec endpoint, then the API's and the worker's logs and every
 * e-mail; says where each needle was found.
 */
async function search(workflowIds: string[], find: (text: string) => string[]) {
  const histories = await historiesOf(h.env.client, workflowIds);
  const leaks: string[] = [];
  let decodedText = '';
  let payloadCount = 0;
  for (const { workflowId, runId, history } of histories) {
    const where = `${workflowId}/${runId}`;
    // Raw: the history's bytes exactly as the server sends (and stores) them.
    for (const name of find(rawBytes(history).toString('utf8'))) leaks.push(`${where} raw: ${name}`);
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
    for (const name of find(decoded)) leaks.push(`${where} decoded: ${name}`);
    decodedText += decoded;
  }
  const apiLogs = api.logs.join('\n');
  for (const name of find(apiLogs)) leaks.push(`API log: ${name}`);
  const workerLogs = worker.output();
  for (const name of find(workerLogs)) leaks.push(`worker log: ${name}`);
  const mails = h.smtp.messages.map((m) => m.raw.toString('utf8')).join('\n');
  for (const name of find(mails)) leaks.push(`e-mail: ${name}`);
  return { histories, leaks, decodedText, payloadCount, apiLogs, workerLogs, mails };
}

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
  const { histories, leaks, decodedText, payloadCount, apiLogs, workerLogs, mails } = await search(
    workflowIds,
    found,
  );
  expect(histories.length).toBeGreaterThanOrEqual(workflowIds.length + 1);

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

it("finds the young person of a leaving-care pathway nowhere: not their name, not either birth date, while the pathway's history holds its milestones", async () => {
  const walkedPathway = await walkTheLeavingCarePathway();
  // The identity (the rectified birth date) really is in the case database.
  const child = await h.db.prisma.child.findUniqueOrThrow({ where: { id: walkedPathway.childId } });
  expect([child.firstName, child.birthDate.toISOString()]).toEqual([
    YOUTH.firstName,
    '2010-04-27T00:00:00.000Z',
  ]);
  const pathwayWorkflow = leavingCareWorkflowId(walkedPathway.childId);
  const workflowIds = [
    pathwayWorkflow,
    caseWorkflowId(walkedPathway.caseId),
    referralWorkflowId(walkedPathway.referralId),
  ];
  const { histories, leaks, decodedText, mails, workerLogs } = await search(
    workflowIds,
    foundOf(YOUTH_SECRETS),
  );
  expect(histories.map((x) => x.workflowId)).toEqual(expect.arrayContaining(workflowIds));
  expect(leaks).toEqual([]);

  // The searches looked where the data would be: the pathway's history holds its id, the
  // milestones planned from the birth date (the first 18th birthday and the rectified one), the
  // placement that enrolled it; the worker logged the pathway; mail went out about the referral.
  const pathwayText = decodedText;
  for (const expected of [
    walkedPathway.pathwayId,
    '2028-05-22T23:00:00.000Z',
    walkedPathway.exitAt,
    'placement',
    'partner-demo-careInstitution',
  ]) {
    expect([expected, pathwayText.includes(expected)]).toEqual([expected, true]);
  }
  expect(workerLogs).toContain(pathwayWorkflow);
  expect(mails).toContain('careinstitution@partners.demo.example');
});
