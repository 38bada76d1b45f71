/**
 * `npm run stack:cluster`: the production topology on this machine, every part a process of its
 * own — what docker-compose.yml describes, with the same deploy/ configuration files:
 *   the case database (embedded PostgreSQL), the Temporal server as four processes (frontend,
 *   history, matching, worker) on a PostgreSQL of its own with SQL visibility, mutual TLS on the
 *   frontend (a private CA made here), the namespace with its retention and search attributes, the
 *   Temporal UI server (codec endpoint, write actions disabled), an SMTP capture, two workers and
 *   the API — workers and API restarted if they die, as a process manager would.
 * Ports: the same variables as `npm start` (API_PORT, PGPORT, SMTP_PORT, MAIL_UI_PORT,
 * TEMPORAL_PORT, TEMPORAL_UI_PORT), plus TEMPORAL_PG_PORT, TEMPORAL_HISTORY_SHARDS and WORKER_METRICS_PORT
 * (the workers serve health and metrics on the two ports after it). Data stays in
 * .data/cluster/ for the next start; Ctrl-C stops everything.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startTemporalCluster } from '../devstack/cluster';
import { developmentKeys } from '../devstack/keys';
import { applyMigrations } from '../devstack/migrate';
import { assertPortFree, StackError, waitFor } from '../devstack/ports';
import { seedDemoData } from '../devstack/seed';
import { startSmtpCapture } from '../devstack/smtp-capture';
import { supervise, type Supervised } from '../devstack/supervisor';
import { WORKER_ENV, WORKER_NODE_FLAGS } from '../devstack/worker-flags';
import { ConfigError, loadConfig } from '../lib/config';

const ROOT = path.resolve(__dirname, '..');
const DATA = process.env.STACK_DATA_DIR ?? path.join(ROOT, '.data', 'cluster');
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function main(): Promise<void> {
  const stops: { name: string; stop: () => Promise<void> }[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    for (const { name, stop } of stops.reverse()) {
      await stop().catch((err: unknown) => console.error(`  ${name}: ${(err as Error).message}`));
      console.log(`  ${name} stopped`);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    fs.mkdirSync(path.join(DATA, 'logs'), { recursive: true });
    const apiPort = port('API_PORT', 3000);
    const uiPort = port('TEMPORAL_UI_PORT', 8233);
    await assertPortFree(apiPort, 'API', 'set API_PORT to another port');
    const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${apiPort}`;
    const keys = process.env.PAYLOAD_ENCRYPTION_KEYS ?? developmentKeys(path.join(DATA, 'payload-keys'));

    // The case database in a process of its own, like every other part.
    const pgPort = port('PGPORT', 5433);
    await assertPortFree(pgPort, 'PostgreSQL (cases)', 'set PGPORT to another port');
    fs.chmodSync(DATA, 0o755); // PostgreSQL runs as the postgres user when the stack runs as root
    const postgres = supervise({
      name: 'postgres',
      command: process.execPath,
      args: ['--import', 'tsx', path.join(ROOT, 'devstack', 'postgres-server.ts')],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        PGDATA_DIR: path.join(DATA, 'postgres'),
        PGPORT: String(pgPort),
        PGDATABASE: 'child_protection',
      },
      cwd: ROOT,
      logFile: path.join(DATA, 'logs', 'postgres.log'),
      ownProcessGroup: true,
    });
    stops.push({ name: 'PostgreSQL (cases)', stop: postgres.stop });
    const pg = { url: `postgresql://postgres:postgres@127.0.0.1:${pgPort}/child_protection` };
    await waitFor('PostgreSQL (cases)', () => applyMigrations(pg.url), {
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    const applied = await applyMigrations(pg.url);
    if (applied.length) console.log(`migrations applied: ${applied.join(', ')}`);
    await seedDemoData(pg.url);

    const mailDir = path.join(DATA, 'mail');
    const smtp = await startSmtpCapture({
      port: port('SMTP_PORT', 2525),
      dir: mailDir,
      httpPort: port('MAIL_UI_PORT', 8025),
    });
    stops.push({ name: 'SMTP capture', stop: smtp.stop });

    await assertPortFree(
      port('TEMPORAL_PORT', 7233),
      'Temporal frontend',
      'set TEMPORAL_PORT to another port',
    );
    await assertPortFree(uiPort, 'Temporal UI', 'set TEMPORAL_UI_PORT to another port');
    console.log('starting the Temporal cluster (four services on PostgreSQL)…');
    const cluster = await startTemporalCluster({
      dataDir: path.join(DATA, 'temporal'),
      frontendPort: port('TEMPORAL_PORT', 7233),
      postgresPort: port('TEMPORAL_PG_PORT', 5434),
      historyShards: port('TEMPORAL_HISTORY_SHARDS', 4),
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      retention: process.env.TEMPORAL_NAMESPACE_RETENTION ?? '30d',
      ui: { port: uiPort, codecEndpoint: `${publicUrl}/codec`, publicUrl: `http://localhost:${uiPort}` },
      ownProcessGroups: true,
    });
    stops.push({ name: 'Temporal cluster', stop: cluster.stop });

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...cluster.clientEnv,
      DATABASE_URL: pg.url,
      SMTP_URL: smtp.url,
      PAYLOAD_ENCRYPTION_KEYS: keys,
      PUBLIC_URL: publicUrl,
      API_PORT: String(apiPort),
      CODEC_CORS_ORIGINS: `http://localhost:${uiPort}`,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    };
    for (const name of [
      'JWT_SECRET',
      'OIDC_ISSUER_URL',
      'OIDC_AUDIENCE',
      'OIDC_STAFF_CLAIM',
      'API_TRUST_PROXY',
    ]) {
      const value = process.env[name];
      if (value) env[name] = value;
    }
    loadConfig(env); // a bad setting stops here, with its name, before any process starts
    const tsx = (
      name: string,
      script: string,
      extra: Record<string, string> = {},
      flags: readonly string[] = [],
    ): Supervised =>
      supervise({
        name,
        command: process.execPath,
        args: [...flags, '--import', 'tsx', path.join(ROOT, script)],
        env: { ...env, ...extra },
        cwd: ROOT,
        logFile: path.join(DATA, 'logs', `${name}.log`),
        ownProcessGroup: true,
      });
    const metricsBase = port('WORKER_METRICS_PORT', 9464);
    const workers = [1, 2].map((n) =>
      tsx(
        `worker-${n}`,
        'worker/main.ts',
        { ...WORKER_ENV, WORKER_METRICS_PORT: String(metricsBase + n) },
        WORKER_NODE_FLAGS,
      ),
    );
    for (const w of workers) stops.push({ name: w.name, stop: w.stop });
    const api = tsx('api', 'api/main.ts');
    stops.push({ name: 'API', stop: api.stop });
    const deadline = Date.now() + 120_000;
    while (
      !(await fetch(`http://127.0.0.1:${apiPort}/readyz`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline)
        throw new StackError(`the API did not become ready; see ${DATA}/logs/api.log`);
      await new Promise((r) => setTimeout(r, 500));
    }

    const info = await cluster.describe();
    const rows: [string, string][] = [
      ['API', `${publicUrl} (/docs, /readyz, /metrics)`],
      ['Temporal UI', `${cluster.uiUrl} (read-only: write actions disabled)`],
      [
        'Temporal gRPC',
        `${cluster.address} (mutual TLS; client files in ${path.join(DATA, 'temporal', 'tls')})`,
      ],
      [
        'Temporal',
        `server ${info.serverVersion}, ${info.processes.length} processes (${info.processes.map((p) => `${p.service} ${p.pid}`).join(', ')}), ${info.persistence} on PostgreSQL ${info.postgres}`,
      ],
      ['PostgreSQL', `${pg.url} (cases); Temporal's own at ${cluster.postgresUrl}`],
      ['SMTP capture', `${smtp.url} (messages: ${smtp.pageUrl}, files: ${mailDir})`],
      ['workers', `2 (health: http://127.0.0.1:${metricsBase + 1}/healthz, :${metricsBase + 2}/healthz)`],
      ['logs', `${path.join(DATA, 'logs')} (workers, API), ${cluster.logDir} (Temporal)`],
    ];
    console.log('\nchild-protection production topology is up:');
    for (const [name, value] of rows) console.log(`  ${name.padEnd(14)} ${value}`);
    console.log('\ndemo token (handler): npm run token -- staff-demo-handler\nCtrl-C stops everything.');
  } catch (err) {
    if (err instanceof StackError || err instanceof ConfigError) console.error(`\n${err.message}`);
    else console.error(err);
    await shutdown(1);
  }
}

void main();
