import { ActivityFailure, condition, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { NotificationOutcome } from '../notifications/types';
import type { EscalationRecord, OpenDeadline } from './types';

type Activities = ReturnType<typeof createActivities>;

// Escalations must reach people even through long outages: retry for a day, then report. One
// attempt may send to several people (a unit's handlers), each bounded well under a minute.
const { notifyEscalation } = proxyActivities<Activities>({
  startToCloseTimeout: '3 minutes',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * Races one deadline against the human action: while the step stays open, each rung of the ladder
 * fires at its instant, exactly once (fired levels are remembered in the deadline itself, which
 * survives continue-as-new). Returns when the step is done or the ladder is exhausted.
 */
export async function watchDeadline(
  caseId: string,
  deadline: OpenDeadline,
  isOpen: () => boolean,
  onEscalated: (record: EscalationRecord) => void,
): Promise<void> {
  for (const rung of deadline.ladder) {
    if (deadline.fired.includes(rung.level)) continue;
    const wait = Date.parse(rung.at) - Date.now();
    const closed =
      wait > 0
        ? await condition(() => !isOpen(), wait, {
            summary: `${deadline.step} escalation level ${rung.level} (${rung.role})`,
          })
        : !isOpen();
    if (closed) return;
    // The activity marks a notification failed itself once mail has been unreachable for the
    // configured period; reaching this catch means even that bookkeeping failed for a day.
    const outcome: NotificationOutcome = await notifyEscalation
      .executeWithOptions({ summary: `escalate ${deadline.step} to ${rung.role} (level ${rung.level})` }, [
        { caseId, deadline, rung },
      ])
      .catch((err: unknown) => {
        if (err instanceof ActivityFailure) return { notified: false, delivery: 'failed', fellThrough: [] };
        throw err;
      });
    // Done while the rung's mail was being sent or retried: the activity sent nothing more, and a
    // closed deadline has no open escalation to record (nor a level for the operators' view).
    if (!isOpen()) return;
    deadline.fired.push(rung.level);
    onEscalated({
      deadlineId: deadline.id,
      step: deadline.step,
      level: rung.level,
      role: rung.role,
      firedAt: new Date().toISOString(),
      notified: outcome.notified,
      delivery: outcome.delivery,
      fellThrough: outcome.fellThrough,
    });
  }
}

/**
 * Calls `onDue` once when the deadline falls, if the step is still open then: what turns the
 * operators' `Overdue` search attribute true on time, even when the rung due at the same instant
 * is still retrying its mail (or the ladder has no rung at the deadline).
 */
export async function atDeadline(
  deadline: OpenDeadline,
  isOpen: () => boolean,
  onDue: () => void,
): Promise<void> {
  const wait = Date.parse(deadline.dueAt) - Date.now();
  if (wait > 0) {
    const closed = await condition(() => !isOpen(), wait, { summary: `${deadline.step} falls due` });
    if (closed) return;
  }
  if (isOpen()) onDue();
}
