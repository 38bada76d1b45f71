/**
 * `npm run protocol:impact` (issue 16 item 3) on a real case database: a sample province override
 * and a sample calendar correction, with the lines it prints written out by hand.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { protocolImpact } from '../../lib/protocol-impact';
import { checkProtocolPins } from '../../lib/protocol-pins';
import { clearProtocolCaches, loadCalendar, loadProtocol, planLadder } from '../../protocol';
import { insertCase } from '../support/cases';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
let dir: string;
let reference: string;
const savedDir = process.env.PROTOCOL_DIR;
const now = new Date('2026-08-24T12:00:00Z');

const write = (name: string, content: unknown) => {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
};

beforeAll(async () => {
  db = await createTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protocol-impact-'));
  fs.cpSync(path.resolve(__dirname, '../../protocol/versions'), path.join(dir, 'protocol/versions'), {
    recursive: true,
  });
  fs.mkdirSync(path.join(dir, 'protocol/provinces'));
  process.env.PROTOCOL_DIR = path.join(dir, 'protocol');
  clearProtocolCaches();

  const kase = await insertCase(db.prisma, { province: 'DEMO' });
  reference = kase.reference;
  await checkProtocolPins(db.prisma);
  const protocol = loadProtocol({ version: 1, province: 'DEMO' });
  const step = (s: string, openedAt: string, dueAt: string) =>
    db.prisma.stepRecord.create({
      data: {
        id: `${s}-${openedAt}`,
        caseId: kase.caseId,
        step: s,
        openedAt: new Date(openedAt),
        dueAt: new Date(dueAt),
        provinceCode: 'DEMO',
        ladder: planLadder(protocol, loadCalendar(), 'workingDay', new Date(dueAt)).map((r) => ({
          level: r.level,
          role: r.role,
          at: r.at,
        })),
      },
    });
  // Plan approval, 2 working days from Tuesday 25 August 2026 09:00 (UTC+1), a day of the estimated
  // Mawlid (25-26 Aug): Thu 27 and Fri 28 count, due at the end of Friday.
  await step('planApproval', '2026-08-25T08:00:00Z', '2026-08-28T23:00:00Z');
  // Plan draft, 5 working days from Monday 7 September: Tue 8 … Mon 14, far from the Mawlid.
  await step('planDraft', '2026-09-07T08:00:00Z', '2026-09-14T23:00:00Z');
  // Screening, 24 hours: never moves with the calendar.
  await step('screening', '2026-08-25T08:00:00Z', '2026-08-26T08:00:00Z');
});
afterAll(async () => {
  if (savedDir === undefined) delete process.env.PROTOCOL_DIR;
  else process.env.PROTOCOL_DIR = savedDir;
  clearProtocolCaches();
  await db.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('a calendar correction: the open working-day deadline whose span it touches moves, old due → new due', async () => {
  const cal = JSON.parse(
    fs.readFileSync(path.resolve(__dirname, '../../protocol/calendar/2026.json'), 'utf8'),
  ) as { holidays: { date: string; name: string; kind: string; status?: string }[] };
  // The Mawlid announced a day later than estimated: 26-27 August.
  cal.holidays = cal.holidays.map((h) =>
    h.date === '2026-08-25'
      ? { ...h, date: '2026-08-26', status: 'announced' }
      : h.date === '2026-08-26'
        ? { ...h, date: '2026-08-27', status: 'announced' }
        : h,
  );
  const file = write('2026.json', cal);
  const before = await db.prisma.stepRecord.findMany({ orderBy: { id: 'asc' } });

  expect(await protocolImpact(db.prisma, file, { now })).toEqual([
    `Impact of ${file} (holiday calendar 2026); nothing is changed.`,
    "  days off added: 2026-08-27 (Prophet's Birthday 1448 (day 2))",
    "  days off removed: 2026-08-25 (Prophet's Birthday 1448 (day 1))",
    'Open working-day deadlines that would move: 1 of 3 open',
    `  ${reference} planApproval: due 2026-08-29 00:00 → 2026-09-01 00:00 (+3 days, 2 working day(s) from 2026-08-25 09:00, Africa/Casablanca); 4 rung(s) not yet fired move`,
  ]);
  // Nothing was written.
  expect(await db.prisma.stepRecord.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
});

it('a province override of a new version: running cases keep theirs, new cases get it from its effectiveFrom', async () => {
  const v1 = JSON.parse(fs.readFileSync(path.join(dir, 'protocol/versions/v1.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  write('protocol/versions/v2.json', { ...v1, version: 2, effectiveFrom: '2027-01-01' });
  clearProtocolCaches();
  const file = write('DEMO.v2.json', {
    effectiveFrom: '2027-03-01',
    steps: {
      assessment: { deadline: { byRisk: { LOW: { workingDays: 10 } } } },
      planDraft: { deadline: { workingDays: 7 } },
    },
  });
  expect(await protocolImpact(db.prisma, file, { now })).toEqual([
    `Impact of ${file} (override of province DEMO for version 2); nothing is changed.`,
    'Running cases: none move (1 case(s) and pathway(s) keep the rules they pinned).',
    "  province DEMO: New cases from 2027-03-01 (local date, Africa/Casablanca) get version 2 with this file's changes:",
    '    assessment (LOW): 15 working days → 10 working days',
    '    planDraft: 5 working days → 7 working days',
  ]);
});

it('an override edited under running cases: start-up would refuse, and the change is named', async () => {
  const file = write('DEMO.json', { steps: { closureApproval: { deadline: { workingDays: 3 } } } });
  expect(await protocolImpact(db.prisma, file, { now })).toEqual([
    `Impact of ${file} (override of province DEMO); nothing is changed.`,
    '  REFUSED: version 1 in province DEMO is pinned by 1 case(s) and 0 pathway(s); worker and API would not start:',
    '    closureApproval: 2 working days → 3 working days',
    '  Put the change in a new version (or provinces/<code>.v<N>.json) with an effectiveFrom instead.',
    "  province DEMO: New cases from now (version 1 in effect since 2025-01-01, Africa/Casablanca) get version 1 with this file's changes:",
    '    closureApproval: 2 working days → 3 working days',
    "  province DEMO: New cases from 2027-01-01 (local date, Africa/Casablanca) get version 2 with this file's changes:",
    '    closureApproval: 2 working days → 3 working days',
  ]);
});
