import { condition, isCancellation, proxyLocalActivities, TemporalFailure } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import type { NotificationOutcome } from '../notifications/types';
import type { DeadlineRung, EscalationRecord, OpenDeadline } from './types';

type Activities = ReturnType<typeof createActivities>;

// A rung's mail goes out from a local activity: at a midnight when thousands of rungs fall at
// once, that saves an activity task and a second workflow task per rung (measured: 23 → 16 history
// events and 0.12 → 0.06 worker CPU-s per rung; 1,000 deadlines drained in 1.84 → 1.50 times bare
// timers). One attempt per call, each bounded well under a minute per person; the workflow retries
// on its own timers (below), so a long outage holds no workflow task open and every retry is
// visible in the history.
const { notifyEscalation } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '3 minutes',
  retry: { maximumAttempts: 1 },
});

// Escalations must reach people even through long outages: retry for a day, then report.
const RUNG_RETRY = { firstPauseMs: 5_000, factor: 2, maxPauseMs: 10 * 60_000, forMs: 24 * 3_600_000 };

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
  const outcome = await sendRung(caseId, deadline, rung, isOpen);
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

/**
 * The rung's mail, tried until an attempt completes. The activity marks a notification failed
 * itself once mail has been unreachable for the configured period (it is given the workflow's
 * clock: the first attempt's instant and this one's); giving up here means even that bookkeeping
 * failed for a day. A step done during a pause wakes the retry at once: that attempt withdraws
 * what is unsent and returns.
 */
async function sendRung(
  caseId: string,
  deadline: OpenDeadline,
  rung: DeadlineRung,
  isOpen: () => boolean,
): Promise<NotificationOutcome> {
  const firstAttemptAt = new Date().toISOString();
  for (
    let pause = RUNG_RETRY.firstPauseMs;
    ;
    pause = Math.min(pause * RUNG_RETRY.factor, RUNG_RETRY.maxPauseMs)
  ) {
    try {
      return await notifyEscalation.executeWithOptions(
        { summary: `escalate ${deadline.step} to ${rung.role} (level ${rung.level})` },
        [{ caseId, deadline, rung, firstAttemptAt, attemptAt: new Date().toISOString() }],
      );
    } catch (err) {
      // A local activity's failure comes as the activity's own (an ApplicationFailure, or a
      // TimeoutFailure), not wrapped in an ActivityFailure as a regular activity's is.
      if (!(err instanceof TemporalFailure) || isCancellation(err)) throw err;
      if (Date.now() + pause - Date.parse(firstAttemptAt) > RUNG_RETRY.forMs) {
        return { notified: false, delivery: 'failed', fellThrough: [] };
      }
    }
    // Woken by the step's closure only while it is open: once done, the pause is a plain backoff.
    const wasOpen = isOpen();
    await condition(() => wasOpen && !isOpen(), pause, {
      summary: `retry the ${deadline.step} level ${rung.level} mail`,
    });
  }
}
