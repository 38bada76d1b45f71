/**
 * `npx tsx scripts/sizing.ts [--cluster]`: what one case costs, measured, for the README's "Sizing a
 * national deployment". Runs SIZING_CASES (10) cases through the typical circuit through the API
 * (report, screening, assessment, plan with one referral, approval, the partner's acknowledgement,
 * start and outcome, one review, closure and its approval), then SIZING_RUNGS (20) escalation rungs
 * falling due (one mail each), and prints per case and per rung:
 *   - history events and Temporal actions (from every execution's history: starts, timers,
 *     activities, signals, updates, search-attribute upserts, child and external calls),
 *   - rows and bytes added to the case database (per table, pg_total_relation_size) and to
 *     Temporal's store (its PostgreSQL with --cluster, else the dev server's SQLite file),
 *   - CPU seconds of the worker, the API, Temporal and PostgreSQL.
 * Numbers from one machine; the README turns them into a deployment, with the arithmetic shown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import pg from 'pg';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createActivities } from '../activities';
import { signToken } from '../api/auth/token';
import { startTemporalCluster, SERVICES } from '../devstack/cluster';
import { applyMigrations } from '../devstack/migrate';
import { cpuSeconds, pidOf } from '../devstack/process-cpu';
import { freePort, waitFor } from '../devstack/ports';
import { startEmbeddedPostgres } from '../devstack/postgres';
import { seedDemoData } from '../devstack/seed';
import { startSmtpCapture } from '../devstack/smtp-capture';
import { startTemporalDevServer } from '../devstack/temporal';
import { WORKER_ENV, WORKER_NODE_FLAGS } from '../devstack/worker-flags';
import { loadConfig } from '../lib/config';
import { createPrismaClient } from '../lib/db';
import { generateEncryptionKey } from '../lib/payload-codec';
import { connectClient } from '../lib/temporal';
import { caseWorkflowId, type CaseState } from '../workflows/case/definitions';
import { bundleWorkflows } from '../worker/bundle';
import { startWithScreeningDue } from './bench-data';

const ROOT = path.resolve(__dirname, '..');
const CLUSTER = process.argv.includes('--cluster') || process.env.SIZING_CLUSTER === '1';
const CASES = Number(process.env.SIZING_CASES ?? 10);
const RUNGS = Number(process.env.SIZING_RUNGS ?? 20);
const JWT_SECRET = 'sizing-secret-sizing-secret-sizing-0123456';
const HANDLER = 'staff-demo-handler';
const SUPERVISOR = 'staff-demo-supervisor';
const PARTNER = 'staff-demo-partner';
const log = (line: string) => process.stderr.write(`[sizing] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * History events that Temporal counts as billable actions (its own definition, approximated from
 * the history): a start, a timer, an activity (and each retry), a signal or update received, a
 * search-attribute upsert, a child workflow, an external signal or cancel, a local activity
 * marker, a continue-as-new.
 */
const ACTION_EVENTS = new Set([
  'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
  'EVENT_TYPE_TIMER_STARTED',
  'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
  'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
  'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED',
  'EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED',
  'EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED',
  'EVENT_TYPE_MARKER_RECORDED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
]);

function spawnTs(
  script: string,
  env: Record<string, string>,
  logFile: string,
  flags: readonly string[] = [],
) {
  const out = fs.openSync(logFile, 'a');
  return spawn(process.execPath, [...flags, '--import', 'tsx', path.join(ROOT, script)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', out, out],
  });
}

/** Rows and bytes of every table of a database (after ANALYZE, exact counts). */
async function tableSizes(url: string): Promise<Map<string, { rows: number; bytes: number }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ t: string; bytes: string }>(
      `SELECT c.relname AS t, pg_total_relation_size(c.oid) AS bytes FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname = 'public'`,
    );
    const sizes = new Map<string, { rows: number; bytes: number }>();
    for (const { t, bytes } of tables) {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${t}"`);
      sizes.set(t, { rows: Number(rows[0]?.n ?? 0), bytes: Number(bytes) });
    }
    return sizes;
  } finally {
    await client.end();
  }
}

const diff = (
  after: Map<string, { rows: number; bytes: number }>,
  before: Map<string, { rows: number; bytes: number }>,
) =>
  [...after]
    .map(([t, a]) => ({
      table: t,
      rows: a.rows - (before.get(t)?.rows ?? 0),
      bytes: a.bytes - (before.get(t)?.bytes ?? 0),
    }))
    .filter((d) => d.rows !== 0 || d.bytes !== 0)
    .sort((x, y) => y.bytes - x.bytes);

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-sizing-'));
  fs.chmodSync(dir, 0o755);
  const children: ChildProcess[] = [];
  const stops: (() => Promise<void>)[] = [];
  try {
    const db = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'postgres'),
      port: await freePort(),
      database: 'sizing',
      quiet: true,
    });
    stops.push(db.stop);
    await applyMigrations(db.url);
    await seedDemoData(db.url);
    const prisma = createPrismaClient(db.url, 4);
    stops.push(() => prisma.$disconnect());

    let temporalAddress: string;
    let temporalEnv: Record<string, string> = {};
    let temporalPids: () => Record<string, number | undefined>;
    let temporalStore: () => Promise<Map<string, { rows: number; bytes: number }>>;
    if (CLUSTER) {
      log(`starting the Temporal server as ${SERVICES.length} processes on PostgreSQL`);
      const cluster = await startTemporalCluster({
        dataDir: path.join(dir, 'temporal'),
        frontendPort: await freePort(),
        postgresPort: await freePort(),
        historyShards: Number(process.env.SIZING_HISTORY_SHARDS ?? 4),
        namespace: 'default',
        retention: '30d',
      });
      stops.push(cluster.stop);
      temporalAddress = cluster.address;
      temporalEnv = cluster.clientEnv;
      temporalPids = () => ({
        ...Object.fromEntries(SERVICES.map((s) => [s, cluster.services[s].pid])),
        'temporal postgres': cluster.postgres.pid,
      });
      // Temporal's two databases (persistence and visibility), table by table.
      temporalStore = async () => {
        const all = new Map<string, { rows: number; bytes: number }>();
        for (const name of ['temporal', 'temporal_visibility']) {
          const url = cluster.postgresUrl.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
          for (const [t, v] of await tableSizes(url)) all.set(`${name}.${t}`, v);
        }
        return all;
      };
    } else {
      const sqlite = path.join(dir, 'temporal.sqlite');
      const dev = await startTemporalDevServer({
        dbFile: sqlite,
        port: await freePort(),
        namespace: 'default',
        logFile: path.join(dir, 'temporal.log'),
      });
      stops.push(dev.stop);
      temporalAddress = dev.address;
      temporalPids = () => ({ temporal: pidOf(sqlite) });
      temporalStore = async () => {
        const bytes = ['', '-wal']
          .map((s) => (fs.existsSync(sqlite + s) ? fs.statSync(sqlite + s).size : 0))
          .reduce((a, b) => a + b, 0);
        return new Map([['sqlite file (dev server)', { rows: 0, bytes }]]);
      };
    }
    const smtp = await startSmtpCapture({ port: await freePort() });
    stops.push(smtp.stop);

    const bundle = path.join(dir, 'workflows.js');
    fs.writeFileSync(
      bundle,
      (await bundleWorkflows({ workflowsPath: path.join(ROOT, 'workflows', 'bench') })).code,
    );
    const apiPort = await freePort();
    const env: Record<string, string> = {
      ...temporalEnv,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_TASK_QUEUE: 'sizing',
      DATABASE_URL: db.url,
      SMTP_URL: smtp.url,
      PAYLOAD_ENCRYPTION_KEYS: generateEncryptionKey('sizing'),
      JWT_SECRET,
      API_PORT: String(apiPort),
      API_RATE_LIMIT_PER_MINUTE: '10000000',
      WORKFLOW_BUNDLE_PATH: bundle,
      LOG_LEVEL: 'warn',
    };
    const worker = spawnTs(
      'worker/main.ts',
      { ...env, ...WORKER_ENV },
      path.join(dir, 'worker.log'),
      WORKER_NODE_FLAGS,
    );
    const api = spawnTs('api/main.ts', env, path.join(dir, 'api.log'));
    children.push(worker, api);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitFor('the API', async () => {
      if ((await fetch(`${apiUrl}/readyz`)).status !== 200) throw new Error('not ready');
    });
    const config = loadConfig(env);
    const client: Client = await connectClient(config);
    stops.push(() => client.connection.close());

    const tokens = new Map<string, string>();
    const call = async (method: 'GET' | 'POST', p: string, as: string, body?: unknown) => {
      let token = tokens.get(as);
      if (!token) tokens.set(as, (token = await signToken({ JWT_SECRET }, as)));
      const res = await fetch(`${apiUrl}${p}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(method === 'POST'
            ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() }
            : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status >= 300)
        throw new Error(`${method} ${p} answered ${res.status}: ${JSON.stringify(json)}`);
      return json;
    };
    const until = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
      for (const deadline = Date.now() + 300_000; ;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(250);
      }
    };
    const openStep = (caseId: string, step: string) =>
      until(`${step} of ${caseId}`, async () => {
        const view = (await call('GET', `/cases/${caseId}`, SUPERVISOR)) as {
          openDeadlines?: { step: string }[];
        };
        return view.openDeadlines?.some((d) => d.step === step) ? true : undefined;
      });

    /** The typical circuit of one case, through the API only (as the e2e walkthrough). */
    let seq = 0;
    const circuit = async () => {
      seq += 1;
      const { caseId } = (await call('POST', '/cases', HANDLER, {
        child: {
          firstName: 'Sizing',
          lastName: `Child${seq}x${randomUUID().slice(0, 8)}`,
          birthDate: '2014-05-17',
          sex: 'female',
        },
        report: {
          channel: 'school',
          urgent: false,
          anonymous: false,
          narrative: 'Bruises seen at school.',
          categories: ['neglect'],
        },
      })) as { caseId: string };
      await openStep(caseId, 'screening');
      await call('POST', `/cases/${caseId}/screening`, HANDLER, {
        risk: 'MEDIUM',
        immediateNeeds: false,
        categories: ['neglect'],
        notes: 'Child and mother heard at the unit.',
      });
      await call('POST', `/cases/${caseId}/assessment`, HANDLER, {
        social: 'Single mother, no income.',
        health: 'Untreated skin infection.',
      });
      await call('POST', `/cases/${caseId}/plan`, HANDLER, {
        items: [
          { serviceType: 'medical', partnerId: 'partner-demo-health', objective: 'Treat the infection' },
        ],
      });
      const approved = (await call('POST', `/cases/${caseId}/plan/approval`, SUPERVISOR, {
        decision: 'approve',
      })) as { case: { referrals: { referralId: string }[] } };
      const referralId = approved.case.referrals[0]?.referralId ?? '';
      await until('the referral in the partner list', async () => {
        const list = (await call('GET', '/referrals?status=requested', PARTNER)) as {
          items: { referralId: string }[];
        };
        return list.items.some((r) => r.referralId === referralId) ? true : undefined;
      });
      await call('POST', `/referrals/${referralId}/acknowledgement`, PARTNER, {});
      await call('POST', `/referrals/${referralId}/start`, PARTNER, {});
      await call('POST', `/referrals/${referralId}/outcome`, PARTNER, { outcome: 'completed' });
      await until('the case to learn of the outcome', async () => {
        const view = (await call('GET', `/cases/${caseId}`, HANDLER)) as { referrals: { status: string }[] };
        return view.referrals[0]?.status === 'completed' ? true : undefined;
      });
      await call('POST', `/cases/${caseId}/reviews`, HANDLER, {
        risk: 'MEDIUM',
        decision: 'continue',
        notes: 'Treated.',
      });
      await call('POST', `/cases/${caseId}/closure`, HANDLER, { reason: 'objectivesMet' });
      await call('POST', `/cases/${caseId}/closure/approval`, SUPERVISOR, { decision: 'approve' });
      return caseId;
    };

    const pids = () => ({
      worker: worker.pid,
      api: api.pid,
      ...temporalPids(),
      postgres: pidOf(path.join(dir, 'postgres')),
    });
    const cpu = () => Object.fromEntries(Object.entries(pids()).map(([k, p]) => [k, cpuSeconds(p)]));
    /** Every execution's history, by event type. */
    const histories = async () => {
      const types = new Map<string, number>();
      let executions = 0;
      for await (const info of client.workflow.list()) {
        executions += 1;
        const history = await client.workflow.getHandle(info.workflowId, info.runId).fetchHistory();
        for (const e of history.events ?? []) {
          const name = `EVENT_TYPE_${String(e.eventType ?? '')}`;
          const key = typeof e.eventType === 'number' ? eventTypeName(e.eventType) : name;
          types.set(key, (types.get(key) ?? 0) + 1);
        }
      }
      return { executions, types };
    };
    const snapshot = async () => ({
      cpu: cpu(),
      cases: await tableSizes(db.url),
      temporal: await temporalStore(),
      history: await histories(),
    });
    const report = (
      label: string,
      n: number,
      a: Awaited<ReturnType<typeof snapshot>>,
      b: Awaited<ReturnType<typeof snapshot>>,
    ) => {
      const events = [...a.history.types].map(([t, v]) => [t, v - (b.history.types.get(t) ?? 0)] as const);
      const totalEvents = events.reduce((s, [, v]) => s + v, 0);
      const actions = events.filter(([t]) => ACTION_EVENTS.has(t)).reduce((s, [, v]) => s + v, 0);
      const cases = diff(a.cases, b.cases);
      const temporal = diff(a.temporal, b.temporal);
      const sum = (d: { rows: number; bytes: number }[], k: 'rows' | 'bytes') =>
        d.reduce((s, x) => s + x[k], 0);
      console.log(`\n== ${label}: ${n} (per one, averaged) ==`);
      console.log(`executions: ${((a.history.executions - b.history.executions) / n).toFixed(2)}`);
      console.log(
        `history events: ${(totalEvents / n).toFixed(1)}   Temporal actions: ${(actions / n).toFixed(1)}`,
      );
      for (const [t, v] of events.filter(([, v]) => v > 0).sort((x, y) => y[1] - x[1]))
        console.log(`  ${t.replace('EVENT_TYPE_', '').padEnd(48)} ${(v / n).toFixed(2)}`);
      console.log(
        `case database: ${(sum(cases, 'rows') / n).toFixed(1)} rows, ${(sum(cases, 'bytes') / n / 1024).toFixed(1)} KiB`,
      );
      for (const d of cases.slice(0, 12))
        console.log(
          `  ${d.table.padEnd(48)} ${(d.rows / n).toFixed(2)} rows ${(d.bytes / n / 1024).toFixed(1)} KiB`,
        );
      console.log(
        `Temporal's store: ${(sum(temporal, 'rows') / n).toFixed(1)} rows, ${(sum(temporal, 'bytes') / n / 1024).toFixed(1)} KiB`,
      );
      for (const d of temporal.slice(0, 8))
        console.log(
          `  ${d.table.padEnd(48)} ${(d.rows / n).toFixed(2)} rows ${(d.bytes / n / 1024).toFixed(1)} KiB`,
        );
      console.log(
        `CPU s: ${Object.keys(a.cpu)
          .map((k) => `${k} ${(((a.cpu[k] ?? 0) - (b.cpu[k] ?? 0)) / n).toFixed(3)}`)
          .join(', ')}`,
      );
    };

    // Warm-up (bundles loaded, pools filled, the protocol pinned), not counted.
    log('warming up with one circuit');
    await circuit();
    await sleep(5_000);
    const before = await snapshot();
    log(`${CASES} circuits, 2 at a time`);
    let next = 0;
    await Promise.all(
      [0, 1].map(async () => {
        while (next < CASES) {
          next += 1;
          await circuit();
        }
      }),
    );
    await sleep(10_000); // the workflows' last activities and the check-back timers settle
    const afterCases = await snapshot();
    report('case through the circuit', CASES, afterCases, before);

    // Rungs: cases continued with one deadline falling in a few seconds, its reminder mailed.
    log(`${RUNGS} rungs falling due`);
    const activities = createActivities({ prisma, mailer: nodemailer.createTransport(smtp.url), config });
    const rungCases: string[] = [];
    for (let i = 0; i < RUNGS; i += 1)
      rungCases.push(
        String(
          (
            await call('POST', '/cases', HANDLER, {
              child: {
                firstName: 'Rung',
                lastName: `Child${i}x${randomUUID().slice(0, 8)}`,
                birthDate: '2015-01-02',
                sex: 'male',
              },
              report: { channel: 'hotline', urgent: false, anonymous: true, categories: ['neglect'] },
            })
          ).caseId,
        ),
      );
    for (const caseId of rungCases) await openStep(caseId, 'screening');
    for (const caseId of rungCases)
      await client.workflow
        .getHandle(caseWorkflowId(caseId))
        .terminate('sizing: replaced by a run whose deadline falls now');
    await sleep(3_000);
    const beforeRungs = await snapshot();
    const at = new Date(Date.now() + 15_000);
    for (const caseId of rungCases) {
      const state: CaseState = await activities.loadCaseState({ caseId });
      const id = randomUUID();
      await prisma.stepRecord.create({
        data: {
          id,
          idempotencyKey: `sizing/${id}`,
          caseId,
          step: 'screening',
          openedAt: new Date(),
          dueAt: at,
        },
      });
      await startWithScreeningDue(client, config.TEMPORAL_TASK_QUEUE, state, {
        id,
        province: 'DEMO',
        dueAt: at.toISOString(),
      });
    }
    await until('every rung mailed', async () => {
      const n = await prisma.notification.count({
        where: { caseId: { in: rungCases }, kind: { in: ['reminder', 'escalation'] }, status: 'sent' },
      });
      return n >= RUNGS ? true : undefined;
    });
    await sleep(5_000);
    const afterRungs = await snapshot();
    // The runs' own start (loading the case, its search attributes) is counted with the rung: an
    // upper bound for a rung of a running case.
    report('escalation rung (one mail), run start included', RUNGS, afterRungs, beforeRungs);
    console.log(
      `\nTemporal: ${CLUSTER ? `${SERVICES.length} processes on PostgreSQL` : 'dev server (SQLite)'}; worker flags ${WORKER_NODE_FLAGS.join(' ')}; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} on ${os.cpus().length} cores`,
    );
  } finally {
    for (const child of children) {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    }
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    if (!process.env.SIZING_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The proto enum's name for an event type number (EVENT_TYPE_…). */
function eventTypeName(n: number): string {
  const name = temporal.api.enums.v1.EventType[n] ?? String(n);
  return name.startsWith('EVENT_TYPE_') ? name : `EVENT_TYPE_${name}`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
