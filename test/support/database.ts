import { randomBytes } from 'node:crypto';
import { applyMigrations } from '../../devstack/migrate';
import { createDatabaseIfMissing, dropDatabase } from '../../devstack/databases';
import { seedDemoData } from '../../devstack/seed';
import { createPrismaClient, type PrismaClient } from '../../lib/db';

export interface TestDatabase {
  name: string;
  url: string;
  prisma: PrismaClient;
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_ADMIN_URL;
  if (!url) throw new Error('TEST_DATABASE_ADMIN_URL is not set: run the tests through jest (global setup)');
  return url;
}

/** A fresh database on the test server with every migration applied (and the demo seed, unless told not to). */
export async function createTestDatabase(
  options: { seed?: boolean; migrate?: boolean } = {},
): Promise<TestDatabase> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await createDatabaseIfMissing(adminUrl(), name);
  const url = adminUrl().replace(/\/postgres$/, `/${name}`);
  if (options.migrate !== false) await applyMigrations(url);
  if (options.migrate !== false && options.seed !== false) await seedDemoData(url);
  const prisma = createPrismaClient(url, 5);
  return {
    name,
    url,
    prisma,
    drop: async () => {
      await prisma.$disconnect();
      await dropDatabase(adminUrl(), name);
    },
  };
}
