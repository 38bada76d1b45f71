/** The migration runner keeps `prisma migrate deploy`'s bookkeeping, on a real PostgreSQL. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { applyMigrations, listMigrations, MIGRATIONS_DIR } from '../../devstack/migrate';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
let dir: string;
beforeEach(async () => {
  db = await createTestDatabase({ migrate: false });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
});
afterEach(async () => {
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, sql: string) {
  fs.mkdirSync(path.join(dir, name), { recursive: true });
  fs.writeFileSync(path.join(dir, name, 'migration.sql'), sql);
}

async function query<T extends Record<string, unknown>>(sql: string): Promise<T[]> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  it('records each migration as prisma migrate deploy does, and applies nothing twice', async () => {
    write('20260101000000_first', 'CREATE TABLE a (id int PRIMARY KEY);');
    write('20260102000000_second', 'CREATE TABLE b (id int PRIMARY KEY);');
    expect(await applyMigrations(db.url, dir)).toEqual(['20260101000000_first', '20260102000000_second']);
    expect(await applyMigrations(db.url, dir)).toEqual([]);
    const rows = await query<{
      migration_name: string;
      checksum: string;
      applied_steps_count: number;
      finished_at: Date;
    }>(
      'SELECT migration_name, checksum, applied_steps_count, finished_at FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(['20260101000000_first', '20260102000000_second']);
    expect(rows[0]?.checksum).toBe(
      createHash('sha256').update('CREATE TABLE a (id int PRIMARY KEY);').digest('hex'),
    );
    expect(rows.every((r) => r.applied_steps_count === 1 && r.finished_at instanceof Date)).toBe(true);
  });

  it('stops on a migration edited after it was applied', async () => {
    write('20260101000000_first', 'CREATE TABLE a (id int PRIMARY KEY);');
    await applyMigrations(db.url, dir);
    write('20260101000000_first', 'CREATE TABLE a (id bigint PRIMARY KEY);');
    await expect(applyMigrations(db.url, dir)).rejects.toThrow(
      'migration 20260101000000_first was modified after it was applied (checksum mismatch); add a new migration instead',
    );
  });

  it('rolls back a failing migration completely and names it', async () => {
    write('20260101000000_first', 'CREATE TABLE a (id int PRIMARY KEY);');
    write('20260102000000_broken', 'CREATE TABLE c (id int PRIMARY KEY); INSERT INTO nowhere VALUES (1);');
    await expect(applyMigrations(db.url, dir)).rejects.toThrow(
      /migration 20260102000000_broken failed: .*nowhere/,
    );
    const tables = await query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    );
    expect(tables.map((t) => t.tablename)).toEqual(['_prisma_migrations', 'a']);
  });

  it('applies the project migrations to an empty database', async () => {
    const names = listMigrations(MIGRATIONS_DIR).map((m) => m.name);
    expect(names.length).toBeGreaterThan(0);
    expect(await applyMigrations(db.url)).toEqual(names);
    const tables = await query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    );
    expect(tables.map((t) => t.tablename)).toEqual(
      expect.arrayContaining(['cases', 'audit_events', 'step_records']),
    );
  });
});
