import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  currentUpdateInfo,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { TemporalFailure, type SignalDefinition } from '@temporalio/common';
import type { createActivities } from '../../activities';
import { DeadlineKeeper, type CloseOutcome } from '../deadlines/keeper';
import type { DeadlineStep, OpenDeadline, RiskLevel } from '../deadlines/types';
import {
  issuesOf,
  withIssues,
  type CaseNotice,
  type NotificationIssue,
  type NotificationOutcome,
} from '../notifications/types';
import { CaseStepKey, ProvinceKey, RiskLevelKey } from '../search-attributes';
import { onUpdate } from '../updates';
import { referralRiskSignal, referralWorkflowId } from '../referral/definitions';
import type { referralWorkflow } from '../referral/workflow';
import type { CaseChange, CaseState, CaseStep, CaseView, ReferralSummary } from './definitions';

type Activities = ReturnType<typeof createActivities>;

// Case storage: PostgreSQL outages are retried without limit; each call is idempotent.
const { openDeadline, recordCaseAction } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

// Notices: retried through an SMTP outage like an escalation, never holding up the case.
const { notifyCase } = proxyActivities<Activities>({
  startToCloseTimeout: '3 minutes',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** Rejects an update before anything changes; the API turns this into a 409 with the reason. */
export function reject(reason: string): never {
  throw ApplicationFailure.create({ type: 'StepRejected', message: reason, nonRetryable: true });
}

/** How a case deadline is planned, besides its step. */
export interface DeadlineOptions {
  service?: string;
  subjectId?: string;
  province?: string;
  from?: string;
  /** Screening only: the report (or concern) is urgent. */
  urgent?: boolean;
}

/** A signal to a referral workflow that has already ended: nothing to do there (false). */
export function referralEnded(err: unknown): false {
  if (err instanceof TemporalFailure) return false;
  throw err;
}

const ENDED: readonly ReferralSummary['status'][] = ['declined', 'completed', 'cancelled'];

/**
 * What every step of the circuit shares: the case's state, its deadlines, the audit trail, notices,
 * the view, and the checks a validator makes. One per run; the step modules register on it.
 */
export class CaseContext {
  /** Loaded (or carried over) before any step handler runs: `loaded` turns true after. */
  state!: CaseState;
  loaded = false;
  readonly deadlines = new DeadlineKeeper<DeadlineStep, DeadlineOptions>({
    book: () => this.state,
    plan: (step, options) => openDeadline(this.request(step, options ?? {})),
    replanRequest: (deadline, step, options) =>
      this.request(step, {
        from: deadline.openedAt,
        province: deadline.province,
        ...options,
        ...(deadline.subjectId ? { subjectId: deadline.subjectId } : {}),
      }),
    onEscalated: (record) => {
      const outcome = {
        notified: record.notified,
        delivery: record.delivery ?? (record.notified ? 'sent' : 'failed'),
        fellThrough: record.fellThrough ?? [],
      } as const;
      this.noteIssues(issuesOf(record.step, record.level, [record.role], outcome, record.firedAt));
    },
    operatorView: ({ level }) => {
      const s = this.state;
      return {
        key: [s.step, s.risk, s.province],
        attributes: [
          { key: CaseStepKey, value: s.step },
          { key: RiskLevelKey, value: s.risk ?? 'UNSCREENED' },
          { key: ProvinceKey, value: s.province },
        ],
        memo: `${s.reference}: ${s.step}, risk ${s.risk ?? 'not screened'}, ${s.deadlines.length} open deadline(s)${level >= 0 ? `, escalated to level ${level}` : ''}`,
      };
    },
  });

  /** Referrals started by this run: a closed case ends only once they have (their cancellation recorded). */
  readonly referralsOfThisRun: ChildWorkflowHandle<typeof referralWorkflow>[] = [];

  /** A human step's update, held until the case is loaded (then validated). */
  readonly onStep: typeof onUpdate = (definition, handler, options) =>
    onUpdate(definition, handler, options, () => this.loaded);
  /** A signal, handled once the case is loaded. */
  onSignal<A>(signal: SignalDefinition<[A]>, handler: (arg: A) => Promise<void>): void {
    setHandler(signal, async (arg: A) => {
      await condition(() => this.loaded);
      await handler(arg);
    });
  }

  now(): string {
    return new Date().toISOString();
  }

  // --- deadlines -------------------------------------------------------------------------------
  has(step: DeadlineStep, subjectId?: string): OpenDeadline | undefined {
    return this.deadlines.find(step, subjectId);
  }
  open(step: DeadlineStep, options: DeadlineOptions = {}): Promise<OpenDeadline> {
    return this.deadlines.openDeadline(step, options);
  }
  close(deadline: OpenDeadline | undefined, outcome: CloseOutcome = 'done'): Promise<void> {
    return this.deadlines.close(deadline, outcome);
  }
  private request(step: DeadlineStep, extra: DeadlineOptions) {
    // The approved plan may ask for reviews more often than the protocol's interval for the risk.
    const every = step === 'review' ? this.state.reviewEveryDays : null;
    return {
      caseId: this.state.caseId,
      step,
      province: extra.province ?? this.state.province,
      protocolVersion: this.state.facts.version,
      risk: this.state.risk,
      urgent: extra.urgent ?? false,
      from: extra.from ?? this.now(),
      ...(extra.service ? { service: extra.service } : {}),
      ...(extra.subjectId ? { subjectId: extra.subjectId } : {}),
      ...(every ? { atMost: { days: every } } : {}),
    };
  }

  // --- risk --------------------------------------------------------------------------------------
  riskRank(risk: RiskLevel | null): number {
    return risk ? this.state.facts.riskOrder.indexOf(risk) : -1;
  }
  /** Referrals still running (not declined, completed or cancelled). */
  activeReferrals(): ReferralSummary[] {
    return this.state.referrals.filter((r) => !ENDED.includes(r.status));
  }
  /** Tells every running referral of a change (one that has just ended has nothing to do). */
  async tellReferrals<A>(signal: SignalDefinition<[A]>, arg: A): Promise<void> {
    for (const r of this.activeReferrals()) {
      await getExternalWorkflowHandle(referralWorkflowId(r.referralId))
        .signal(signal, arg)
        .catch(referralEnded);
    }
  }
  /**
   * A change of risk: every open deadline whose span follows the risk is planned again from its own
   * clock, here and in the running referrals (protocol.md §3 step 7).
   */
  async replanForRisk(actorId: string): Promise<void> {
    const { riskDependentSteps } = this.state.facts;
    await this.deadlines.replanAll('riskChanged', actorId, (d) =>
      riskDependentSteps.some((s) => s === d.step),
    );
    const risk = this.state.risk ?? 'LOW';
    await this.tellReferrals(referralRiskSignal, { risk, riskDependentSteps, actorId });
  }

  // --- audit trail, notices, operator view -------------------------------------------------------
  record(action: string, actorId: string, details: Record<string, unknown> = {}, changes: CaseChange[] = []) {
    const s = this.state;
    // Inside a human step's update: the activity confirms the rows the API wrote for it.
    const updateId = currentUpdateInfo()?.id;
    return recordCaseAction({
      caseId: s.caseId,
      action,
      actorId,
      step: s.step,
      risk: s.risk,
      province: s.province,
      assigneeId: s.assigneeId,
      details,
      ...(updateId ? { updateId } : {}),
      ...(changes.length ? { changes } : {}),
    });
  }
  /** Mail problems stay in the case view after the step is done (the audit trail has them all). */
  noteIssues(issues: NotificationIssue[]): void {
    if (issues.length) this.state.notificationIssues = withIssues(this.state.notificationIssues, issues);
  }
  /** Tells the people an event concerns, once (outbox); a failure is shown on the case. */
  async notice(about: CaseNotice, roles: NotificationIssue['roles']): Promise<void> {
    const outcome = await notifyCase(about).catch((err: unknown): NotificationOutcome => {
      if (!(err instanceof ActivityFailure)) throw err;
      return { notified: false, delivery: 'failed', fellThrough: [] };
    });
    this.noteIssues(issuesOf(about.kind, null, roles, outcome, this.now()));
  }
  publish(): void {
    this.deadlines.publish();
  }
  view(): CaseView {
    const s = this.state;
    return {
      caseId: s.caseId,
      reference: s.reference,
      province: s.province,
      assigneeId: s.assigneeId,
      step: s.step,
      risk: s.risk,
      protocolVersion: s.facts.version,
      openDeadlines: s.deadlines.map((d) => ({
        step: d.step,
        dueAt: d.dueAt,
        overdue: Date.parse(d.dueAt) <= Date.now(),
        escalationLevel: Math.max(-1, ...d.fired),
        ...(d.subjectId ? { subjectId: d.subjectId } : {}),
      })),
      openEscalations: s.escalations,
      referrals: s.referrals,
      transferTo: s.transfer?.toProvince ?? null,
      closureReason: s.closureReason,
      closureWithdrawn: s.closureWithdrawn ?? null,
      stepsOnTime: s.stepsOnTime,
      stepsLate: s.stepsLate,
      notificationIssues: s.notificationIssues ?? [],
    };
  }

  // --- validation ----------------------------------------------------------------------------------
  requireStep(...steps: CaseStep[]): void {
    if (!steps.includes(this.state.step)) {
      reject(
        `the case is at step '${this.state.step}'; this action needs step ${steps.map((s) => `'${s}'`).join(' or ')}`,
      );
    }
  }
  requireOpen(): void {
    if (this.state.step === 'closed') reject('the case is closed');
  }
}
