import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';

const SEED_FILE = path.resolve(__dirname, '..', 'prisma', 'seed.sql');

/** Demo province, one person per role, partners: idempotent (ON CONFLICT DO NOTHING). */
export async function seedDemoData(databaseUrl: string): Promise<void> {
  if (!fs.existsSync(SEED_FILE)) return;
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(fs.readFileSync(SEED_FILE, 'utf8'));
  } finally {
    await client.end();
  }
}
