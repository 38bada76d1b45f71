/**
 * Migration 20261123000600 moves the programme objectives out of leaving_care_axes into their own
 * table: a database that already holds objectives keeps every one, in order, filed under the
 * pathway's assessment (or a placeholder when none was recorded).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { applyMigrations, listMigrations, MIGRATIONS_DIR } from '../../devstack/migrate';
import { createTestDatabase, type TestDatabase } from '../support/database';

const MIGRATION = '20261123000600_leaving_care_objectives';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
});
afterAll(async () => {
  await db?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function sql<T extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

it('keeps every objective already recorded, in order, under the assessment that set it', async () => {
  // The schema as it was before the migration, with the demo organisation.
  for (const m of listMigrations(MIGRATIONS_DIR).filter((m) => m.name < MIGRATION)) {
    fs.mkdirSync(path.join(dir, m.name));
    fs.copyFileSync(
      path.join(MIGRATIONS_DIR, m.name, 'migration.sql'),
      path.join(dir, m.name, 'migration.sql'),
    );
  }
  await applyMigrations(db.url, dir);
  // The part of the demo organisation these rows point at (the seed itself follows today's schema).
  await sql(`
    INSERT INTO provinces (code, name_fr, name_ar) VALUES ('DEMO', 'Démo', 'تجريبي');
    INSERT INTO units (id, province_code, kind, name) VALUES ('unit-demo-upe', 'DEMO', 'protectionUnit', 'UPE');
  `);
  await sql(`
    INSERT INTO children (id, first_name, last_name, birth_date, sex) VALUES
      ('c1', 'A', 'B', '2010-01-01', 'female'), ('c2', 'C', 'D', '2011-01-01', 'male');
    INSERT INTO cases (id, reference, workflow_id, child_id, province_code, unit_id, step, protocol_version, updated_at) VALUES
      ('k1', 'R1', 'case-k1', 'c1', 'DEMO', 'unit-demo-upe', 'followUp', 1, now()),
      ('k2', 'R2', 'case-k2', 'c2', 'DEMO', 'unit-demo-upe', 'followUp', 1, now());
    INSERT INTO leaving_care_pathways (id, child_id, case_id, province_code, workflow_id, protocol_version, phase, trigger, enrolled_at, accompaniment_months, updated_at) VALUES
      ('p1', 'c1', 'k1', 'DEMO', 'leaving-care-c1', 1, 'preparation', 'api', now(), 12, now()),
      ('p2', 'c2', 'k2', 'DEMO', 'leaving-care-c2', 1, 'preparation', 'api', now(), 12, now());
    INSERT INTO leaving_care_axes (id, pathway_id, axis, objectives, status, updated_at) VALUES
      ('a1', 'p1', 'health', ARRAY['First', 'Second'], 'inProgress', '2026-01-02T00:00:00Z'),
      ('a2', 'p1', 'employment', ARRAY['Third'], 'inProgress', '2026-01-02T00:00:00Z'),
      ('a3', 'p1', 'socialParticipation', ARRAY[]::text[], 'notStarted', '2026-01-02T00:00:00Z'),
      ('a4', 'p2', 'health', ARRAY['Fourth'], 'notStarted', '2026-02-03T00:00:00Z');
    INSERT INTO leaving_care_reviews (id, pathway_id, kind, reviewed_at, reviewed_by_id, axes) VALUES
      ('r1', 'p1', 'assessment', '2026-01-01T10:00:00Z', 'staff-demo-mediator', '{}'),
      ('r2', 'p1', 'review', '2026-04-01T10:00:00Z', 'staff-demo-mediator', '{}');
  `);

  // This migration, then every later one.
  expect(await applyMigrations(db.url)).toEqual(
    listMigrations(MIGRATIONS_DIR)
      .map((m) => m.name)
      .filter((name) => name >= MIGRATION),
  );

  const rows = await sql<Record<string, unknown>>(
    `SELECT pathway_id, review_id, axis, position, objective, recorded_at, recorded_by_id
     FROM leaving_care_objectives ORDER BY pathway_id, axis, position`,
  );
  expect(rows).toEqual([
    {
      pathway_id: 'p1',
      review_id: 'r1',
      axis: 'employment',
      position: 1,
      objective: 'Third',
      recorded_at: new Date('2026-01-01T10:00:00Z'),
      recorded_by_id: 'staff-demo-mediator',
    },
    {
      pathway_id: 'p1',
      review_id: 'r1',
      axis: 'health',
      position: 1,
      objective: 'First',
      recorded_at: new Date('2026-01-01T10:00:00Z'),
      recorded_by_id: 'staff-demo-mediator',
    },
    {
      pathway_id: 'p1',
      review_id: 'r1',
      axis: 'health',
      position: 2,
      objective: 'Second',
      recorded_at: new Date('2026-01-01T10:00:00Z'),
      recorded_by_id: 'staff-demo-mediator',
    },
    {
      pathway_id: 'p2',
      review_id: 'before-p2',
      axis: 'health',
      position: 1,
      objective: 'Fourth',
      recorded_at: new Date('2026-02-03T00:00:00Z'),
      recorded_by_id: 'system',
    },
  ]);
  const columns = await sql<{ column_name: string }>(
    "SELECT column_name FROM information_schema.columns WHERE table_name = 'leaving_care_axes' ORDER BY 1",
  );
  expect(columns.map((c) => c.column_name)).not.toContain('objectives');
});
