/**
 * The case as PostgreSQL holds it: the read model the workflows' activities keep in the same
 * transactions as their step records and audit events. `GET /cases/{id}` and every other read
 * path answer from here, never from a workflow, so a case whose workflow history is gone (closed
 * and past Temporal's retention) is still read in full. The shape is the workflow's own view
 * (`caseViewQuery`), which stays for operators and for the test that compares the two.
 */
import type { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../../lib/db';
import { loadCaseData, type CaseData } from './case-data';
import type { CaseView as WorkflowCaseView, ReferralSummary } from '../../workflows/case/definitions';
import type { EscalationRecord, EscalationRole, WatchedStep } from '../../workflows/deadlines/types';
import {
  DELIVERY_ORDER,
  MAX_NOTIFICATION_ISSUES,
  type Delivery,
  type NotificationIssue,
} from '../../workflows/notifications/types';

/** The deadlines the case workflow itself watches (referral and pathway steps have their own). */
export const CASE_DEADLINE_STEPS = [
  'screening',
  'emergency',
  'judicialNotification',
  'assessment',
  'planDraft',
  'planApproval',
  'referralReassignment',
  'review',
  'closureApproval',
  'transferAcceptance',
  'closureCheckBack',
] as const;

const CASE_STEPS: readonly string[] = CASE_DEADLINE_STEPS;

export type Db = PrismaClient | Prisma.TransactionClient;

/** A rung as planned on a step record (`ladder`), tolerant of rows written before it was kept. */
export interface PlannedRung {
  level: number;
  role: EscalationRole;
  at: string;
}
export function plannedRungs(ladder: unknown): PlannedRung[] {
  if (!Array.isArray(ladder)) return [];
  return ladder.flatMap((r) => {
    const rung = r as Partial<PlannedRung> | null;
    return rung &&
      typeof rung.level === 'number' &&
      typeof rung.at === 'string' &&
      typeof rung.role === 'string'
      ? [{ level: rung.level, role: rung.role, at: rung.at }]
      : [];
  });
}

/** The worst of a rung's deliveries, as the workflow reports it (DELIVERY_ORDER); none: noRecipient. */
export function deliveryOf(statuses: string[]): Delivery | 'pending' {
  if (statuses.length === 0) return 'noRecipient';
  const worst = DELIVERY_ORDER.find((d) => statuses.includes(d));
  if (worst && worst !== 'sent') return worst;
  return statuses.includes('pending') ? 'pending' : 'sent';
}

interface FellThroughDetails {
  about?: string;
  step?: string;
  level?: number;
  fellThrough?: EscalationRole[];
}

/**
 * Mail a person should know about, from the outbox and the audit trail: rungs nobody could be
 * found for, messages that failed or were sent without confirmation, roles found empty on the way.
 * The same list the case workflow keeps in its view (`notificationIssues`), the newest 50.
 */
export function notificationIssues(data: CaseData): NotificationIssue[] {
  const escalations = data.steps.flatMap((s) => s.escalations.map((e) => ({ ...e, step: s.step })));
  const byEscalation = new Map(escalations.map((e) => [e.id, e]));
  const issues: NotificationIssue[] = [];
  for (const event of data.mailEvents) {
    const d = (event.details ?? {}) as FellThroughDetails;
    const roles = d.fellThrough ?? [];
    if (event.entity === 'escalation') {
      const e = event.entityId ? byEscalation.get(event.entityId) : undefined;
      if (!e) continue;
      const problem = event.action === 'escalation.noRecipient' ? 'noRecipient' : 'recipientMissing';
      issues.push({ about: e.step as WatchedStep, level: e.level, problem, roles, at: e.firedAt });
    } else if (d.about === 'caseOpened') {
      const problem = event.action === 'notification.noRecipient' ? 'noRecipient' : 'recipientMissing';
      issues.push({ about: 'caseOpened', level: null, problem, roles, at: event.at });
    }
  }
  for (const e of escalations) {
    if (e.messages.length === 0) continue; // noRecipient: reported from its audit event above
    const delivery = deliveryOf(e.messages.map((m) => m.status));
    if (delivery === 'failed' || delivery === 'unconfirmed') {
      issues.push({
        about: e.step as WatchedStep,
        level: e.level,
        problem: delivery,
        roles: [e.role as EscalationRole],
        at: e.firedAt,
      });
    }
  }
  const opened = data.mails.filter((m) => m.kind === 'caseOpened');
  const openedDelivery = deliveryOf(opened.map((n) => n.status));
  if (opened[0] && (openedDelivery === 'failed' || openedDelivery === 'unconfirmed')) {
    issues.push({
      about: 'caseOpened',
      level: null,
      problem: openedDelivery,
      roles: ['supervisor', 'handler'],
      at: opened[0].createdAt,
    });
  }
  issues.sort((a, b) => a.at.localeCompare(b.at));
  return issues.slice(-MAX_NOTIFICATION_ISSUES);
}

export type ReadCaseView = WorkflowCaseView;

const time = (v: string) => Date.parse(v);

/**
 * The case's view from the read model: step, risk, assignee, open deadlines (with the highest
 * rung fired), open escalations, referrals, the pending transfer and closure, steps on time and
 * late — what the workflow's query answers, from PostgreSQL.
 */
export function caseViewOf(data: CaseData, now = new Date()): ReadCaseView {
  const k = data.case;
  const mine = data.steps.filter((d) => isCaseStep(d.step));
  const open = mine
    .filter((d) => d.completedAt === null)
    .sort((a, b) => time(a.dueAt) - time(b.dueAt) || a.id.localeCompare(b.id));
  const done = mine.filter((d) => d.outcome === 'done');
  const late = done.filter((d) => (d.lateByMs ?? 0) > 0).length;
  const pendingClosure = data.closures.filter((c) => c.status === 'pending').at(-1);
  const withdrawn = data.closures.filter((c) => c.status === 'withdrawn').at(-1);
  return {
    caseId: k.id,
    reference: k.reference,
    province: k.provinceCode,
    assigneeId: k.assigneeId,
    step: k.step as ReadCaseView['step'],
    risk: k.risk,
    protocolVersion: k.protocolVersion,
    openDeadlines: open.map((d) => ({
      step: d.step,
      dueAt: d.dueAt,
      overdue: isOverdue({ dueAt: new Date(d.dueAt) }, d.escalations.length, now),
      escalationLevel: Math.max(-1, ...d.escalations.map((e) => e.level)),
      ...(d.subjectId ? { subjectId: d.subjectId } : {}),
    })),
    openEscalations: open.flatMap((d) =>
      d.escalations.map((e): EscalationRecord => {
        const statuses = e.messages.map((m) => m.status);
        const delivery = deliveryOf(statuses);
        return {
          deadlineId: d.id,
          step: d.step as WatchedStep,
          level: e.level,
          role: e.role as EscalationRole,
          firedAt: e.firedAt,
          notified: statuses.some((st) => st !== 'failed'),
          ...(delivery === 'pending' ? {} : { delivery }),
        };
      }),
    ),
    referrals: data.referrals.map((r): ReferralSummary => ({
      referralId: r.id,
      serviceType: r.serviceType,
      partnerId: r.partnerId,
      status: r.status,
      ...(r.declineReason ? { declineReason: r.declineReason } : {}),
    })),
    transferTo: data.transfers.find((t) => t.status === 'pending')?.toProvinceCode ?? null,
    closureReason: pendingClosure?.reason ?? (k.closureReason || null),
    closureWithdrawn:
      withdrawn && withdrawn.withdrawnByReportId
        ? {
            reason: withdrawn.reason,
            reportId: withdrawn.withdrawnByReportId,
            at: withdrawn.statusAt ?? withdrawn.requestedAt,
          }
        : null,
    stepsOnTime: done.length - late,
    stepsLate: late,
    notificationIssues: notificationIssues(data),
  };
}

/** The case's view from the read model (one statement); null if there is no such case. */
export async function readCaseView(db: Db, caseId: string, now = new Date()): Promise<ReadCaseView | null> {
  const data = await loadCaseData(db, caseId, false);
  return data ? caseViewOf(data, now) : null;
}

/**
 * A referral's deadlines in the order of the protocol: acknowledgement, service start, re-referral
 * after a decline (the service-start clock counts from the referral being sent, so its opening
 * instant is earlier than the acknowledgement's own record).
 */
const REFERRAL_STEP_ORDER = ['referralAcknowledgement', 'serviceStart', 'referralReassignment'];
type Opened = { openedAt: Date | string; step: string };
export const byReferralStep = (a: Opened, b: Opened) =>
  REFERRAL_STEP_ORDER.indexOf(a.step) - REFERRAL_STEP_ORDER.indexOf(b.step) ||
  new Date(a.openedAt).getTime() - new Date(b.openedAt).getTime();

/**
 * A step is overdue once its deadline has passed — on this clock, or on the workflow's: a rung
 * fired on it proves it (every rung is at or after the deadline, offsets are never negative), so
 * a clock running behind the workers' never shows a late step as on time.
 */
export const isOverdue = (d: { dueAt: Date; completedAt?: Date | null }, rungsFired: number, now: Date) =>
  !d.completedAt && (d.dueAt.getTime() <= now.getTime() || rungsFired > 0);

/** Whether a step code is one of the case workflow's own (not a referral's or a pathway's). */
export const isCaseStep = (step: string): boolean => CASE_STEPS.includes(step);
