import { ActivityFailure, condition, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { NotificationOutcome } from '../notifications/types';
import type { DeadlineRung, EscalationRecord, OpenDeadline } from './types';

type Activities = ReturnType<typeof createActivities>;

// Escalations must reach people even through long outages: retry for a day, then report. One
// attempt may send to several people (a unit's handlers), each bounded well under a minute.
const { notifyEscalation } = proxyActivities<Activities>({
  startToCloseTimeout: '3 minutes',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * Races one deadline against the human action, on one timer at a time: while the step stays open,
 * `onDue` is called once when the deadline falls (what turns the operators' `Overdue` true on time,
 * before the rung due at the same instant sends its mail), and each rung of the ladder fires at its
 * instant, exactly once (fired levels are remembered in the deadline itself, which survives
 * continue-as-new). Returns when the step is done or the ladder is exhausted.
 */
export async function watchDeadline(
  caseId: string,
  deadline: OpenDeadline,
  isOpen: () => boolean,
  onDue: () => void,
  onEscalated: (record: EscalationRecord) => void,
): Promise<void> {
  // The instants to wait for, in order; the deadline itself before a rung due with it.
  const due = Date.parse(deadline.dueAt);
  const rungs = deadline.ladder.filter((rung) => !deadline.fired.includes(rung.level));
  const timeline: ({ kind: 'due'; at: number } | { kind: 'rung'; at: number; rung: DeadlineRung })[] = [
    { kind: 'due' as const, at: due },
    ...rungs.map((rung) => ({ kind: 'rung' as const, at: Date.parse(rung.at), rung })),
  ].sort((a, b) => a.at - b.at || (a.kind === 'due' ? -1 : b.kind === 'due' ? 1 : 0));
  for (const point of timeline) {
    const wait = point.at - Date.now();
    const closed =
      wait > 0
        ? await condition(() => !isOpen(), wait, {
            summary:
              point.kind === 'due'
                ? `${deadline.step} falls due`
                : `${deadline.step} escalation level ${point.rung.level} (${point.rung.role})`,
          })
        : !isOpen();
    if (closed) return;
    if (point.kind === 'due') onDue();
    else if (!(await fire(caseId, deadline, point.rung, isOpen, onEscalated))) return;
  }
}

/** Sends one rung; false when the step was done meanwhile (nothing more to watch). */
async function fire(
  caseId: string,
  deadline: OpenDeadline,
  rung: DeadlineRung,
  isOpen: () => boolean,
  onEscalated: (record: EscalationRecord) => void,
): Promise<boolean> {
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
  if (!isOpen()) return false;
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
  return true;
}
