/**
 * The production topology under faults, every part a separate process: the real Temporal server as
 * four processes (frontend, history, matching, worker) on a PostgreSQL of its own, over mutual TLS
 * (devstack/cluster.ts, the configuration docker-compose.yml mounts), the case database's
 * PostgreSQL, an SMTP capture, two workers (`tsx worker/main.ts`) and the API (`tsx api/main.ts`).
 * Thirty cases go through the API while workers are SIGKILLed during activities and pending timers,
 * the API is restarted under clients that retry with the same Idempotency-Keys, the mail server is
 * down for a while, the case database is restarted, Temporal's history, matching and frontend
 * services are SIGKILLed and come back, and Temporal's PostgreSQL is restarted. Afterwards every
 * case must be at its expected step, every e-mail (case opened, reminders, escalations) delivered
 * exactly once (or, if its final dot went out as the mail server was killed, `unconfirmed` and
 * perhaps never stored), no row duplicated, the audit trail complete.
 *
 * Time is real on the cluster, so the test runs a province override of the protocol (a
 * PROTOCOL_DIR of its own) whose urgent screening and referral acknowledgement are due within a
 * minute and escalate a minute apart ({ minutes } durations); everything else is protocol v1.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import pg from 'pg';
import { applyMigrations } from '../../devstack/migrate';
import { freePort } from '../../devstack/ports';
import { seedDemoData } from '../../devstack/seed';
import { startSmtpCapture, type SmtpCapture } from '../../devstack/smtp-capture';
import { startTemporalCluster, type ClusterInfo, type RunningCluster } from '../../devstack/cluster';
import { createPrismaClient, type PrismaClient } from '../../lib/db';
import { apiClient, JWT_SECRET, newChildReport, type ApiClient } from '../support/api';
import { recordClusterRun } from '../support/cluster';
import { superviseTsx, type Service } from '../support/processes';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';
import { workflowBundle } from '../support/workflow-bundle';

jest.setTimeout(15 * 60_000);

const ROOT = path.resolve(__dirname, '..', '..');
const HANDLER = 'staff-demo-handler';
const SUPERVISOR = 'staff-demo-supervisor';
/** Who each rung of the test ladder reaches in the demo organisation (one person per role). */
const RUNG_RECIPIENTS: Record<number, string> = {
  0: 'staff-demo-handler',
  1: 'staff-demo-supervisor',
  3: 'staff-demo-committee',
};
const CASES = 30;

/** The province override: minutes where protocol v1 has hours and working days. */
const DEMO_OVERRIDE = {
  ladders: {
    faultTest: {
      rungs: [
        { level: 0, role: 'handler', after: { minutes: 0 } },
        { level: 1, role: 'supervisor', after: { minutes: 1 } },
        { level: 3, role: 'committee', after: { minutes: 2 } },
      ],
    },
  },
  steps: {
    // Urgent reports are left unscreened and escalate; normal ones are screened well in time.
    screening: { deadline: { urgent: { minutes: 1 }, normal: { minutes: 30 } }, ladder: 'faultTest' },
    referralAcknowledgement: {
      deadline: {
        byRisk: {
          IMMEDIATE: { minutes: 1 },
          HIGH: { minutes: 1 },
          MEDIUM: { minutes: 1 },
          LOW: { minutes: 1 },
        },
      },
      ladder: 'faultTest',
    },
  },
};

/**
 * What each case is expected to become:
 * - escalated: urgent report never screened: the screening ladder fires all three rungs;
 * - screened: screened in time, waits at assessment, no escalation;
 * - referred: screened, assessed, planned, approved: one referral the partner never acknowledges,
 *   whose acknowledgement ladder fires all three rungs.
 */
type Kind = 'escalated' | 'screened' | 'referred';
const kindOf = (i: number): Kind => (['escalated', 'screened', 'referred'] as const)[i % 3] ?? 'screened';
const EXPECTED_STEP: Record<Kind, string> = {
  escalated: 'screening',
  screened: 'assessment',
  referred: 'followUp',
};

interface Tracked {
  index: number;
  kind: Kind;
  lastName: string;
  caseId?: string;
  done: boolean;
}

let dir: string;
let cluster: RunningCluster | undefined;
let clusterInfo: ClusterInfo | undefined;
let postgres: Service | undefined;
let databaseUrl: string;
let smtp: SmtpCapture | undefined;
let workers: Service[] = [];
let api: Service | undefined;
let prisma: PrismaClient | undefined;
let ports: { pg: number; smtp: number; api: number };

const faults = {
  workerKilled: 0,
  apiRestarted: 0,
  smtpOutage: 0,
  postgresRestarted: 0,
  historyKilled: 0,
  matchingKilled: 0,
  frontendKilled: 0,
  temporalPostgresRestarted: 0,
};
/** Every 5xx other than 503 the API answered during the run (a 503 is the documented "try again"). */
const serverErrors: string[] = [];
/** Set when the test has failed: the fault schedule stops at its next step. */
let aborted = false;
let injecting: Promise<void> = Promise.resolve();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A pause of the fault schedule, which ends it early once the test has failed. */
const pause = async (ms: number) => {
  await sleep(ms);
  if (aborted) throw new Error('the fault schedule stopped: the test has failed');
};

/** Until PostgreSQL accepts connections again (after a start or a restart). */
async function postgresReady(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: databaseUrl });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(250);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
const startSmtp = () => startSmtpCapture({ port: ports.smtp, dir: path.join(dir, 'mail') });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-faults-'));
  fs.chmodSync(dir, 0o755); // PostgreSQL runs as the postgres user when the tests run as root
  ports = { pg: await freePort(), smtp: await freePort(), api: await freePort() };
  // The test protocol: v1 as shipped, plus the province override above.
  const protocolDir = path.join(dir, 'protocol');
  fs.mkdirSync(path.join(protocolDir, 'versions'), { recursive: true });
  fs.mkdirSync(path.join(protocolDir, 'provinces'), { recursive: true });
  for (const f of fs.readdirSync(path.join(ROOT, 'protocol', 'versions'))) {
    fs.copyFileSync(path.join(ROOT, 'protocol', 'versions', f), path.join(protocolDir, 'versions', f));
  }
  fs.writeFileSync(path.join(protocolDir, 'provinces', 'DEMO.json'), JSON.stringify(DEMO_OVERRIDE));
  const bundleFile = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(bundleFile, (await workflowBundle()).code);

  databaseUrl = `postgresql://postgres:postgres@127.0.0.1:${ports.pg}/faults`;
  postgres = superviseTsx(
    'postgres',
    'devstack/postgres-server.ts',
    { PGDATA_DIR: path.join(dir, 'postgres'), PGPORT: String(ports.pg), PGDATABASE: 'faults' },
    dir,
  );
  smtp = await startSmtp();
  fs.mkdirSync(path.join(dir, 'cluster'));
  cluster = await startTemporalCluster({ dataDir: path.join(dir, 'cluster') });
  clusterInfo = await cluster.describe();
  recordClusterRun('faults', clusterInfo);
  await postgresReady(120_000);
  await applyMigrations(databaseUrl);
  await seedDemoData(databaseUrl);
  prisma = createPrismaClient(databaseUrl, 3);

  const env = {
    ...cluster.clientEnv,
    TEMPORAL_TASK_QUEUE: 'faults',
    DATABASE_URL: databaseUrl,
    SMTP_URL: smtp.url,
    PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
    PROTOCOL_DIR: protocolDir,
    JWT_SECRET,
    API_PORT: String(ports.api),
    PUBLIC_URL: 'http://cases.faults.test',
    API_RATE_LIMIT_PER_MINUTE: '100000',
    // Short enough for the run: a request waits 10 s at most for Temporal before answering 503.
    API_WORKFLOW_TIMEOUT_MS: '10000',
    // Twelve hours away, so the supervisors' daily digest never mixes into the run's mail.
    NOTIFICATION_DIGEST_TIME: digestTimeFarFromNow(),
    WORKFLOW_BUNDLE_PATH: bundleFile,
    LOG_LEVEL: 'warn',
  };
  workers = [1, 2].map((n) => superviseTsx(`worker-${n}`, 'worker/main.ts', env, dir));
  api = superviseTsx('api', 'api/main.ts', env, dir);
  await apiReady(apiClient(`http://127.0.0.1:${ports.api}`));
}, 300_000);

/** Set as the test's last step: a failed run's directory is kept (afterAll). */
let passed = false;

afterAll(async () => {
  aborted = true;
  await injecting.catch(() => undefined);
  const stops = [...workers, ...(api ? [api] : [])].map((s) => s.stop().catch(() => undefined));
  await Promise.all(stops);
  await prisma?.$disconnect().catch(() => undefined);
  await smtp?.stop().catch(() => undefined);
  await cluster?.stop().catch(() => undefined);
  await postgres?.stop().catch(() => undefined);
  // A failed run keeps its logs (the API's names every error it answered 500 for) to be read.
  if (dir && !passed) console.log(`fault suite failed: its processes' logs are kept in ${dir}`);
  else if (dir && !process.env.KEEP_FAULT_DIR) fs.rmSync(dir, { recursive: true, force: true });
}, 120_000);

function digestTimeFarFromNow(): string {
  const casablanca = new Date(Date.now() + 12 * 3_600_000).toLocaleTimeString('en-GB', {
    timeZone: 'Africa/Casablanca',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
  return casablanca;
}

async function apiReady(http: ApiClient, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await http.get('/healthz')).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the API did not come up');
    await sleep(250);
  }
}

/**
 * A client that keeps trying, as the API asks it to: the same Idempotency-Key for every attempt of
 * one logical request; retried on a refused or cut connection, 503, 429 and 409 "still in progress".
 */
async function persist<T>(
  http: ApiClient,
  as: string,
  url: string,
  body: unknown,
  expected: number[],
  timeoutMs = 8 * 60_000,
): Promise<{ status: number; body: T }> {
  const key = randomUUID();
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline && !aborted) {
    try {
      const res = await http.post<T>(url, { as, body, headers: { 'Idempotency-Key': key } });
      if (expected.includes(res.status)) return res;
      last = `${res.status} ${res.text.slice(0, 300)}`;
      if (res.status >= 500 && res.status !== 503) serverErrors.push(`POST ${url}: ${last}`);
      const retryable =
        res.status === 503 ||
        res.status === 429 ||
        (res.status === 409 && /idempotencyInFlight/.test(res.text));
      if (!retryable) throw new Error(`POST ${url} answered ${last}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith(`POST ${url} answered`)) throw err;
      last = err instanceof Error ? err.message : String(err); // connection refused or reset
    }
    await sleep(500 + Math.random() * 500);
  }
  throw new Error(`POST ${url} never succeeded: ${last}`);
}

/** Waits (through outages) until the case shows an open deadline for the step. */
async function waitForStep(http: ApiClient, caseId: string, step: string): Promise<void> {
  const deadline = Date.now() + 8 * 60_000;
  while (Date.now() < deadline && !aborted) {
    try {
      const res = await http.get<{ openDeadlines?: { step: string }[] }>(`/cases/${caseId}`, {
        as: HANDLER,
      });
      if (res.status >= 500 && res.status !== 503) serverErrors.push(`GET /cases/{id}: ${res.status}`);
      if (res.status === 200 && res.body.openDeadlines?.some((d) => d.step === step)) return;
    } catch {
      // the API is restarting
    }
    await sleep(500);
  }
  throw new Error(`case ${caseId} never showed an open ${step} deadline`);
}

/** One case's life through the API, as a handler and a supervisor would drive it. */
async function drive(http: ApiClient, c: Tracked): Promise<void> {
  const report = newChildReport({ urgent: c.kind === 'escalated' });
  c.lastName = report.child.lastName = `Fault${c.index}x${randomUUID().slice(0, 8)}`;
  const opened = await persist<{ caseId: string }>(http, HANDLER, '/cases', report, [201]);
  c.caseId = opened.body.caseId;
  if (c.kind !== 'escalated') {
    await waitForStep(http, c.caseId, 'screening');
    await persist(
      http,
      HANDLER,
      `/cases/${c.caseId}/screening`,
      {
        risk: 'MEDIUM',
        immediateNeeds: false,
        categories: ['neglect'],
        notes: 'Heard at the unit.',
      },
      [200],
    );
  }
  if (c.kind === 'referred') {
    await persist(http, HANDLER, `/cases/${c.caseId}/assessment`, { social: 'No income.' }, [200]);
    await persist(
      http,
      HANDLER,
      `/cases/${c.caseId}/plan`,
      {
        items: [{ serviceType: 'medical', partnerId: 'partner-demo-health', objective: 'Treat' }],
      },
      [200],
    );
    await persist(http, SUPERVISOR, `/cases/${c.caseId}/plan/approval`, { decision: 'approve' }, [200]);
  }
  c.done = true;
}

/** The faults, one after another, while the cases are being driven and their clocks run. */
async function inject(): Promise<void> {
  const [w1, w2] = workers as [Service, Service];
  const killWorker = async (w: Service) => {
    await w.kill(1000);
    faults.workerKilled += 1;
  };
  await pause(4_000);
  await killWorker(w1); // cases opening: loadCaseState, openDeadline, case-opened mail in flight
  await pause(4_000);
  await api?.restart(); // clients retry their POSTs with the same keys
  faults.apiRestarted += 1;
  await pause(4_000);
  await smtp?.stop(); // mail down while case-opened notices and the first reminders go out
  faults.smtpOutage += 1;
  await killWorker(w2);
  await pause(30_000);
  smtp = await startSmtp();
  await pause(3_000);
  await postgres?.restart(); // PostgreSQL restarted under activities and requests
  await postgresReady();
  faults.postgresRestarted += 1;
  await pause(10_000);
  await killWorker(w1); // urgent screening deadlines falling now: escalations in flight
  await pause(5_000);
  const temporal = cluster as RunningCluster;
  // History owns the shards, their timers and transfer tasks: killed while deadlines fall.
  await temporal.services.history.kill(3_000);
  faults.historyKilled += 1;
  await pause(12_000);
  await killWorker(w2);
  await pause(8_000);
  // Matching holds the task queues' pending polls and tasks.
  await temporal.services.matching.kill(2_000);
  faults.matchingKilled += 1;
  await pause(12_000);
  await api?.restart();
  faults.apiRestarted += 1;
  await pause(8_000);
  // The frontend: every client's calls (API steps, workers' polls and completions) cut.
  await temporal.services.frontend.kill(2_000);
  faults.frontendKilled += 1;
  await pause(12_000);
  await killWorker(w1); // referral acknowledgement ladders climbing
  await pause(8_000);
  // Temporal's own PostgreSQL, under all four services.
  await temporal.postgres.restart();
  faults.temporalPostgresRestarted += 1;
  await pause(15_000);
  await killWorker(w2);
}

it("keeps every promise through worker crashes, restarts of the API and PostgreSQL, mail down, and Temporal's history, matching and frontend killed and its PostgreSQL restarted", async () => {
  const http = apiClient(`http://127.0.0.1:${ports.api}`);
  const cases: Tracked[] = Array.from({ length: CASES }, (_, index) => ({
    index,
    kind: kindOf(index),
    lastName: '',
    done: false,
  }));
  const started = Date.now();
  // Clients start a little apart, as reports arrive; the faults run alongside.
  const clients = cases.map(async (c) => {
    await sleep(c.index * 300);
    await drive(http, c);
  });
  injecting = inject();
  await Promise.all([Promise.all(clients), injecting]).catch((err: unknown) => {
    aborted = true;
    throw err;
  });
  const db = prisma as PrismaClient;

  // --- recovery: every case at its step, every ladder fired --------------------------------------
  const referred = cases.filter((c) => c.kind === 'referred').length;
  const escalatedCases = cases.filter((c) => c.kind === 'escalated').length;
  const expectedEscalations = (escalatedCases + referred) * Object.keys(RUNG_RECIPIENTS).length;
  const expectedCaseOpened = CASES * 2; // the duty unit's supervisor and handler
  // Each referral told to the health centre's focal address and its partner staff member.
  const expectedReferralSent = referred * 2;
  const expectedEmails = expectedEscalations + expectedCaseOpened + expectedReferralSent;
  const converged = await until(8 * 60_000, async () => {
    const sent = await db.notification.count({ where: { status: { in: ['sent', 'unconfirmed'] } } });
    const escalations = await db.escalation.count();
    return sent >= expectedEmails && escalations >= expectedEscalations;
  });
  expect(converged).toBe(true);
  // Anything still in flight (a late duplicate would show up here) gets time to arrive.
  await sleep(5_000);

  for (const c of cases) {
    const view = await http.get<{ step: string; openDeadlines: { step: string; escalationLevel: number }[] }>(
      `/cases/${c.caseId}`,
      { as: HANDLER },
    );
    expect([c.index, c.kind, view.status, view.body.step]).toEqual([
      c.index,
      c.kind,
      200,
      EXPECTED_STEP[c.kind],
    ]);
    const row = await db.case.findUniqueOrThrow({ where: { id: c.caseId } });
    expect([c.index, row.step]).toEqual([c.index, EXPECTED_STEP[c.kind]]);
    if (c.kind === 'escalated') {
      expect(view.body.openDeadlines).toEqual([
        expect.objectContaining({ step: 'screening', escalationLevel: 3 }),
      ]);
    }
  }

  // --- e-mail: each intended message exactly once in the capture, by Message-ID ------------------
  const mail = await capturedMail();
  const byId = new Map<string, number>();
  for (const m of mail) byId.set(m.messageId, (byId.get(m.messageId) ?? 0) + 1);
  const duplicateMail = [...byId.values()].filter((n) => n > 1).length;
  const rows = await db.notification.findMany({
    select: { messageId: true, kind: true, status: true, caseId: true },
  });
  const missing = rows.filter((r) => (byId.get(r.messageId) ?? 0) === 0);
  // The policy's one allowed loss: a message whose final dot went out as the mail server was killed
  // (row `unconfirmed`, flagged on the case) may never have been stored. A `sent` row always was.
  const lost = missing.filter((r) => r.status !== 'unconfirmed');
  const unconfirmedMissing = missing.length - lost.length;
  const unknown = [...byId.keys()].filter((id) => !rows.some((r) => r.messageId === id));
  const delivered = rows.filter((r) => byId.get(r.messageId) === 1).length;
  expect(rows.filter((r) => r.kind === 'caseOpened')).toHaveLength(expectedCaseOpened);
  expect(rows.filter((r) => r.kind === 'referralSent')).toHaveLength(expectedReferralSent);
  expect(rows.filter((r) => ['reminder', 'escalation'].includes(r.kind))).toHaveLength(expectedEscalations);
  expect(rows).toHaveLength(expectedEmails);
  expect({ duplicateMail, lost: lost.map((r) => [r.kind, r.status]), unknown: unknown.length }).toEqual({
    duplicateMail: 0,
    lost: [],
    unknown: 0,
  });

  // Each ladder: levels 0, 1, 3, each to its person, exactly one escalation row per rung.
  const escalations = await db.escalation.findMany({
    include: { messages: { select: { recipientStaffId: true } } },
  });
  for (const c of cases) {
    const mine = escalations.filter((e) => e.caseId === c.caseId);
    const expected =
      c.kind === 'screened'
        ? []
        : Object.entries(RUNG_RECIPIENTS).map(([level, staff]) => ({
            step: c.kind === 'escalated' ? 'screening' : 'referralAcknowledgement',
            level: Number(level),
            to: [staff],
          }));
    const actual = mine
      .map((e) => ({ step: e.step, level: e.level, to: e.messages.map((m) => m.recipientStaffId) }))
      .sort((a, b) => a.level - b.level);
    expect([c.index, actual]).toEqual([c.index, expected]);
  }

  // --- no duplicate rows -----------------------------------------------------------------------
  const duplicates = await duplicateRows(db, cases);
  expect(duplicates).toEqual({});

  // --- the audit trail of each case is complete ----------------------------------------------------
  // Each rung of the faultTest ladder (three) is audited once as it fires.
  const RUNGS = ['escalation.fired', 'escalation.fired', 'escalation.fired'];
  const EXPECTED_ACTIONS: Record<Kind, string[]> = {
    escalated: ['case.opened', 'case.reported', ...RUNGS],
    screened: ['case.opened', 'case.reported', 'screening'],
    referred: [
      'case.opened',
      'case.reported',
      'screening',
      'assessment',
      'plan.submitted',
      'plan.approved',
      'referral.requested',
      ...RUNGS,
    ],
  };
  for (const c of cases) {
    const actions = (await db.auditEvent.findMany({ where: { caseId: c.caseId }, select: { action: true } }))
      .map((e) => e.action)
      .filter((a) => !a.startsWith('case.read') && !a.endsWith('.read'));
    // A message sent whole while the mail server went away (no reply) is not sent again, and the
    // audit trail says so: one notification.unconfirmed per such message of the case, nothing else.
    const unconfirmedHere = rows.filter((r) => r.caseId === c.caseId && r.status === 'unconfirmed').length;
    const expected = [
      ...EXPECTED_ACTIONS[c.kind],
      ...Array<string>(unconfirmedHere).fill('notification.unconfirmed'),
    ];
    expect([c.index, [...actions].sort()]).toEqual([c.index, expected.sort()]);
  }
  expect(await db.apiIdempotency.count({ where: { statusCode: 0 } })).toBe(0);
  expect(serverErrors).toEqual([]);

  const unconfirmed = rows.filter((r) => r.status === 'unconfirmed').length;
  const crashes = [...workers, ...(api ? [api] : [])].reduce((n, s) => n + s.crashes, 0);
  const temporalCrashes = Object.values(cluster?.services ?? {}).reduce((n, s) => n + s.crashes, 0);
  const summary =
    `fault suite: ${CASES} cases in ${Math.round((Date.now() - started) / 1000)} s on Temporal ` +
    `${clusterInfo?.serverVersion} (${Object.keys(cluster?.services ?? {}).length} service processes, ` +
    `PostgreSQL ${clusterInfo?.postgres}); faults injected: ` +
    `${Object.entries(faults)
      .map(([k, n]) => `${k}=${n}`)
      .join(
        ' ',
      )} (+${crashes + temporalCrashes} unplanned process exits, restarted); emails expected ${expectedEmails}, ` +
    `delivered ${delivered} (${unconfirmed} unconfirmed, ${unconfirmedMissing} of them never stored by the killed server); duplicates ${duplicateMail + Object.keys(duplicates).length}`;
  console.log(summary);
  if (clusterInfo) recordClusterRun('faults', clusterInfo, { summary });
  passed = true;
});

async function until(timeoutMs: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return true;
    } catch {
      // the database is coming back
    }
    await sleep(2_000);
  }
  return false;
}

/** Every message the capture received (across its restarts), from the .eml files it kept. */
async function capturedMail(): Promise<{ messageId: string; kind: string }[]> {
  const mailDir = path.join(dir, 'mail');
  const files = fs.readdirSync(mailDir).filter((f) => f.endsWith('.eml'));
  return Promise.all(
    files.map(async (f) => {
      const parsed = await simpleParser(fs.readFileSync(path.join(mailDir, f)));
      return {
        messageId: parsed.messageId ?? `(none in ${f})`,
        kind: String(parsed.headers.get('x-notification-kind') ?? ''),
      };
    }),
  );
}

/** Rows that exist more than once where the protocol allows one (empty when all is well). */
async function duplicateRows(db: PrismaClient, cases: Tracked[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const count = async (name: string, sql: string) => {
    const [row] = await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM (${sql}) d`);
    const n = Number(row?.n ?? 0);
    if (n > 0) out[name] = n;
  };
  await count(
    'audit events per key',
    'SELECT idempotency_key FROM audit_events WHERE idempotency_key IS NOT NULL GROUP BY 1 HAVING count(*) > 1',
  );
  await count(
    'audit actions per case',
    `SELECT case_id, action FROM audit_events WHERE action IN ('case.opened','case.reported','screening','assessment','plan.submitted','plan.approved','referral.requested') GROUP BY 1, 2 HAVING count(*) > 1`,
  );
  await count('reports per case', 'SELECT case_id FROM reports GROUP BY 1 HAVING count(*) > 1');
  await count('screenings per case', 'SELECT case_id FROM screenings GROUP BY 1 HAVING count(*) > 1');
  await count('assessments per case', 'SELECT case_id FROM assessments GROUP BY 1 HAVING count(*) > 1');
  await count('plans per case', 'SELECT case_id FROM plans GROUP BY 1 HAVING count(*) > 1');
  await count('referrals per plan item', 'SELECT plan_item_id FROM referrals GROUP BY 1 HAVING count(*) > 1');
  await count(
    'step records per step and subject',
    "SELECT case_id, step, coalesce(subject_id, '') FROM step_records GROUP BY 1, 2, 3 HAVING count(*) > 1",
  );
  await count(
    'escalations per rung',
    'SELECT step_record_id, level FROM escalations GROUP BY 1, 2 HAVING count(*) > 1',
  );
  await count(
    'notifications per recipient and rung',
    'SELECT escalation_id, recipient_staff_id FROM notifications WHERE escalation_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1',
  );
  // One case per child reported, one child per name, and nothing else in the tables.
  const names = cases.map((c) => c.lastName);
  const children = await db.child.groupBy({
    by: ['lastName'],
    where: { lastName: { in: names } },
    _count: true,
  });
  const extraChildren = children.filter((c) => c._count > 1).length + (names.length - children.length);
  if (extraChildren) out['children per reported child'] = extraChildren;
  const totalCases = await db.case.count();
  if (totalCases !== cases.length) out['cases beyond the ones reported'] = totalCases - cases.length;
  const referrals = await db.referral.count();
  const referred = cases.filter((c) => c.kind === 'referred').length;
  if (referrals !== referred) out['referrals beyond the plans'] = referrals - referred;
  return out;
}
