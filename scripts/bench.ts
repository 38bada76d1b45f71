/**
 * `npm run bench`: what the engine costs over bare Temporal, in one run against one dev server.
 *
 *   (a) cases started per second through the API ÷ bare `client.workflow.start` of caseWorkflow
 *   (b) p50 / p99 latency of a step (assignment) through the API ÷ the same workflow update sent bare
 *   (c) resident memory of the worker process with BENCH_OPEN_CASES (10,000) cases waiting on timers
 *   (d) time for BENCH_DEADLINES (1,000) deadlines falling at one instant to be escalated (mail
 *       delivered) ÷ as many bare timers at one instant (benchTimerWorkflow) to complete
 *   (e) with `--cluster`: the national midnight, (d) with BENCH_DEADLINES (20,000) on the real server
 *   (f) p99 of `GET /cases/{id}` and of `GET /work`, read from the read model with
 *       BENCH_DATABASE_CASES (100,000) cases in the database — BENCH_WORK_CASES (10,000) of them open
 *       in one province, the rest closed in another — ÷ a bare indexed SELECT of the same rows (the
 *       case's rows table by table; the page's step records, cases and escalations by key). The work
 *       list is read as a handler of the unit that holds them all unassigned (the worst case: every
 *       one is on their list), a handler with one case in fifty assigned, the supervisor (late
 *       steps) and the coordinator (rung-2 escalations on one case in twenty); rows written straight
 *       into the read model
 *
 * `npm run bench -- --cluster` (or BENCH_CLUSTER=1) runs the same measures on the production topology
 * instead of the dev server: the Temporal server as four processes (frontend, history, matching,
 * worker) on a PostgreSQL of its own (devstack/cluster.ts, the deploy/ files docker-compose.yml
 * uses); there (d) is the national midnight, BENCH_DEADLINES defaulting to 20,000, with its drain
 * time. Each line gives the CPU seconds every process (and its children: PostgreSQL's backends)
 * used during the measure.
 *
 * Everything runs on this machine: the Temporal dev server, embedded PostgreSQL, an SMTP capture
 * (in this process), the worker and the API as processes of their own, as in production. Numbers,
 * not pass/fail: the table ends with the machine's load average, since a busy machine skews them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { bundleWorkflows } from '../worker/bundle';
import nodemailer from 'nodemailer';
import { createActivities } from '../activities';
import { signToken } from '../api/auth/token';
import { applyMigrations } from '../devstack/migrate';
import { cpuSeconds, pidOf } from '../devstack/process-cpu';
import { freePort, waitFor } from '../devstack/ports';
import { startEmbeddedPostgres } from '../devstack/postgres';
import { seedDemoData } from '../devstack/seed';
import { startSmtpCapture } from '../devstack/smtp-capture';
import { startTemporalCluster, SERVICES } from '../devstack/cluster';
import { startTemporalDevServer } from '../devstack/temporal';
import { WORKER_ENV, WORKER_NODE_FLAGS } from '../devstack/worker-flags';
import {
  caseRowsSql,
  insertClosedCases,
  insertWorkload,
  startWithScreeningDue,
  WORK_ROWS_SQL,
} from './bench-data';
import { workCountsQuery } from '../api/work/queries';
import { loadConfig } from '../lib/config';
import { createPrismaClient, type PrismaClient } from '../lib/db';
import { generateEncryptionKey } from '../lib/payload-codec';
import { connectClient } from '../lib/temporal';
import {
  assignmentUpdate,
  caseViewQuery,
  caseWorkflowId,
  type CaseState,
} from '../workflows/case/definitions';

const ROOT = path.resolve(__dirname, '..');
const count = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
/** The four-process Temporal server on PostgreSQL instead of the dev server. */
const CLUSTER = process.argv.includes('--cluster') || process.env.BENCH_CLUSTER === '1';
const STARTS = count('BENCH_STARTS', 300);
const STEPS = count('BENCH_STEPS', 200);
const OPEN_CASES = count('BENCH_OPEN_CASES', 10_000);
const DEADLINES = count('BENCH_DEADLINES', CLUSTER ? 20_000 : 1_000);
const CONCURRENCY = count('BENCH_CONCURRENCY', 16);
const READS = count('BENCH_READS', 200);
const WORK_CASES = count('BENCH_WORK_CASES', 10_000);
/** Cases in the database during the reads, WORK's open ones included (the rest closed, elsewhere). */
const DATABASE_CASES = count('BENCH_DATABASE_CASES', 100_000);
/** BENCH_WORKER_FLAGS='--max-old-space-size=160' to try other Node flags than the deployed ones. */
const workerFlags: readonly string[] =
  process.env.BENCH_WORKER_FLAGS?.split(' ').filter(Boolean) ?? WORKER_NODE_FLAGS;
/** BENCH_WORKER_ENV='MALLOC_ARENA_MAX=8' to try another environment than the deployed one. */
const workerEnv: Readonly<Record<string, string>> =
  process.env.BENCH_WORKER_ENV !== undefined
    ? Object.fromEntries(
        process.env.BENCH_WORKER_ENV.split(' ')
          .filter(Boolean)
          .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
      )
    : WORKER_ENV;
/** e.g. BENCH_ONLY=d to run one measure while looking into it. */
const ONLY = new Set((process.env.BENCH_ONLY ?? 'a,b,c,d,f').split(','));
/** BENCH_ONLY=timers: only (d)'s bare-timer half, to measure it apart from a long drain. */
const BARE_TIMERS = ONLY.has('d') || ONLY.has('timers');
const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const HANDLER = 'staff-demo-handler';
const SUPERVISOR = 'staff-demo-supervisor';
/** A province with a unit and nobody in it: its cases open and wait without sending mail. */
const QUIET = 'BNCH';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** Runs `fn` over `items`, `limit` at a time; the first failure stops the others taking more. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length && !failed) {
        const item = items[next++] as T;
        try {
          await fn(item);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    }),
  );
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

function spawnTs(
  script: string,
  env: Record<string, string>,
  logFile: string,
  flags: string[] = [],
): ChildProcess {
  const out = fs.openSync(logFile, 'a');
  return spawn(process.execPath, [...flags, '--import', 'tsx', path.join(ROOT, script)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', out, out],
  });
}

function rssMb(pid: number): { rss: number; peak: number; anon: number; file: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return {
    rss: kb('VmRSS') / 1024,
    peak: kb('VmHWM') / 1024,
    anon: kb('RssAnon') / 1024,
    file: kb('RssFile') / 1024,
  };
}

/** Case rows as POST /cases writes them (child, case, report), for cases started bare. */
async function insertCases(prisma: PrismaClient, province: string, n: number): Promise<string[]> {
  const unit = await prisma.unit.findFirstOrThrow({
    where: { provinceCode: province, kind: 'protectionUnit' },
  });
  const ids = Array.from({ length: n }, () => ({ caseId: randomUUID(), childId: randomUUID() }));
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    await prisma.$transaction(
      [
        prisma.child.createMany({
          data: chunk.map((c) => ({
            id: c.childId,
            firstName: 'Bench',
            lastName: c.childId.slice(0, 8),
            birthDate: new Date('2014-03-01'),
            sex: 'female',
            migrantStatus: 'none',
            civilRegistration: 'registered',
          })),
        }),
        prisma.case.createMany({
          data: chunk.map((c) => ({
            id: c.caseId,
            reference: `${province}-BENCH-${c.caseId.slice(0, 13)}`,
            workflowId: caseWorkflowId(c.caseId),
            childId: c.childId,
            provinceCode: province,
            unitId: unit.id,
            step: 'screening',
            urgent: false,
            categories: [],
            status: 'open',
            protocolVersion: 1,
          })),
        }),
        prisma.report.createMany({
          data: chunk.map((c) => ({
            id: randomUUID(),
            caseId: c.caseId,
            channel: 'hotline',
            receivedAt: new Date(),
            urgent: false,
            anonymous: true,
            categories: [],
          })),
        }),
        // A loaded machine (the bench shares it) may take longer than the default 5 s.
      ],
      { timeout: 120_000 },
    );
  }
  return ids.map((c) => c.caseId);
}

/** Until every listed case has opened its screening deadline (the worker is done with them). */
async function opened(prisma: PrismaClient, caseIds: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    let n = 0;
    for (let i = 0; i < caseIds.length; i += 5000) {
      n += await prisma.stepRecord.count({
        where: { caseId: { in: caseIds.slice(i, i + 5000) }, step: 'screening' },
      });
    }
    if (n >= caseIds.length) return;
    if (n !== last) log(`  ${n}/${caseIds.length} cases open`);
    last = n;
    if (Date.now() > deadline) throw new Error(`only ${n} of ${caseIds.length} cases opened in time`);
    await sleep(2000);
  }
}

/**
 * Where a midnight's unmailed rungs are: the outbox by status, and for up to five cases with no rung
 * mailed since the instant, their outbox rows and their workflow's pending activities.
 */
async function logStragglers(
  prisma: PrismaClient,
  client: Client,
  caseIds: string[],
  at: Date,
): Promise<void> {
  const statuses = await prisma.$queryRaw<{ status: string; phase: string | null; n: bigint }[]>`
    SELECT status::text, phase::text, count(*) AS n FROM notifications
     WHERE kind IN ('reminder', 'escalation') AND created_at >= ${at} GROUP BY 1, 2 ORDER BY 1, 2`;
  log(
    `  outbox since the instant: ${statuses.map((r) => `${r.status}/${r.phase ?? '-'} ${r.n}`).join(', ')}`,
  );
  const missing = await prisma.$queryRaw<{ id: string }[]>`
    SELECT c AS id FROM unnest(${caseIds}::text[]) AS c
     WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.case_id = c AND n.status = 'sent'
                         AND n.kind IN ('reminder', 'escalation') AND n.created_at >= ${at})
     LIMIT 5`;
  for (const { id } of missing) {
    const rows = await prisma.notification.findMany({
      where: { caseId: id, createdAt: { gte: at } },
      select: { status: true, phase: true, attempts: true, lastError: true, createdAt: true },
    });
    const description = await client.workflow
      .getHandle(caseWorkflowId(id))
      .describe()
      .catch((error: unknown) => ({ status: { name: String(error) }, raw: { pendingActivities: [] } }));
    const pending = (description.raw.pendingActivities ?? []).map((a) =>
      `${a.activityType?.name} attempt ${a.attempt} ${a.lastFailure?.message ?? ''}`.trim(),
    );
    log(
      `  unmailed ${id}: workflow ${description.status.name}; outbox ${JSON.stringify(rows)}; pending [${pending.join('; ')}]`,
    );
  }
}

interface Api {
  post(path: string, as: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  get(path: string, as: string): Promise<{ status: number; body: Record<string, unknown> }>;
}

/** Times `read` `n` times (after 10 warm-up reads): p50 and p99 in ms. */
async function latencies(n: number, read: () => Promise<void>): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < n + 10; i += 1) {
    const t = performance.now();
    await read();
    if (i >= 10) times.push(performance.now() - t);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-bench-'));
  fs.chmodSync(dir, 0o755);
  const children: ChildProcess[] = [];
  const stops: (() => Promise<void>)[] = [];
  // The failure is printed before the cleanup: closing the Temporal connection under calls still
  // in flight rejects them with "Channel has been shut down", which must not hide what failed.
  let closing = false;
  process.on('unhandledRejection', (reason: unknown) => {
    if (!closing) throw reason;
    log(`while closing: ${reason instanceof Error ? reason.message : String(reason)}`);
  });
  const cleanup = async () => {
    closing = true;
    for (const child of children) {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    }
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    if (process.env.BENCH_KEEP) log(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

  try {
    log('starting PostgreSQL, the Temporal dev server, an SMTP capture');
    const pg = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'postgres'),
      port: await freePort(),
      database: 'bench',
      quiet: true,
    });
    stops.push(pg.stop);
    await applyMigrations(pg.url);
    await seedDemoData(pg.url);
    const prisma = createPrismaClient(pg.url, 10);
    stops.push(() => prisma.$disconnect());
    await prisma.$executeRawUnsafe(
      `INSERT INTO "provinces" ("code", "name_fr", "name_ar") VALUES ('${QUIET}', 'Banc d''essai', 'اختبار') ON CONFLICT DO NOTHING`,
    );
    await prisma.$executeRawUnsafe(
      `INSERT INTO "units" ("id", "province_code", "kind", "name") VALUES ('unit-bnch-upe', '${QUIET}', 'protectionUnit', 'Banc') ON CONFLICT DO NOTHING`,
    );
    const temporal = CLUSTER
      ? await (async () => {
          log(`starting the Temporal server as ${SERVICES.length} processes on PostgreSQL`);
          const cluster = await startTemporalCluster({
            dataDir: path.join(dir, 'temporal'),
            frontendPort: await freePort(),
            postgresPort: await freePort(),
            historyShards: count('BENCH_HISTORY_SHARDS', 4),
            namespace: 'default',
            retention: '1d',
          });
          stops.push(cluster.stop);
          return {
            address: cluster.address,
            clientEnv: cluster.clientEnv,
            pids: (): Record<string, number | undefined> => ({
              ...Object.fromEntries(SERVICES.map((name) => [`temporal ${name}`, cluster.services[name].pid])),
              'temporal postgres': cluster.postgres.pid,
            }),
          };
        })()
      : await (async () => {
          const dev = await startTemporalDevServer({
            dbFile: path.join(dir, 'temporal.sqlite'),
            port: await freePort(),
            namespace: 'default',
            logFile: path.join(dir, 'temporal.log'),
            // BENCH_DYNAMIC_CONFIG='{"system.enableActivityEagerExecution":true}' to try server settings.
            dynamicConfig: JSON.parse(process.env.BENCH_DYNAMIC_CONFIG ?? '{}') as Record<string, boolean>,
          });
          stops.push(dev.stop);
          return {
            address: dev.address,
            clientEnv: {} as Record<string, string>,
            pids: (): Record<string, number | undefined> => ({
              temporal: pidOf(path.join(dir, 'temporal.sqlite')),
            }),
          };
        })();
    const smtp = await startSmtpCapture({ port: await freePort() });
    stops.push(smtp.stop);

    log('bundling the workflows');
    const bundle = path.join(dir, 'workflows.js');
    fs.writeFileSync(
      bundle,
      (await bundleWorkflows({ workflowsPath: path.join(ROOT, 'workflows', 'bench') })).code,
    );
    const apiPort = await freePort();
    const env = {
      ...temporal.clientEnv,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: 'bench',
      DATABASE_URL: pg.url,
      SMTP_URL: smtp.url,
      PAYLOAD_ENCRYPTION_KEYS: generateEncryptionKey('bench'),
      JWT_SECRET,
      API_PORT: String(apiPort),
      API_RATE_LIMIT_PER_MINUTE: '10000000',
      WORKFLOW_BUNDLE_PATH: bundle,
      // The worker's sizing, when an experiment sets it (the deployed defaults otherwise).
      ...Object.fromEntries(
        (['WORKER_MAX_CACHED_WORKFLOWS', 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS'] as const).flatMap((key) => {
          const value = process.env[key];
          return value ? [[key, value]] : [];
        }),
      ),
      LOG_LEVEL: 'warn',
    };
    // BENCH_PROFILE=1: the worker and the API write V8 CPU profiles (.cpuprofile) into the kept directory.
    const profile = (name: string) =>
      process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.join(dir, 'profile', name)}`] : [];
    // The worker's /metrics: its heap beside its resident memory on line (c).
    const workerMetricsPort = await freePort();
    const worker = spawnTs(
      'worker/main.ts',
      { ...env, ...workerEnv, WORKER_METRICS_PORT: String(workerMetricsPort) },
      path.join(dir, 'worker.log'),
      [...workerFlags, ...profile('worker')],
    );
    const apiProcess = spawnTs('api/main.ts', env, path.join(dir, 'api.log'), profile('api'));
    children.push(worker, apiProcess);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitFor('the API', async () => {
      const res = await fetch(`${apiUrl}/readyz`);
      if (res.status !== 200) throw new Error(`readyz ${res.status}`);
    });
    const config = loadConfig(env);
    const client: Client = await connectClient(config);
    stops.push(() => client.connection.close());
    const tokens = new Map<string, string>();
    const api: Api = {
      async post(p, as, body) {
        let token = tokens.get(as);
        if (!token) tokens.set(as, (token = await signToken({ JWT_SECRET }, as)));
        const res = await fetch(`${apiUrl}${p}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': randomUUID(),
          },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      },
      async get(p, as) {
        let token = tokens.get(as);
        if (!token) tokens.set(as, (token = await signToken({ JWT_SECRET }, as)));
        const res = await fetch(`${apiUrl}${p}`, { headers: { authorization: `Bearer ${token}` } });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      },
    };
    let seq = 0;
    const report = () => {
      seq += 1;
      return {
        child: {
          firstName: 'Bench',
          lastName: `Child${seq}x${randomUUID().slice(0, 8)}`,
          birthDate: '2014-05-17',
          sex: 'female',
        },
        report: { channel: 'school', urgent: false, anonymous: true, categories: ['neglect'] },
      };
    };
    const startBare = (caseId: string) =>
      client.workflow.start('caseWorkflow', {
        taskQueue: env.TEMPORAL_TASK_QUEUE,
        workflowId: caseWorkflowId(caseId),
        args: [{ caseId }],
      });
    const startViaApi = async () => {
      const res = await api.post('/cases', HANDLER, report());
      if (res.status !== 201)
        throw new Error(`POST /cases answered ${res.status}: ${JSON.stringify(res.body)}`);
      return String(res.body.caseId);
    };

    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    const rows: [string, string, string, string, string][] = [
      ['metric', 'engine', 'bare Temporal', 'ratio', 'target'],
    ];
    const activities = createActivities({
      prisma,
      mailer: nodemailer.createTransport(smtp.url),
      config: { ...config },
    });
    /** CPU seconds used by each server while `run` runs: where the time of a measure goes. */
    const servers = {
      worker: worker.pid,
      api: apiProcess.pid,
      ...temporal.pids(),
      postgres: pidOf(`${path.join(dir, 'postgres')}`),
      bench: process.pid,
    };
    const cpuOf = async <T>(run: () => Promise<T>): Promise<[T, string]> => {
      const before = Object.fromEntries(Object.entries(servers).map(([k, pid]) => [k, cpuSeconds(pid)]));
      const result = await run();
      const used = Object.entries(servers)
        .map(([k, pid]) => `${k} ${(cpuSeconds(pid) - (before[k] ?? 0)).toFixed(1)}`)
        .join(', ');
      return [result, `CPU s: ${used}`];
    };

    if (ONLY.has('a')) {
      // --- (a) starts -----------------------------------------------------------------------------
      log(
        `(a) warming up, then ${STARTS} starts bare and ${STARTS} through the API, ${CONCURRENCY} at a time`,
      );
      const warm = await insertCases(prisma, 'DEMO', 20);
      await pool(warm, CONCURRENCY, async (id) => void (await startBare(id)));
      const warmApi: string[] = [];
      await pool([...Array(20).keys()], CONCURRENCY, async () => void warmApi.push(await startViaApi()));
      await opened(prisma, [...warm, ...warmApi], 300_000);

      const bareIds = await insertCases(prisma, 'DEMO', STARTS);
      let t0 = performance.now();
      const [, bareCpu] = await cpuOf(() =>
        pool(bareIds, CONCURRENCY, async (id) => void (await startBare(id))),
      );
      const bareRate = STARTS / ((performance.now() - t0) / 1000);
      await opened(prisma, bareIds, 600_000);
      const apiIds: string[] = [];
      t0 = performance.now();
      const [, apiCpu] = await cpuOf(() =>
        pool([...Array(STARTS).keys()], CONCURRENCY, async () => void apiIds.push(await startViaApi())),
      );
      const apiRate = STARTS / ((performance.now() - t0) / 1000);
      await opened(prisma, apiIds, 600_000);
      log(`(a) API ${apiRate.toFixed(1)}/s (${apiCpu}), bare ${bareRate.toFixed(1)}/s (${bareCpu})`);
      rows.push([
        '(a) cases started per second',
        `${apiRate.toFixed(1)}/s (API)`,
        `${bareRate.toFixed(1)}/s (workflow.start)`,
        ratio(apiRate, bareRate),
        '>= 0.9',
      ]);
    }

    if (ONLY.has('b')) {
      // --- (b) step latency -------------------------------------------------------------------------
      log(`(b) ${STEPS} assignments through the API and ${STEPS} bare updates, alternating`);
      const viaApiCase = await startViaApi();
      const bareCase = (await insertCases(prisma, 'DEMO', 1))[0] as string;
      await startBare(bareCase);
      await opened(prisma, [viaApiCase, bareCase], 300_000);
      const bareHandle = client.workflow.getHandle(caseWorkflowId(bareCase));
      const apiLatency: number[] = [];
      const bareLatency: number[] = [];
      for (let i = 0; i < STEPS + 10; i += 1) {
        let t = performance.now();
        const res = await api.post(`/cases/${viaApiCase}/assignment`, SUPERVISOR, { assigneeId: HANDLER });
        if (res.status !== 200)
          throw new Error(`assignment answered ${res.status}: ${JSON.stringify(res.body)}`);
        if (i >= 10) apiLatency.push(performance.now() - t);
        t = performance.now();
        await bareHandle.executeUpdate(assignmentUpdate, {
          args: [{ actorId: SUPERVISOR, assigneeId: HANDLER }],
        });
        if (i >= 10) bareLatency.push(performance.now() - t);
      }

      log(
        `(b) p50 API ${percentile(apiLatency, 50).toFixed(1)} ms, bare ${percentile(bareLatency, 50).toFixed(1)} ms; ` +
          `p99 API ${percentile(apiLatency, 99).toFixed(1)} ms, bare ${percentile(bareLatency, 99).toFixed(1)} ms`,
      );
      rows.push(
        [
          '(b) step latency p50',
          `${percentile(apiLatency, 50).toFixed(1)} ms (API)`,
          `${percentile(bareLatency, 50).toFixed(1)} ms (update)`,
          ratio(percentile(apiLatency, 50), percentile(bareLatency, 50)),
          '<= 1.1',
        ],
        [
          '(b) step latency p99',
          `${percentile(apiLatency, 99).toFixed(1)} ms (API)`,
          `${percentile(bareLatency, 99).toFixed(1)} ms (update)`,
          ratio(percentile(apiLatency, 99), percentile(bareLatency, 99)),
          '<= 1.1',
        ],
      );
    }

    if (ONLY.has('f')) {
      // --- (f) reads from the read model, with a national database's worth of cases ----------------
      log(
        `(f) ${WORK_CASES} open cases in province WORK and ${Math.max(0, DATABASE_CASES - WORK_CASES)} closed ones elsewhere, ` +
          `then ${READS} reads of each kind through the API and as bare indexed SELECTs`,
      );
      await insertWorkload(prisma, WORK_CASES);
      await insertClosedCases(prisma, DATABASE_CASES - WORK_CASES);
      const bare = new PgClient({ connectionString: pg.url });
      bare.on('error', () => undefined);
      await bare.connect();
      stops.push(() => bare.end());
      const inDatabase = (await bare.query<{ n: string }>('SELECT count(*) AS n FROM "cases"')).rows[0]?.n;

      // One case's file: the API (token, access check, one statement building the file, the read's
      // audit row, JSON) against the same case's rows read bare, table by table, in one round trip.
      const caseId = await startViaApi();
      await opened(prisma, [caseId], 300_000);
      const handle = client.workflow.getHandle(caseWorkflowId(caseId));
      const [fromApi, apiCpu] = await cpuOf(() =>
        latencies(READS, async () => {
          const res = await api.get(`/cases/${caseId}`, HANDLER);
          if (res.status !== 200) throw new Error(`GET /cases/{id} answered ${res.status}`);
        }),
      );
      const [fromSelect, selectCpu] = await cpuOf(() =>
        latencies(READS, async () => void (await bare.query(caseRowsSql(caseId)))),
      );
      const [fromWorkflow] = await cpuOf(() =>
        latencies(READS, async () => void (await handle.query(caseViewQuery))),
      );
      log(
        `(f) GET /cases/{id} p50 ${fromApi.p50.toFixed(1)} ms, p99 ${fromApi.p99.toFixed(1)} ms (${apiCpu}); ` +
          `bare SELECT p50 ${fromSelect.p50.toFixed(1)} ms, p99 ${fromSelect.p99.toFixed(1)} ms (${selectCpu}); ` +
          `workflow query p50 ${fromWorkflow.p50.toFixed(1)} ms, p99 ${fromWorkflow.p99.toFixed(1)} ms`,
      );
      rows.push([
        `(f) GET /cases/{id} p99, ${inDatabase} cases`,
        `${fromApi.p99.toFixed(1)} ms (p50 ${fromApi.p50.toFixed(1)})`,
        `${fromSelect.p99.toFixed(1)} ms (p50 ${fromSelect.p50.toFixed(1)}; bare SELECT)`,
        ratio(fromApi.p99, fromSelect.p99),
        '<= 2',
      ]);

      // The work list: the API (the union of the role's sources, the page, the counts of the whole
      // list by kind) against the same page's rows (step record, case, escalations) selected by key.
      for (const [role, as, staffRole] of [
        ['handler (the unit: every unassigned case)', 'staff-work-handler', 'handler'],
        ['handler (one case in fifty assigned)', 'staff-work-assigned', 'handler'],
        ['supervisor', 'staff-work-supervisor', 'supervisor'],
        ['coordinator', 'staff-work-coordinator', 'coordinator'],
      ] as const) {
        let total = 0;
        let page: string[] = [];
        const [timing, workCpu] = await cpuOf(() =>
          latencies(READS, async () => {
            const res = await api.get('/work', as);
            if (res.status !== 200) throw new Error(`GET /work answered ${res.status}`);
            total = Number(res.body.total);
            page = (res.body.items as { stepRecordId: string | null }[]).flatMap((i) =>
              i.stepRecordId ? [i.stepRecordId] : [],
            );
          }),
        );
        const [selected, selectedCpu] = await cpuOf(() =>
          latencies(READS, async () => void (await bare.query(WORK_ROWS_SQL, [page]))),
        );
        // A list longer than its page is counted once per WORK_COUNTS_TTL_MS per person: that
        // count's own statement, timed apart.
        const actor = { id: as, role: staffRole, province: 'WORK', unitId: 'unit-work-upe', partnerId: null };
        const [recount] = await cpuOf(() =>
          latencies(READS, async () => {
            const counting = workCountsQuery(actor, new Date());
            if (counting) await prisma.$queryRaw(counting);
          }),
        );
        log(
          `(f) GET /work, ${role}: ${total} items, ${page.length} on the page; p50 ${timing.p50.toFixed(1)} ms, ` +
            `p99 ${timing.p99.toFixed(1)} ms (${workCpu}); bare SELECT p50 ${selected.p50.toFixed(1)} ms, ` +
            `p99 ${selected.p99.toFixed(1)} ms (${selectedCpu}); counting the whole list (once per ` +
            `WORK_COUNTS_TTL_MS per person) p50 ${recount.p50.toFixed(1)} ms, p99 ${recount.p99.toFixed(1)} ms`,
        );
        rows.push([
          `(f) GET /work p99, ${role}`,
          `${timing.p99.toFixed(1)} ms (p50 ${timing.p50.toFixed(1)}; ${total} items)`,
          `${selected.p99.toFixed(1)} ms (p50 ${selected.p50.toFixed(1)}; bare SELECT of the page)`,
          ratio(timing.p99, selected.p99),
          '<= 2',
        ]);
      }
    }

    let drain: number | undefined;
    if (ONLY.has('d')) {
      // --- (d) deadlines at one instant ---------------------------------------------------------------
      log(`(d) ${DEADLINES} case deadlines falling at one instant`);
      const deadlineCases = await insertCases(prisma, 'DEMO', DEADLINES);
      // Each case's state is read first (the slow part on a busy machine); the instant is chosen
      // after, with time to start every run before it (BENCH_DEADLINE_LEAD_MS to set it).
      const states = new Map<string, CaseState>();
      await pool(deadlineCases, CONCURRENCY, async (caseId) => {
        states.set(caseId, await activities.loadCaseState({ caseId }));
      });
      const leadMs = count('BENCH_DEADLINE_LEAD_MS', 30_000 + DEADLINES * 60);
      const at = new Date(Date.now() + leadMs);
      const stepIds = new Map<string, string>();
      await prisma.stepRecord.createMany({
        data: deadlineCases.map((caseId) => {
          const id = randomUUID();
          stepIds.set(caseId, id);
          return {
            id,
            idempotencyKey: `bench/${id}`,
            caseId,
            step: 'screening',
            openedAt: new Date(),
            dueAt: at,
          };
        }),
      });
      // Each case as a run continued from an earlier one: its one open deadline falls at `at`, and the
      // ladder's reminder with it — the same code path as any case after continue-as-new.
      await pool(deadlineCases, CONCURRENCY, async (caseId) => {
        await startWithScreeningDue(client, env.TEMPORAL_TASK_QUEUE, states.get(caseId) as CaseState, {
          id: stepIds.get(caseId) as string,
          province: 'DEMO',
          dueAt: at.toISOString(),
        });
      });
      if (Date.now() > at.getTime())
        throw new Error('the deadlines fell before every case was started (raise BENCH_DEADLINE_LEAD_MS)');
      await sleep(at.getTime() - Date.now());
      const [escalated, escalationCpu] = await cpuOf(async () => {
        // At least 15 minutes, or 5 rungs a second (BENCH_DRAIN_MINUTES to wait longer).
        const deadline = Date.now() + count('BENCH_DRAIN_MINUTES', Math.max(15, DEADLINES / 300)) * 60_000;
        let reported = Date.now();
        let lastCount: bigint | undefined;
        let stalledLogged = false;
        for (;;) {
          // Without the list of cases as a parameter: polling with 1,000 (or 20,000) ids cost the
          // bench process more CPU than the worker, on the same two cores. The rows of this measure
          // are the only rung messages written since the instant.
          const [row] = await prisma.$queryRaw<{ n: bigint; last: Date | null }[]>`
          SELECT count(*) AS n, max(sent_at) AS last FROM notifications
           WHERE status = 'sent' AND kind IN ('reminder', 'escalation') AND created_at >= ${at}`;
          if (Number(row?.n ?? 0) >= DEADLINES && row?.last) return row.last.getTime() - at.getTime();
          if (Date.now() > deadline) {
            await logStragglers(prisma, client, deadlineCases, at);
            throw new Error(
              `only ${row?.n} of ${DEADLINES} escalations delivered in ${Date.now() - at.getTime()} ms`,
            );
          }
          // The drain's progress once a minute: a stalled midnight is seen, not only its end.
          if (Date.now() - reported > 60_000) {
            reported = Date.now();
            log(
              `  ${row?.n}/${DEADLINES} rungs mailed ${((Date.now() - at.getTime()) / 1000).toFixed(0)} s after the instant`,
            );
            // A drain that has not moved for a minute: say where its last rungs are, once.
            if (row?.n === lastCount && !stalledLogged) {
              stalledLogged = true;
              await logStragglers(prisma, client, deadlineCases, at);
            }
            lastCount = row?.n;
          }
          await sleep(500);
        }
      });

      const [retries] = await prisma.$queryRaw<
        { retried: bigint; most: number | null; errors: string[] | null }[]
      >`
        SELECT count(*) FILTER (WHERE attempts > 1) AS retried, max(attempts) AS most,
               array_agg(DISTINCT left(last_error, 120)) FILTER (WHERE last_error IS NOT NULL) AS errors
          FROM notifications WHERE case_id = ANY(${deadlineCases}::text[])`;
      // Where a rung's time went: until its activity wrote the outbox row (the timer, the workflow
      // task, the activity task's dispatch), then until the mail was sent.
      const [spread] = await prisma.$queryRaw<
        { written50: number; written99: number; sent50: number; sent99: number }[]
      >`
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM created_at - ${at}::timestamptz)) AS written50,
               percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM created_at - ${at}::timestamptz)) AS written99,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - created_at)) AS sent50,
               percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - created_at)) AS sent99
          FROM notifications WHERE case_id = ANY(${deadlineCases}::text[])`;
      log(
        `(d) after the instant, outbox rows written at p50 ${spread?.written50?.toFixed(1)} s, p99 ${spread?.written99?.toFixed(1)} s; ` +
          `sent after writing at p50 ${spread?.sent50?.toFixed(2)} s, p99 ${spread?.sent99?.toFixed(2)} s`,
      );
      log(
        `(d) deliveries retried: ${retries?.retried} (most attempts ${retries?.most}); errors: ${JSON.stringify(retries?.errors)}`,
      );
      log(
        `(d) drain: ${DEADLINES} rungs escalated and mailed in ${(escalated / 1000).toFixed(1)} s (${escalationCpu}), ` +
          `${(DEADLINES / (escalated / 1000)).toFixed(0)}/s`,
      );
      drain = escalated;
    }

    if (BARE_TIMERS) {
      log(`(d) ${DEADLINES} bare timers at one instant`);
      const timerAt = new Date(Date.now() + count('BENCH_TIMER_LEAD_MS', 30_000 + DEADLINES * 100));
      const timerIds = Array.from({ length: DEADLINES }, () => `bench-timer-${randomUUID()}`);
      await pool(timerIds, CONCURRENCY, async (workflowId) => {
        await client.workflow.start('benchTimerWorkflow', {
          taskQueue: env.TEMPORAL_TASK_QUEUE,
          workflowId,
          args: [timerAt.toISOString()],
        });
      });
      if (Date.now() > timerAt.getTime())
        throw new Error('the timers fell before every workflow was started');
      // Waited for by counting the ones still running, not by a result call each: 20,000 long polls
      // at once are a load of their own on the frontend. The time is read from their close times.
      const [, timerCpu] = await cpuOf(async () => {
        await sleep(Math.max(0, timerAt.getTime() - Date.now()));
        for (
          const deadline = Date.now() + count('BENCH_DRAIN_MINUTES', Math.max(15, DEADLINES / 300)) * 60_000;
          ;
        ) {
          const { count: running } = await client.workflow.count(
            `WorkflowType = "benchTimerWorkflow" AND ExecutionStatus = "Running"`,
          );
          if (running === 0) return;
          if (Date.now() > deadline) throw new Error(`${running} of ${DEADLINES} bare timers still running`);
          await sleep(1_000);
        }
      });
      let lastClose = 0;
      await pool(timerIds, CONCURRENCY, async (id) => {
        const handle = client.workflow.getHandle(id);
        let closed = (await handle.describe()).closeTime;
        // Visibility lags the runs: one it counted as closed too early is waited for here.
        if (!closed) closed = await handle.result().then(async () => (await handle.describe()).closeTime);
        lastClose = Math.max(lastClose, closed?.getTime() ?? Number.NaN);
      });
      const timers = lastClose - timerAt.getTime();
      log(`(d) bare timers in ${timers} ms (${timerCpu}), ${(DEADLINES / (timers / 1000)).toFixed(0)}/s`);
      rows.push([
        `(${CLUSTER ? 'e' : 'd'}) ${DEADLINES} deadlines at one instant${CLUSTER ? ' (national midnight, cluster)' : ''}`,
        drain === undefined
          ? '- (BENCH_ONLY=timers)'
          : `${(drain / 1000).toFixed(1)} s to escalate and mail (drain)`,
        `${(timers / 1000).toFixed(1)} s (bare timers)`,
        drain === undefined ? '-' : ratio(drain, timers),
        '<= 1.3',
      ]);
    }

    if (ONLY.has('c')) {
      // --- (c) memory with open cases -------------------------------------------------------------
      // Each case continues from an earlier run, as after continue-as-new: loaded, screening deadline
      // open and a day away, its timer pending. (Opening them from scratch costs four activities each
      // and says nothing more about memory.)
      log(`(c) ${OPEN_CASES} open cases waiting on their screening timers`);
      const quiet = await insertCases(prisma, QUIET, OPEN_CASES);
      const dueAt = new Date(Date.now() + 86_400_000).toISOString();
      await pool(quiet, 50, async (caseId) => {
        await startWithScreeningDue(
          client,
          env.TEMPORAL_TASK_QUEUE,
          await activities.loadCaseState({ caseId }),
          {
            id: randomUUID(),
            province: QUIET,
            dueAt,
          },
        );
      });
      // Every one has run its first task (it publishes its province as a search attribute then).
      for (const deadline = Date.now() + 30 * 60_000; ;) {
        const { count: waiting } = await client.workflow.count(`Province = "${QUIET}"`);
        if (waiting >= OPEN_CASES) break;
        log(`  ${waiting}/${OPEN_CASES} waiting`);
        if (Date.now() > deadline) throw new Error(`only ${waiting} cases started in time`);
        await sleep(5_000);
      }
      await sleep(10_000);
      const memory = rssMb(worker.pid as number);
      const scraped = await (await fetch(`http://127.0.0.1:${workerMetricsPort}/metrics`)).text();
      const gauge = (name: string) =>
        Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(scraped)?.[1] ?? NaN) / 2 ** 20;
      log(
        `(c) worker RSS ${memory.rss.toFixed(0)} MB (anonymous ${memory.anon.toFixed(0)}, files ${memory.file.toFixed(0)}), ` +
          `peak ${memory.peak.toFixed(0)} MB; main thread's V8 heap ${gauge('nodejs_heap_size_used_bytes').toFixed(0)} MB used ` +
          `of ${gauge('nodejs_heap_size_total_bytes').toFixed(0)} MB, external ${gauge('nodejs_external_memory_bytes').toFixed(0)} MB ` +
          `(the workflow thread's heap and native memory are the rest)`,
      );
      rows.push([
        `(c) worker RSS, ${OPEN_CASES} open cases`,
        `${memory.rss.toFixed(0)} MB (peak ${memory.peak.toFixed(0)} MB)`,
        '-',
        '-',
        '< 400 MB',
      ]);
    }

    // --- the table ----------------------------------------------------------------------------------
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
    for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | '));
    console.log(
      `load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} on ${os.cpus().length} cores; ` +
        `${STARTS} starts, ${STEPS} steps, ${CONCURRENCY} concurrent clients, worker cache ${config.WORKER_MAX_CACHED_WORKFLOWS} workflows, ${config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS} workflow tasks at once, ` +
        `worker flags ${workerFlags.join(' ')}, environment ${JSON.stringify(workerEnv)}; Temporal: ${CLUSTER ? `${SERVICES.length} processes on PostgreSQL` : 'dev server'}`,
    );
  } catch (error) {
    console.error('[bench] failed:', error);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
