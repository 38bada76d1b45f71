/**
 * The whole case file (issue 14): everything written through the API about a case, read back from
 * PostgreSQL in one statement (case-data.ts). What each reader sees follows protocol.md §2 and §7:
 * the child's identity and the reporter for identity readers; narratives, notes, assessment
 * sections, objectives and return reasons for content readers (`case.readContent`); codes and
 * dates for everyone else who may read the case (operations, the provincial committee).
 */
import type { z } from '../openapi/zod';
import { loadCaseData, type CaseData, type MailData } from './case-data';
import { byReferralStep, caseViewOf, isOverdue, plannedRungs, type Db } from './read-model';
import type * as s from './schemas';

export interface FileAccess {
  identity: boolean;
  content: boolean;
}

type CaseFile = z.infer<typeof s.CaseDetails>;

/** Only for content readers: the value, else nothing at all (the field is absent). */
const content = <K extends string, V>(allowed: boolean, key: K, value: V): Partial<Record<K, V>> =>
  (allowed ? { [key]: value } : {}) as Partial<Record<K, V>>;

const overdue = (d: { dueAt: string; completedAt: string | null; escalations: unknown[] }, now: Date) =>
  isOverdue(
    { dueAt: new Date(d.dueAt), completedAt: d.completedAt ? new Date(d.completedAt) : null },
    d.escalations.length,
    now,
  );

/** The file as a reader may see it (the child is added by the route, which audits that read). */
export function caseFileOf(data: CaseData, access: FileAccess, now = new Date()): CaseFile {
  const c = access.content;
  const k = data.case;
  return {
    ...caseViewOf(data, now),
    status: k.status,
    unitId: k.unitId,
    urgent: k.urgent,
    categories: k.categories,
    openedAt: k.openedAt,
    closedAt: k.closedAt,
    assignee: data.assignee
      ? {
          staffId: data.assignee.id,
          displayName: data.assignee.displayName,
          role: data.assignee.role,
          active: data.assignee.active,
        }
      : null,
    reports: data.reports.map((r) => ({
      reportId: r.id,
      channel: r.channel,
      receivedAt: r.receivedAt,
      urgent: r.urgent,
      anonymous: r.anonymous,
      categories: r.categories,
      ...(access.identity
        ? { reporterName: r.reporterName, reporterContact: r.reporterContact, narrative: r.narrative }
        : {}),
    })),
    screenings: data.screenings.map((x) => ({
      screeningId: x.id,
      risk: x.risk,
      immediateNeeds: x.immediateNeeds,
      injury: x.injury,
      categories: x.categories,
      screenedAt: x.screenedAt,
      screenedById: x.screenedById,
      ...content(c, 'notes', x.notes),
    })),
    emergencyMeasures: data.emergencyMeasures.map((x) => ({
      emergencyId: x.id,
      measures: x.measures,
      recordedAt: x.recordedAt,
      recordedById: x.recordedById,
      ...content(c, 'notes', x.notes),
    })),
    judicialNotifications: data.judicialNotifications.map((x) => ({
      judicialNotificationId: x.id,
      status: x.status as 'sent' | 'acknowledged',
      recordedAt: x.recordedAt,
      recordedById: x.recordedById,
      ...content(c, 'notes', x.notes),
    })),
    assessments: data.assessments.map((x) => ({
      assessmentId: x.id,
      riskAfter: x.riskAfter,
      assessedAt: x.assessedAt,
      assessedById: x.assessedById,
      ...(c
        ? {
            social: x.social,
            health: x.health,
            psychological: x.psychological,
            educational: x.educational,
            legal: x.legal,
          }
        : {}),
    })),
    plans: data.plans.map((p) => ({
      planId: p.id,
      version: p.version,
      status: p.status,
      reviewFrequencyDays: p.reviewFrequencyDays,
      submittedAt: p.submittedAt,
      decidedAt: p.decidedAt,
      decidedById: p.decidedById,
      ...content(c, 'returnReason', p.returnReason),
      items: p.items.map((i) => ({
        planItemId: i.id,
        serviceType: i.serviceType,
        partnerId: i.partnerId,
        referralIds: i.referralIds,
        ...content(c, 'objective', i.objective),
      })),
    })),
    referrals: data.referrals.map((r) => ({
      referralId: r.id,
      serviceType: r.serviceType,
      partnerId: r.partnerId,
      status: r.status,
      ...(r.declineReason ? { declineReason: r.declineReason } : {}),
      planItemId: r.planItemId,
      requestedAt: r.requestedAt,
      acknowledgedAt: r.acknowledgedAt,
      declinedAt: r.declinedAt,
      startedAt: r.startedAt,
      outcome: r.outcome,
      outcomeAt: r.outcomeAt,
      // Every deadline of the referral (acknowledgement, service start, re-referral after a decline).
      deadlines: data.steps
        .filter((d) => d.subjectId === r.id)
        .sort(byReferralStep)
        .map((d) => ({
          stepRecordId: d.id,
          step: d.step,
          openedAt: d.openedAt,
          dueAt: d.dueAt,
          completedAt: d.completedAt,
          outcome: d.outcome,
          overdue: overdue(d, now),
          escalationLevel: Math.max(-1, ...d.escalations.map((e) => e.level)),
        })),
    })),
    reviews: data.reviews.map((x) => ({
      reviewId: x.id,
      reviewedAt: x.reviewedAt,
      reviewedById: x.reviewedById,
      riskBefore: x.riskBefore,
      riskAfter: x.riskAfter,
      decision: x.decision as 'continue' | 'reassess' | 'revisePlan',
      ...content(c, 'notes', x.notes),
    })),
    transfers: data.transfers.map((t) => ({
      transferId: t.id,
      fromProvince: t.fromProvinceCode,
      toProvince: t.toProvinceCode,
      status: t.status,
      requestedAt: t.requestedAt,
      requestedById: t.requestedById,
      decidedAt: t.decidedAt,
      decidedById: t.decidedById,
    })),
    closures: data.closures.map((x) => ({
      closureId: x.id,
      reason: x.reason,
      status: x.status,
      requestedAt: x.requestedAt,
      requestedById: x.requestedById,
      statusAt: x.statusAt,
      fromStep: x.fromStep,
      withdrawnByReportId: x.withdrawnByReportId,
      ...content(c, 'notes', x.notes),
      decisions: x.decisions.map((d) => ({
        decision: d.decision as 'approve' | 'return',
        decidedAt: d.decidedAt,
        decidedById: d.decidedById,
        ...content(c, 'reason', d.reason),
      })),
    })),
    checkBacks: data.checkBacks.map((x) => ({
      checkBackId: x.id,
      outcome: x.outcome as 'stable' | 'concern',
      recordedAt: x.recordedAt,
      recordedById: x.recordedById,
      ...content(c, 'notes', x.notes),
    })),
  };
}

const mail = (m: MailData) => ({
  notificationId: m.notificationId,
  kind: m.kind,
  recipientStaffId: m.recipientStaffId,
  language: m.language,
  status: m.status,
  attempts: m.attempts,
  createdAt: m.createdAt,
  sentAt: m.sentAt,
  failedAt: m.failedAt,
});

/**
 * The timeline of a case (codes and dates only, for every reader of the case): each step opened,
 * due, done or cancelled and how late; each rung planned, fired, resolved or withdrawn; each
 * message's delivery.
 */
export function timelineOf(data: CaseData, now = new Date()): z.infer<typeof s.CaseTimeline> {
  return {
    caseId: data.case.id,
    steps: data.steps.map((d) => {
      const planned = plannedRungs(d.ladder);
      // Rungs fired but missing from the plan (rows older than the kept ladder) are still shown.
      const levels = [
        ...new Set([...planned.map((r) => r.level), ...d.escalations.map((e) => e.level)]),
      ].sort((a, b) => a - b);
      return {
        stepRecordId: d.id,
        step: d.step,
        subjectId: d.subjectId,
        province: d.provinceCode,
        openedAt: d.openedAt,
        dueAt: d.dueAt,
        completedAt: d.completedAt,
        outcome: d.outcome,
        overdue: overdue(d, now),
        lateByMs: d.lateByMs,
        lateWorkingDays: d.lateWorkingDays,
        rungs: levels.map((level) => {
          const plan = planned.find((r) => r.level === level);
          const fired = d.escalations.find((e) => e.level === level);
          const status = fired
            ? fired.resolvedAt
              ? d.outcome === 'done'
                ? 'resolved'
                : 'withdrawn'
              : 'fired'
            : d.completedAt
              ? 'notReached'
              : 'planned';
          return {
            level,
            role: plan?.role ?? fired?.role ?? 'handler',
            plannedAt: plan?.at ?? fired?.firedAt ?? null,
            status: status as 'planned' | 'fired' | 'resolved' | 'withdrawn' | 'notReached',
            escalationId: fired?.id ?? null,
            firedAt: fired?.firedAt ?? null,
            resolvedAt: fired?.resolvedAt ?? null,
            recipientStaffId: fired?.recipientStaffId ?? null,
            mails: (fired?.messages ?? []).map(mail),
          };
        }),
      };
    }),
    mails: data.mails.map(mail),
  };
}

export async function readTimeline(db: Db, caseId: string, now = new Date()) {
  const data = await loadCaseData(db, caseId, false);
  return data ? timelineOf(data, now) : null;
}
