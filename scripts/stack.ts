/**
 * `npm start`: the whole stack on embedded defaults — Temporal dev server (+ UI), PostgreSQL, an
 * SMTP capture, the worker and the API — unless TEMPORAL_ADDRESS, DATABASE_URL or SMTP_URL point
 * to external services. Ctrl-C stops everything; data stays in .data/ for the next start.
 */
import path from 'node:path';
import { startEmbeddedPostgres } from '../devstack/postgres';
import { applyMigrations } from '../devstack/migrate';
import { StackError } from '../devstack/ports';
import { startSmtpCapture } from '../devstack/smtp-capture';
import { startTemporalDevServer } from '../devstack/temporal';
import { seedDemoData } from '../devstack/seed';
import { ConfigError, retentionDays } from '../lib/config';
import { developmentKeys } from '../devstack/keys';

const ROOT = path.resolve(__dirname, '..');
const DATA = process.env.STACK_DATA_DIR ?? path.join(ROOT, '.data');
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

type Stop = { name: string; stop: () => Promise<void> };

async function main(): Promise<void> {
  const stops: Stop[] = [];
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
    const urls: [string, string][] = [];
    if (!process.env.PAYLOAD_ENCRYPTION_KEYS) {
      process.env.PAYLOAD_ENCRYPTION_KEYS = developmentKeys(path.join(DATA, 'payload-keys'));
    }
    if (!process.env.DATABASE_URL) {
      const pg = await startEmbeddedPostgres({
        dataDir: path.join(DATA, 'postgres'),
        port: port('PGPORT', 5433),
        database: 'child_protection',
      });
      stops.push({ name: 'PostgreSQL', stop: pg.stop });
      process.env.DATABASE_URL = pg.url;
      urls.push(['PostgreSQL', pg.url]);
    }
    const applied = await applyMigrations(process.env.DATABASE_URL);
    if (applied.length) console.log(`migrations applied: ${applied.join(', ')}`);
    await seedDemoData(process.env.DATABASE_URL);

    if (!process.env.SMTP_URL) {
      const mailDir = path.join(DATA, 'mail');
      const smtp = await startSmtpCapture({
        port: port('SMTP_PORT', 2525),
        dir: mailDir,
        httpPort: port('MAIL_UI_PORT', 8025),
      });
      stops.push({ name: 'SMTP capture', stop: smtp.stop });
      process.env.SMTP_URL = smtp.url;
      urls.push(['SMTP capture', `${smtp.url} (messages: ${smtp.pageUrl}, files: ${mailDir})`]);
    }

    if (!process.env.TEMPORAL_ADDRESS) {
      const temporal = await startTemporalDevServer({
        dbFile: path.join(DATA, 'temporal.sqlite'),
        port: port('TEMPORAL_PORT', 7233),
        uiPort: port('TEMPORAL_UI_PORT', 8233),
        namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
        logFile: path.join(DATA, 'temporal.log'),
        codecEndpoint: `${process.env.PUBLIC_URL ?? `http://localhost:${process.env.API_PORT ?? 3000}`}/codec`,
        // Closed workflows kept as on the cluster (TEMPORAL_NAMESPACE_RETENTION, default 30 days).
        retentionDays: retentionDays(process.env.TEMPORAL_NAMESPACE_RETENTION ?? '30d') ?? 30,
      });
      stops.push({ name: 'Temporal dev server', stop: temporal.stop });
      // The UI (in the browser) may call the API's codec.
      process.env.CODEC_CORS_ORIGINS ??= `http://localhost:${port('TEMPORAL_UI_PORT', 8233)}`;
      process.env.TEMPORAL_ADDRESS = temporal.address;
      urls.push(['Temporal gRPC', temporal.address], ['Temporal UI', temporal.uiUrl ?? '']);
    }

    // Worker and API run in this process: one Ctrl-C drains both.
    const { runWorker } = await import('../worker/run.js');
    const worker = await runWorker();
    stops.push({ name: 'worker', stop: worker.stop });
    const { startApi } = await import('../api/server.js');
    const api = await startApi();
    stops.push({ name: 'API', stop: api.stop });
    urls.push(
      ['Desk', `${api.url}/desk/ (development login: choose a seeded person)`],
      ['API', api.url],
      ['API docs', `${api.url}/docs`],
      ['Health', `${api.url}/readyz`],
    );

    console.log('\nchild-protection stack is up:');
    for (const [name, url] of urls) console.log(`  ${name.padEnd(14)} ${url}`);
    console.log(
      `\ndemo token (handler): npm run token -- staff-demo-handler\nCtrl-C stops everything; data is kept in ${DATA}`,
    );
  } catch (err) {
    if (err instanceof StackError || err instanceof ConfigError) console.error(`\n${err.message}`);
    else console.error(err);
    await shutdown(1);
  }
}

void main();
