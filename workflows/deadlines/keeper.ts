import {
  condition,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { createActivities } from '../../activities';
import { calendarChangedSignal, replanForCalendarChange } from './calendar';
import { deadlineAttributes, summarizeDeadlines, type DeadlineSummary } from './operator-view';
import type {
  CalendarChange,
  DeadlineStep,
  EscalationRecord,
  LeavingCareStep,
  OpenDeadline,
  OpenDeadlineRequest,
  ReplanReason,
  WatchedStep,
} from './types';
import { watchDeadline } from './watch';

type Activities = ReturnType<typeof createActivities>;

// Deadline storage: PostgreSQL outages are retried without limit; each call is idempotent.
const { replanDeadline, closeDeadline } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * Where a workflow keeps its open deadlines (its own state, so they survive continue-as-new). The
 * keeper replaces the arrays, never mutates them in place: a watcher holds its deadline by identity.
 */
export interface DeadlineBook {
  caseId: string;
  deadlines: OpenDeadline[];
  /** Open escalations, shown to people; absent where the workflow shows only the levels. */
  escalations?: EscalationRecord[];
  stepsOnTime?: number;
  stepsLate?: number;
  stepsMissed?: number;
}

/** How a deadline is closed: done (its lateness counted), cancelled, or missed (a stage moved on). */
export type CloseOutcome = 'done' | 'cancelled' | 'missed';

/** What a workflow adds to the operators' view: its own search attributes first, then the deadlines'. */
export interface OperatorView {
  /** What, besides the deadlines, changes the view (nothing is upserted while it stays the same). */
  key: unknown[];
  attributes: SearchAttributeUpdatePair[];
  memo?: string;
}

export interface KeeperConfig<S extends WatchedStep, O> {
  /** The workflow's state holding the deadlines (read when called: state may be loaded later). */
  book: () => DeadlineBook;
  /** Plans a new deadline of step `step` (an activity writes it and returns its instants). */
  plan: (step: S, options: O | undefined) => Promise<OpenDeadline>;
  /**
   * The request a protection-circuit deadline is planned again with, from its own clock. Absent
   * where deadlines are never re-planned (the leaving-care pathway closes and reopens instead).
   */
  replanRequest?: (deadline: OpenDeadline, step: DeadlineStep, options: O | undefined) => OpenDeadlineRequest;
  /** A rung fired (after it is recorded in the book, before the view is published). */
  onEscalated?: (record: EscalationRecord) => void;
  /** The workflow's part of the operators' view, given the deadlines' summary. */
  operatorView: (summary: DeadlineSummary) => OperatorView;
}

// The pathway's steps; every other watched step belongs to the protection circuit.
const PATHWAY_STEPS: Record<LeavingCareStep, true> = {
  programme: true,
  programmeReview: true,
  exitPlan: true,
  mediatorContact: true,
  integrationOutcome: true,
};
const isCircuitStep = (step: WatchedStep): step is DeadlineStep =>
  !Object.prototype.hasOwnProperty.call(PATHWAY_STEPS, step);

const now = () => new Date().toISOString();

/**
 * The one place a workflow's deadlines are opened, re-planned, closed, watched and published: each
 * rung of a deadline's ladder fires exactly once while its step is open (fired levels live in the
 * deadline, so they survive continue-as-new and a re-plan), and the operators' search attributes
 * follow every change.
 */
export class DeadlineKeeper<S extends WatchedStep, O = undefined> {
  private published = '';

  constructor(private readonly config: KeeperConfig<S, O>) {}

  private get book(): DeadlineBook {
    return this.config.book();
  }

  /** The open deadlines (a snapshot: closing one does not change it). */
  get open(): readonly OpenDeadline[] {
    return [...this.book.deadlines];
  }

  isOpen(deadline: OpenDeadline): boolean {
    return this.book.deadlines.includes(deadline);
  }

  /** The open deadline of a step (about `subjectId`, when given). */
  find(step: WatchedStep, subjectId?: string): OpenDeadline | undefined {
    return this.book.deadlines.find(
      (d) => d.step === step && (subjectId === undefined || d.subjectId === subjectId),
    );
  }

  /** Opens a deadline and starts climbing its ladder. */
  async openDeadline(step: S, options?: O): Promise<OpenDeadline> {
    const deadline = await this.config.plan(step, options);
    this.book.deadlines.push(deadline);
    this.watch(deadline);
    this.publish();
    return deadline;
  }

  /** Watches deadlines carried over from the previous run (continue-as-new), fired rungs skipped. */
  resume(): void {
    for (const deadline of this.book.deadlines) this.watch(deadline);
  }

  /**
   * Plans an open deadline again from its own clock and moves it: the old watcher stops, a new one
   * climbs the new ladder. Rungs already fired stay fired (the moved deadline shares the fired
   * levels) and are not sent again. `onlyIfEarlier`: an urgent concern never gives more time.
   */
  async replan(
    deadline: OpenDeadline,
    because: ReplanReason,
    actorId: string,
    options?: O,
    onlyIfEarlier = false,
  ): Promise<void> {
    const { replanRequest } = this.config;
    if (!replanRequest || !isCircuitStep(deadline.step)) return;
    const planned = await replanDeadline({
      ...replanRequest(deadline, deadline.step, options),
      deadlineId: deadline.id,
      dueAt: deadline.dueAt,
      ladder: deadline.ladder,
      fired: deadline.fired,
      ...(onlyIfEarlier ? { onlyIfEarlier } : {}),
      because,
      actorId,
    });
    if (!planned || !this.isOpen(deadline)) return;
    const moved: OpenDeadline = { ...deadline, ...planned, fired: deadline.fired };
    this.book.deadlines = this.book.deadlines.map((d) => (d === deadline ? moved : d));
    this.watch(moved);
    this.publish();
  }

  /** Re-plans every open deadline (that `filter` keeps) for one reason, one after the other. */
  async replanAll(
    because: ReplanReason,
    actorId: string,
    filter: (deadline: OpenDeadline) => boolean = () => true,
  ): Promise<void> {
    for (const deadline of this.book.deadlines.filter(filter)) {
      await this.replan(deadline, because, actorId);
    }
  }

  /**
   * The holiday calendar changed (a lunar date announced, a day off added): every open deadline
   * whose span it touches is planned again with the rules it was planned with, rungs already fired
   * kept (workflows/deadlines/calendar.ts). Handled once `ready()` (the state is loaded).
   */
  followCalendar(ready: () => boolean): void {
    setHandler(calendarChangedSignal, async (change: CalendarChange) => {
      await condition(ready);
      await replanForCalendarChange(
        this.book.caseId,
        change,
        () => this.book.deadlines,
        (before, moved) => {
          this.book.deadlines = this.book.deadlines.map((d) => (d === before ? moved : d));
          this.watch(moved);
          this.publish();
        },
      );
    });
  }

  /** Closes a deadline in state at once (so a racing update sees it closed), then records lateness. */
  async close(deadline: OpenDeadline | undefined, outcome: CloseOutcome = 'done'): Promise<void> {
    if (!deadline) return;
    this.forget([deadline]);
    this.publish();
    await this.record(deadline, outcome);
  }

  /** Closes every open deadline at once (a partner's step ends all that was pending), then records them. */
  async closeAll(outcome: CloseOutcome): Promise<void> {
    const closing = [...this.book.deadlines];
    this.forget(closing);
    this.publish();
    for (const deadline of closing) await this.record(deadline, outcome);
  }

  /** Where a deadline climbs the ladder now (a transfer): its instants stay, its rungs go to `province`. */
  moveTo(province: string): void {
    for (const d of this.book.deadlines) d.province = province;
  }

  /** Publishes the operators' view, when it changed: the workflow's attributes, then the deadlines'. */
  publish(): void {
    const book = this.book;
    const levels = book.escalations
      ? book.escalations.map((e) => e.level)
      : book.deadlines.flatMap((d) => d.fired);
    const summary = summarizeDeadlines(book.deadlines, levels);
    const own = this.config.operatorView(summary);
    const signature = JSON.stringify([...own.key, summary.level, summary.overdue, summary.nextDue]);
    if (signature === this.published) return;
    this.published = signature;
    upsertSearchAttributes([...own.attributes, ...deadlineAttributes(summary)]);
    if (own.memo !== undefined) upsertMemo({ summary: own.memo });
  }

  private forget(closing: OpenDeadline[]): void {
    const book = this.book;
    book.deadlines = book.deadlines.filter((d) => !closing.includes(d));
    if (book.escalations) {
      const ids = closing.map((d) => d.id);
      book.escalations = book.escalations.filter((e) => !ids.includes(e.deadlineId));
    }
  }

  private async record(deadline: OpenDeadline, outcome: CloseOutcome): Promise<void> {
    const book = this.book;
    const result = await closeDeadline({ caseId: book.caseId, deadlineId: deadline.id, at: now(), outcome });
    if (outcome === 'missed') book.stepsMissed = (book.stepsMissed ?? 0) + 1;
    else if (outcome === 'done' && result.late) book.stepsLate = (book.stepsLate ?? 0) + 1;
    else if (outcome === 'done') book.stepsOnTime = (book.stepsOnTime ?? 0) + 1;
  }

  private watch(deadline: OpenDeadline): void {
    const isOpen = () => this.isOpen(deadline);
    // Overdue turns true at the deadline itself, before the first rung's mail has gone.
    void watchDeadline(
      this.book.caseId,
      deadline,
      isOpen,
      () => this.publish(),
      (record) => {
        this.book.escalations?.push(record);
        this.config.onEscalated?.(record);
        this.publish();
      },
    );
  }
}
