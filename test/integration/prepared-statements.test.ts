/**
 * The case database client keeps statements prepared on its connection (lib/db.ts): a statement is
 * parsed and planned once per connection, then executed by name; bulk inserts with many parameters
 * are not kept; DATABASE_PREPARED_STATEMENTS=false turns it off (a pooler in transaction mode).
 * On a real PostgreSQL, read from the server's own list of the connection's prepared statements.
 */
import { createPrismaClient, type PrismaClient } from '../../lib/db';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ seed: false });
});
afterAll(async () => {
  await db?.drop();
});

/** The statements prepared on the client's one connection, as the server lists them. */
async function prepared(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ statement: string }[]>`
    SELECT statement FROM pg_prepared_statements ORDER BY prepare_time`;
  return rows.map((r) => r.statement);
}

it('prepares a statement once per connection and executes it by name after', async () => {
  const prisma = createPrismaClient(db.url, 1);
  try {
    for (let i = 0; i < 3; i += 1) await prisma.$queryRaw`SELECT ${i}::int + 1 AS next`;
    const statements = await prepared(prisma);
    expect(statements.filter((s) => s === 'SELECT $1::int + 1 AS next')).toHaveLength(1);
    // The listing itself is one of them, prepared by its first run.
    expect(statements.filter((s) => s.includes('FROM pg_prepared_statements'))).toHaveLength(1);
  } finally {
    await prisma.$disconnect();
  }
});

it('does not keep a statement of more than 64 parameters (a bulk insert)', async () => {
  const prisma = createPrismaClient(db.url, 1);
  try {
    await prisma.province.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({ code: `PS${i}`, nameFr: `P${i}`, nameAr: `ب${i}` })),
    });
    await prisma.province.createMany({ data: [{ code: 'PSX', nameFr: 'PX', nameAr: 'بX' }] });
    const inserts = (await prepared(prisma)).filter((s) => s.startsWith('INSERT INTO'));
    // 30 rows × 3 columns = 90 parameters: planned and dropped; the one-row insert is kept.
    expect(inserts).toHaveLength(1);
    expect(inserts[0]).not.toContain('$4');
    expect(await prisma.province.count({ where: { code: { startsWith: 'PS' } } })).toBe(31);
  } finally {
    await prisma.$disconnect();
  }
});

it('prepares nothing when turned off', async () => {
  const prisma = createPrismaClient(db.url, 1, { preparedStatements: false });
  try {
    await prisma.$queryRaw`SELECT 1 AS one`;
    await prisma.$queryRaw`SELECT 1 AS one`;
    expect(await prepared(prisma)).toEqual([]);
  } finally {
    await prisma.$disconnect();
  }
});
