/** `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (prisma migrate deploy bookkeeping). */
import { applyMigrations } from '../devstack/migrate';
import { seedDemoData } from '../devstack/seed';
import { resolveSecretFiles } from '../lib/config';

async function main(): Promise<void> {
  // DATABASE_PASSWORD_FILE (a Docker secret) is put into the URL, as for the worker and the API.
  const url = resolveSecretFiles(process.env).DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const applied = await applyMigrations(url);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  if (process.env.SEED_DEMO === '1') await seedDemoData(url);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
