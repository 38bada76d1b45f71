import { defineSignal, log, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { CalendarChange, OpenDeadline } from './types';

type Activities = ReturnType<typeof createActivities>;

// Case storage: PostgreSQL outages are retried without limit; a worker whose calendar files are
// older than the change (a rolling restart not yet done) fails the attempt and another retries.
const { replanDeadline } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * The holiday calendar changed (calendar_changes): sent by the calendar-change workflow to every
 * case, referral and pathway with an open deadline spanning one of the dates.
 */
export const calendarChangedSignal = defineSignal<[CalendarChange]>('calendarChanged');

const DAY_MS = 86_400_000;

/**
 * Whether a changed date can fall within a deadline's span: after the day its clock started and no
 * later than its last rung. Coarse by up to a day either side (no time zone here); the activity
 * decides exactly, and answers null for a deadline that does not move.
 */
function spans(deadline: OpenDeadline, dates: readonly string[]): boolean {
  const first = Date.parse(deadline.openedAt) - DAY_MS;
  const last = Math.max(Date.parse(deadline.dueAt), ...deadline.ladder.map((r) => Date.parse(r.at))) + DAY_MS;
  return dates.some((d) => {
    const at = Date.parse(`${d}T12:00:00Z`);
    return at >= first && at <= last;
  });
}

/**
 * Re-plans, from its own clock and the rules it was planned with, every open deadline a calendar
 * change touches. `onMoved` swaps the moved deadline in (its fired levels are the same array, so a
 * rung already fired is not fired again) and starts watching it; a deadline closed meanwhile stays
 * closed. Audited by the activity with the change's id, from when to when.
 */
export async function replanForCalendarChange(
  caseId: string,
  change: CalendarChange,
  open: () => readonly OpenDeadline[],
  onMoved: (before: OpenDeadline, after: OpenDeadline) => void,
): Promise<void> {
  for (const deadline of [...open()]) {
    if (!spans(deadline, change.dates)) continue;
    if (!deadline.plannedWith) {
      // Opened before deadlines kept their rules (a history from an earlier build): left as planned.
      log.warn('calendar change: a deadline without its planning rules is left as it is', {
        deadlineId: deadline.id,
        changeId: change.changeId,
      });
      continue;
    }
    const planned = await replanDeadline({
      caseId,
      deadline,
      because: 'calendarChanged',
      calendarChangeId: change.changeId,
    });
    if (!planned || !open().includes(deadline)) continue;
    onMoved(deadline, { ...deadline, ...planned, fired: deadline.fired });
  }
}
