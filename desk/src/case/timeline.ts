/**
 * The case's timeline as the case page shows it (GET /cases/{caseId}/timeline): each step with
 * where it stands, and each rung of its ladder with the one instant that says most about it — when
 * it is planned to fire (planned, notReached) or when it fired (fired, resolved, withdrawn). The
 * next rung of an open step is the first one still planned: who is told next, and when. Pure:
 * tested without a browser.
 */
export interface TimelineRung {
  level: number;
  role: string;
  status: 'planned' | 'fired' | 'resolved' | 'withdrawn' | 'notReached';
  plannedAt: string | null;
  firedAt: string | null;
}
export interface TimelineStep {
  stepRecordId: string;
  step: string;
  openedAt: string;
  dueAt: string;
  completedAt: string | null;
  outcome: string | null;
  rungs: readonly TimelineRung[];
}

export type StepState = 'open' | 'done' | 'cancelled' | 'missed';

export interface RungLine {
  level: number;
  role: string;
  status: TimelineRung['status'];
  at: string | null;
}
export interface StepLine {
  stepRecordId: string;
  step: string;
  state: StepState;
  openedAt: string;
  dueAt: string;
  completedAt: string | null;
  rungs: RungLine[];
  /** The first rung still ahead of an open step; null when none is (or the step is closed). */
  next: RungLine | null;
}

const FIRED = new Set<TimelineRung['status']>(['fired', 'resolved', 'withdrawn']);

export function timelineLines(steps: readonly TimelineStep[]): StepLine[] {
  return steps.map((s) => {
    const state: StepState =
      s.completedAt === null
        ? 'open'
        : s.outcome === 'cancelled' || s.outcome === 'missed'
          ? s.outcome
          : 'done';
    const rungs = [...s.rungs]
      .sort((a, b) => a.level - b.level)
      .map((r) => ({
        level: r.level,
        role: r.role,
        status: r.status,
        at: FIRED.has(r.status) ? r.firedAt : r.plannedAt,
      }));
    const next = state === 'open' ? (rungs.find((r) => r.status === 'planned') ?? null) : null;
    return {
      stepRecordId: s.stepRecordId,
      step: s.step,
      state,
      openedAt: s.openedAt,
      dueAt: s.dueAt,
      completedAt: s.completedAt,
      rungs,
      next,
    };
  });
}
