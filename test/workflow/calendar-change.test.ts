/**
 * A calendar change re-plans open deadlines (issue 16, item 1) on the time-skipping server, with
 * protocol v1 and a copy of the repository's calendar in a temporary CALENDAR_DIR (the test edits
 * the copy, never protocol/calendar). Every expected instant is written out by hand.
 *
 * 2027: Eid al-Fitr is estimated on Wed 10 and Thu 11 March. Casablanca is on UTC+0 until Sunday
 * 14 March (Ramadan), UTC+1 after, so the end of a local day from the 14th on is 23:00Z.
 * A HIGH assessment opens on Wed 10 March at 10:00 local: 3 working days are Fri 12, Mon 15 and Tue
 * 16 — due at the end of Tuesday 16 (2027-03-16T23:00Z); the working-day ladder then gives the
 * supervisor at the end of Wed 17, the coordinator at the end of Fri 19, the committee at the end of
 * Tue 23. The first rung (the handler's reminder, at the deadline) fires. On Wednesday 17 the file
 * is corrected, late, to the Eid the ministry announced: Thu 11 and Fri 12. The 3 working days are
 * now Mon 15, Tue 16 and Wed 17: the deadline and each rung not yet fired move one working day
 * (Wed 17, Thu 18, Mon 22, Wed 24); the reminder stays fired and is not sent again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { clearProtocolCaches } from '../../protocol';
import { recordCalendarChanges, startCalendarChangeWorkflows } from '../../lib/calendar-changes';
import { caseViewQuery, screeningUpdate, type CaseView } from '../../workflows/case/definitions';
import { NextDeadlineKey, OverdueKey, EscalationLevelKey } from '../../workflows/search-attributes';
import { HANDLER, waitForDeadline } from '../support/case-steps';
import { clockAt, startCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';
import { endQuietly } from '../support/safety';
import { eventually } from '../support/wait';

let h: Harness;
let calendarDir: string;
const previousDir = process.env.CALENDAR_DIR;

beforeAll(async () => {
  calendarDir = fs.mkdtempSync(path.join(os.tmpdir(), 'calendar-change-'));
  fs.cpSync(path.join(__dirname, '../../protocol/calendar'), calendarDir, { recursive: true });
  process.env.CALENDAR_DIR = calendarDir;
  clearProtocolCaches();
  h = await createHarness();
  await h.startWorker();
  // What a worker does at start: the calendar as first seen (nothing recorded before: no change).
  expect(await recordCalendarChanges(h.db.prisma)).toEqual([]);
});
afterAll(async () => {
  await h?.stop();
  if (previousDir === undefined) delete process.env.CALENDAR_DIR;
  else process.env.CALENDAR_DIR = previousDir;
  clearProtocolCaches();
  fs.rmSync(calendarDir, { recursive: true, force: true });
});

/** Moves the 2027 Eid al-Fitr in the test's calendar copy to the announced dates. */
function announceEid(days: [string, string]): void {
  const file = path.join(calendarDir, '2027.json');
  const cal = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    holidays: { date: string; name: string; status?: string }[];
  };
  const eid = cal.holidays.filter((d) => d.name.startsWith('Eid al-Fitr 1448'));
  expect(eid.map((d) => d.date)).toEqual(['2027-03-10', '2027-03-11']);
  eid.forEach((d, i) => {
    d.date = days[i]!;
    d.status = 'announced';
  });
  fs.writeFileSync(file, `${JSON.stringify(cal, null, 2)}\n`);
}

/** Reminders and escalations about this case, as (kind, recipient). */
async function ladderMail(reference: string): Promise<string[]> {
  const parsed = await Promise.all(h.smtp.messages.map((m) => simpleParser(m.raw)));
  return parsed
    .filter((m) => (m.subject ?? '').includes(reference))
    .map((m) => [String(m.headers.get('x-notification-kind')), m.to && !Array.isArray(m.to) ? m.to.text : ''])
    .filter(([kind]) => kind === 'reminder' || kind === 'escalation')
    .map(([kind, to]) => `${kind} ${to}`)
    .sort();
}

describe('calendar change', () => {
  it('moves an open assessment and its rungs not yet fired when the Eid is announced a day later; the fired rung stays fired, one mail per rung', async () => {
    await clockAt(h.env, '2027-03-10T10:00:00.000Z'); // Wed 10 March 2027, 10:00 local (UTC+0)
    const { handle, caseId, reference } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    await waitForDeadline(handle, 'screening');
    await handle.executeUpdate(screeningUpdate, {
      args: [
        {
          actorId: HANDLER,
          screeningId: 'screening-1',
          risk: 'HIGH',
          immediateNeeds: false,
          categories: ['neglect'],
        },
      ],
    });
    const planned = await waitForDeadline(handle, 'assessment');
    expect(planned.dueAt).toBe('2027-03-16T23:00:00.000Z');
    const record = () => h.db.prisma.stepRecord.findFirstOrThrow({ where: { caseId, step: 'assessment' } });
    expect((await record()).ladder).toEqual([
      { level: 0, role: 'handler', at: '2027-03-16T23:00:00.000Z' },
      { level: 1, role: 'supervisor', at: '2027-03-17T23:00:00.000Z' },
      { level: 2, role: 'coordinator', at: '2027-03-19T23:00:00.000Z' },
      { level: 3, role: 'committee', at: '2027-03-23T23:00:00.000Z' },
    ]);
    const escalations = async () =>
      (
        await h.db.prisma.escalation.findMany({
          where: { caseId, step: 'assessment' },
          orderBy: { level: 'asc' },
        })
      ).map((e) => [e.level, e.firedAt.toISOString()]);

    // Wed 17 March, 09:00 local: the reminder went at the (estimated) deadline.
    await clockAt(h.env, '2027-03-17T08:00:00.000Z');
    await eventually('the reminder', async () => ((await escalations()).length === 1 ? true : undefined));
    expect(await escalations()).toEqual([[0, '2027-03-16T23:00:00.000Z']]);
    expect(await ladderMail(reference)).toEqual(['reminder handler@demo.example']);

    // The file is corrected to the ministry's announcement; a worker starts and records the change.
    announceEid(['2027-03-11', '2027-03-12']);
    const changes = await recordCalendarChanges(h.db.prisma);
    expect(changes.map((c) => [c.year, c.added.map((d) => d.date), c.removed.map((d) => d.date)])).toEqual([
      [2027, ['2027-03-12'], ['2027-03-10']],
    ]);
    const changeId = changes[0]!.id;
    // A second worker starting at the same moment finds nothing new to record.
    expect(await recordCalendarChanges(h.db.prisma)).toEqual([]);
    expect(await startCalendarChangeWorkflows(h.db.prisma, h.env.client, h.taskQueue)).toEqual([changeId]);
    expect(await startCalendarChangeWorkflows(h.db.prisma, h.env.client, h.taskQueue)).toEqual([]);
    await eventually('the change carried to the case', async () => {
      const row = await h.db.prisma.calendarChange.findUniqueOrThrow({ where: { id: changeId } });
      return row.finishedAt ? row : undefined;
    });

    // The deadline and the rungs not yet fired move one working day; the reminder keeps its instant.
    const moved = await eventually('the moved assessment', async () => {
      const view: CaseView = await handle.query(caseViewQuery);
      const d = view.openDeadlines.find((x) => x.step === 'assessment');
      return d && d.dueAt !== planned.dueAt ? d : undefined;
    });
    expect(moved).toEqual({
      step: 'assessment',
      dueAt: '2027-03-17T23:00:00.000Z',
      overdue: false,
      escalationLevel: 0,
    });
    const row = await record();
    expect([row.dueAt.toISOString(), row.ladder]).toEqual([
      '2027-03-17T23:00:00.000Z',
      [
        { level: 0, role: 'handler', at: '2027-03-16T23:00:00.000Z' },
        { level: 1, role: 'supervisor', at: '2027-03-18T23:00:00.000Z' },
        { level: 2, role: 'coordinator', at: '2027-03-22T23:00:00.000Z' },
        { level: 3, role: 'committee', at: '2027-03-24T23:00:00.000Z' },
      ],
    ]);
    // The operators' search attributes follow: not overdue any more, next deadline the new one.
    const attributes = await eventually('the search attributes', async () => {
      const a = (await handle.describe()).typedSearchAttributes;
      const next = a.get(NextDeadlineKey);
      return next && next.toISOString() === '2027-03-17T23:00:00.000Z' ? a : undefined;
    });
    expect(attributes.get(OverdueKey)).toBe(false);
    expect(attributes.get(EscalationLevelKey)).toBe(0);

    // The audit trail: the change itself, and the deadline it moved, from when to when.
    const audit = await h.db.prisma.auditEvent.findMany({
      where: { OR: [{ caseId, action: 'deadline.replanned' }, { action: 'calendar.changed' }] },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((e) => [e.action, e.actorType, e.reason, e.entityId, e.details])).toEqual([
      [
        'calendar.changed',
        'system',
        'holiday calendar 2027 changed',
        changeId,
        {
          year: 2027,
          added: [{ date: '2027-03-12', name: 'Eid al-Fitr 1448 (day 2)' }],
          removed: [{ date: '2027-03-10', name: 'Eid al-Fitr 1448 (day 1)' }],
        },
      ],
      [
        'deadline.replanned',
        'system',
        'calendarChanged',
        row.id,
        {
          step: 'assessment',
          from: row.openedAt.toISOString(),
          calendarChangeId: changeId,
          dueBefore: '2027-03-16T23:00:00.000Z',
          dueAfter: '2027-03-17T23:00:00.000Z',
          rungsMoved: [
            { level: 1, before: '2027-03-17T23:00:00.000Z', after: '2027-03-18T23:00:00.000Z' },
            { level: 2, before: '2027-03-19T23:00:00.000Z', after: '2027-03-22T23:00:00.000Z' },
            { level: 3, before: '2027-03-23T23:00:00.000Z', after: '2027-03-24T23:00:00.000Z' },
          ],
        },
      ],
    ]);

    // Past the supervisor's old instant (end of Wed 17): nothing more yet, the reminder not again.
    await clockAt(h.env, '2027-03-18T00:30:00.000Z');
    expect(await escalations()).toEqual([[0, '2027-03-16T23:00:00.000Z']]);
    // Past the committee's new instant: each rung fired once, at its new instant; one mail each.
    await clockAt(h.env, '2027-03-25T08:00:00.000Z');
    await eventually('the whole ladder', async () => ((await escalations()).length === 4 ? true : undefined));
    expect(await escalations()).toEqual([
      [0, '2027-03-16T23:00:00.000Z'],
      [1, '2027-03-18T23:00:00.000Z'],
      [2, '2027-03-22T23:00:00.000Z'],
      [3, '2027-03-24T23:00:00.000Z'],
    ]);
    await eventually('every rung mailed', async () =>
      (await ladderMail(reference)).length >= 4 ? true : undefined,
    );
    expect(await ladderMail(reference)).toEqual([
      'escalation committee@demo.example',
      'escalation coordinator@demo.example',
      'escalation supervisor@demo.example',
      'reminder handler@demo.example',
    ]);
    await endQuietly([handle]);
  });
});
