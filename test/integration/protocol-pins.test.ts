/**
 * Protocol versions are immutable once used (issue 16 item 2): a case pins the hash of its rules,
 * and a worker started over an edited version file refuses, naming version, province and change.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkProtocolPins, ProtocolPinError } from '../../lib/protocol-pins';
import { clearProtocolCaches } from '../../protocol';
import { runWorker } from '../../worker/run';
import { insertCase } from '../support/cases';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';

let db: TestDatabase;
let dir: string;
const savedDir = process.env.PROTOCOL_DIR;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protocol-pins-'));
  fs.cpSync(path.resolve(__dirname, '../../protocol/versions'), path.join(dir, 'versions'), {
    recursive: true,
  });
  fs.cpSync(path.resolve(__dirname, '../../protocol/provinces'), path.join(dir, 'provinces'), {
    recursive: true,
  });
  process.env.PROTOCOL_DIR = dir;
  clearProtocolCaches();
});
afterAll(async () => {
  if (savedDir === undefined) delete process.env.PROTOCOL_DIR;
  else process.env.PROTOCOL_DIR = savedDir;
  clearProtocolCaches();
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Json {
  [key: string]: Json;
}

it('pins running cases at start, then refuses a worker over an edited version file with the difference', async () => {
  const { caseId } = await insertCase(db.prisma, { province: 'DEMO' });

  // A case from before pinning is pinned at the first start, and a copy of its rules is kept.
  await expect(checkProtocolPins(db.prisma)).resolves.toEqual({ pairs: 1 });
  const pinned = await db.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
  expect(pinned.protocolHash).toMatch(/^[0-9a-f]{64}$/);
  const kept = await db.prisma.protocolVersion.findUniqueOrThrow({ where: { hash: pinned.protocolHash! } });
  expect(kept.version).toBe(1);
  expect((kept.rules as unknown as Json).steps!.assessment!.deadline!.byRisk!.LOW).toEqual({
    workingDays: 15,
  });
  // Unchanged files: the check passes again.
  await expect(checkProtocolPins(db.prisma)).resolves.toEqual({ pairs: 1 });

  // Someone edits the used version in place: LOW assessments 15 → 10 working days, a channel added.
  const file = path.join(dir, 'versions', 'v1.json');
  const v1 = JSON.parse(fs.readFileSync(file, 'utf8')) as Json & { channels: string[] };
  v1.steps!.assessment!.deadline!.byRisk!.LOW = { workingDays: 10 } as unknown as Json;
  v1.channels = [...v1.channels, 'radio'];
  fs.writeFileSync(file, JSON.stringify(v1, null, 2));

  const started = runWorker({
    ...process.env,
    DATABASE_URL: db.url,
    PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
    // Never reached: the check comes before any connection to Temporal.
    TEMPORAL_ADDRESS: '127.0.0.1:1',
  });
  const err = await started.then(
    () => new Error('the worker started'),
    (e: unknown) => e as Error,
  );
  expect(err).toBeInstanceOf(ProtocolPinError);
  const lines = err.message.split('\n');
  expect(lines[1]).toMatch(
    /^ {2}protocol version 1, province DEMO \(1 case\(s\), 0 pathway\(s\) pinned [0-9a-f]{12}, files now give [0-9a-f]{12}\):$/,
  );
  expect(lines.slice(2)).toEqual([
    '    channels: ["hotline","school","healthFacility","police","family","child","association","mobileUnit","judicial"] → ["hotline","school","healthFacility","police","family","child","association","mobileUnit","judicial","radio"]',
    '    steps.assessment.deadline.byRisk.LOW.workingDays: 15 → 10',
  ]);
  // The case still pins its original rules.
  expect((await db.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).protocolHash).toBe(
    pinned.protocolHash,
  );
});
