/**
 * The digest's Temporal Schedule on the dev server (the time-skipping server has no schedules):
 * created once by the worker's start-up code, kept as an operator left it, and runnable on demand.
 * The digest's content on fixed dates is tested in digest.test.ts.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { DigestRunSummary } from '../../workflows/notifications/types';
import { DIGEST_SCHEDULE_ID, ensureDigestSchedule } from '../../worker/digest-schedule';
import { insertCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';
import { eventually } from '../support/wait';

/**
 * Whether a local date is a working day, read straight from the calendar file (not through the
 * protocol package the digest uses): Monday to Friday, and not one of that year's holidays.
 */
function workingDayByTheFile(date: string): boolean {
  const file = path.join(__dirname, '../../protocol/calendar', `${date.slice(0, 4)}.json`);
  const { holidays } = JSON.parse(fs.readFileSync(file, 'utf8')) as { holidays: Array<{ date: string }> };
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.some((d) => d.date === date);
}

/** Today's date in Casablanca (sv-SE formats as YYYY-MM-DD). */
const casablancaDate = (ms: number) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Africa/Casablanca' }).format(new Date(ms));

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ server: 'dev' });
  await h.startWorker();
});
afterAll(() => h?.stop());

describe('daily digest schedule', () => {
  it('is created if missing and kept if present, and a triggered run digests what is overdue today', async () => {
    const options = { taskQueue: h.taskQueue, time: '07:30' };
    expect(await ensureDigestSchedule(h.env.client, options)).toBe('created');
    const schedule = h.env.client.schedule.getHandle(DIGEST_SCHEDULE_ID);
    const created = await schedule.describe();
    expect(created.spec.timezone).toBe('Africa/Casablanca');
    expect(created.spec.calendars).toHaveLength(1);
    const calendar = created.spec.calendars?.[0];
    expect(calendar?.hour).toEqual([{ start: 7, end: 7, step: 1 }]);
    expect(calendar?.minute).toEqual([{ start: 30, end: 30, step: 1 }]);
    expect(calendar?.dayOfWeek.map((d) => [d.start, d.end])).toEqual(
      ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].map((d) => [d, d]),
    );
    expect(created.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'supervisorDigestWorkflow',
      taskQueue: h.taskQueue,
    });
    expect(created.policies.overlap).toBe('SKIP');

    // An operator pauses it; a worker (re)starting with another time leaves it as it is.
    await schedule.pause('mail relay maintenance');
    expect(await ensureDigestSchedule(h.env.client, { ...options, time: '09:00' })).toBe('kept');
    const kept = await schedule.describe();
    expect(kept.state.paused).toBe(true);
    expect(kept.spec.calendars?.[0]?.hour).toEqual([{ start: 7, end: 7, step: 1 }]);
    await schedule.unpause();

    // An overdue step in the demo unit: a case whose screening fell due yesterday.
    const { caseId, reference } = await insertCase(h.db.prisma);
    const now = Date.now();
    await h.db.prisma.stepRecord.create({
      data: {
        id: randomUUID(),
        caseId,
        step: 'screening',
        openedAt: new Date(now - 2 * 86_400_000),
        dueAt: new Date(now - 86_400_000),
      },
    });
    const today = casablancaDate(now);

    await schedule.trigger();
    const action = await eventually('the triggered run', async () => {
      const info = (await schedule.describe()).info;
      return info.recentActions[0]?.action.workflow;
    });
    const summary: DigestRunSummary = await h.env.client.workflow
      .getHandle(action.workflowId, action.firstExecutionRunId)
      .result();
    expect(action.workflowId.startsWith('notifications-supervisor-digest')).toBe(true);
    expect(summary.date).toBe(today);
    const digests = async () =>
      (await Promise.all(h.smtp.messages.map((m) => simpleParser(m.raw)))).filter(
        (m) => m.headers.get('x-notification-kind') === 'digest',
      );
    // The dev server runs on the real clock: on a weekend or a holiday the run must skip.
    if (workingDayByTheFile(today)) {
      expect(summary.workingDay).toBe(true);
      expect(summary.results).toContainEqual({
        supervisorId: 'staff-demo-supervisor',
        status: 'sent',
        overdue: 1,
      });
      const mail = await eventually('the digest', async () => (await digests())[0]);
      expect(mail.text).toContain(reference);
    } else {
      expect(summary).toEqual({ date: today, workingDay: false, results: [] });
      expect(await digests()).toEqual([]);
    }
    await schedule.delete();
  });
});
