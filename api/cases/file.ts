/**
 * The whole case file (issue 14): everything written through the API about a case, read back from
 * PostgreSQL. What each reader sees follows protocol.md §2 and §7: the child's identity and the
 * reporter for identity readers; narratives, notes, assessment sections, objectives and return
 * reasons for content readers (`case.readContent`); codes and dates for everyone else who may
 * read the case (operations, the provincial committee).
 */
import type { PrismaClient } from '../../lib/db';
import type { z } from '../openapi/zod';
import { byReferralStep, isOverdue, plannedRungs, readCaseView, type Db } from './read-model';
import type * as s from './schemas';

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

export interface FileAccess {
  identity: boolean;
  content: boolean;
}

type CaseFile = z.infer<typeof s.CaseDetails>;

/** Only for content readers: the value, else nothing at all (the field is absent). */
const content = <K extends string, V>(allowed: boolean, key: K, value: V): Partial<Record<K, V>> =>
  (allowed ? { [key]: value } : {}) as Partial<Record<K, V>>;

export async function readCaseFile(
  prisma: PrismaClient,
  caseId: string,
  access: FileAccess,
  now = new Date(),
): Promise<CaseFile | null> {
  const view = await readCaseView(prisma, caseId, now);
  if (!view) return null;
  const row = await prisma.case.findUniqueOrThrow({
    where: { id: caseId },
    include: {
      child: access.identity,
      assignee: { select: { id: true, displayName: true, role: true, active: true } },
      reports: { orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }] },
      screenings: { orderBy: [{ screenedAt: 'asc' }, { id: 'asc' }] },
      emergencyMeasures: { orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }] },
      judicialNotifications: { orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }] },
      assessments: { orderBy: [{ assessedAt: 'asc' }, { id: 'asc' }] },
      plans: {
        orderBy: { version: 'asc' },
        include: { items: { orderBy: { id: 'asc' }, include: { referrals: { select: { id: true } } } } },
      },
      referrals: { orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }] },
      reviews: { orderBy: [{ reviewedAt: 'asc' }, { id: 'asc' }] },
      transfers: { orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }] },
      closures: {
        orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }],
        include: { decisions: { orderBy: [{ decidedAt: 'asc' }, { id: 'asc' }] } },
      },
      checkBacks: { orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }] },
    },
  });
  // Every deadline of every referral (acknowledgement, service start, re-referral after a decline).
  const referralSteps = (
    await prisma.stepRecord.findMany({
      where: { caseId, subjectId: { in: row.referrals.map((r) => r.id) } },
      orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
      include: { escalations: { select: { level: true } } },
    })
  ).sort(byReferralStep);
  const c = access.content;
  return {
    ...view,
    status: row.status,
    unitId: row.unitId,
    urgent: row.urgent,
    categories: row.categories,
    openedAt: row.openedAt.toISOString(),
    closedAt: iso(row.closedAt),
    assignee: row.assignee
      ? {
          staffId: row.assignee.id,
          displayName: row.assignee.displayName,
          role: row.assignee.role,
          active: row.assignee.active,
        }
      : null,
    reports: row.reports.map((r) => ({
      reportId: r.id,
      channel: r.channel,
      receivedAt: r.receivedAt.toISOString(),
      urgent: r.urgent,
      anonymous: r.anonymous,
      categories: r.categories,
      ...(access.identity
        ? { reporterName: r.reporterName, reporterContact: r.reporterContact, narrative: r.narrative }
        : {}),
    })),
    screenings: row.screenings.map((x) => ({
      screeningId: x.id,
      risk: x.risk,
      immediateNeeds: x.immediateNeeds,
      injury: x.injury,
      categories: x.categories,
      screenedAt: x.screenedAt.toISOString(),
      screenedById: x.screenedById,
      ...content(c, 'notes', x.notes),
    })),
    emergencyMeasures: row.emergencyMeasures.map((x) => ({
      emergencyId: x.id,
      measures: x.measures,
      recordedAt: x.recordedAt.toISOString(),
      recordedById: x.recordedById,
      ...content(c, 'notes', x.notes),
    })),
    judicialNotifications: row.judicialNotifications.map((x) => ({
      judicialNotificationId: x.id,
      status: x.status as 'sent' | 'acknowledged',
      recordedAt: x.recordedAt.toISOString(),
      recordedById: x.recordedById,
      ...content(c, 'notes', x.notes),
    })),
    assessments: row.assessments.map((x) => ({
      assessmentId: x.id,
      riskAfter: x.riskAfter,
      assessedAt: x.assessedAt.toISOString(),
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
    plans: row.plans.map((p) => ({
      planId: p.id,
      version: p.version,
      status: p.status,
      reviewFrequencyDays: p.reviewFrequencyDays,
      submittedAt: iso(p.submittedAt),
      decidedAt: iso(p.decidedAt),
      decidedById: p.decidedById,
      ...content(c, 'returnReason', p.returnReason),
      items: p.items.map((i) => ({
        planItemId: i.id,
        serviceType: i.serviceType,
        partnerId: i.partnerId,
        referralIds: i.referrals.map((r) => r.id),
        ...content(c, 'objective', i.objective),
      })),
    })),
    referrals: row.referrals.map((r) => ({
      referralId: r.id,
      serviceType: r.serviceType,
      partnerId: r.partnerId,
      status: r.status,
      ...(r.declineReason ? { declineReason: r.declineReason } : {}),
      planItemId: r.planItemId,
      requestedAt: r.requestedAt.toISOString(),
      acknowledgedAt: iso(r.acknowledgedAt),
      declinedAt: iso(r.declinedAt),
      startedAt: iso(r.startedAt),
      outcome: r.outcome,
      outcomeAt: iso(r.outcomeAt),
      deadlines: referralSteps
        .filter((d) => d.subjectId === r.id)
        .map((d) => ({
          stepRecordId: d.id,
          step: d.step,
          openedAt: d.openedAt.toISOString(),
          dueAt: d.dueAt.toISOString(),
          completedAt: iso(d.completedAt),
          outcome: d.outcome,
          overdue: isOverdue(d, d.escalations.length, now),
          escalationLevel: Math.max(-1, ...d.escalations.map((e) => e.level)),
        })),
    })),
    reviews: row.reviews.map((x) => ({
      reviewId: x.id,
      reviewedAt: x.reviewedAt.toISOString(),
      reviewedById: x.reviewedById,
      riskBefore: x.riskBefore,
      riskAfter: x.riskAfter,
      decision: x.decision as 'continue' | 'reassess' | 'revisePlan',
      ...content(c, 'notes', x.notes),
    })),
    transfers: row.transfers.map((t) => ({
      transferId: t.id,
      fromProvince: t.fromProvinceCode,
      toProvince: t.toProvinceCode,
      status: t.status,
      requestedAt: t.requestedAt.toISOString(),
      requestedById: t.requestedById,
      decidedAt: iso(t.decidedAt),
      decidedById: t.decidedById,
    })),
    closures: row.closures.map((x) => ({
      closureId: x.id,
      reason: x.reason,
      status: x.status,
      requestedAt: x.requestedAt.toISOString(),
      requestedById: x.requestedById,
      statusAt: iso(x.statusAt),
      ...content(c, 'notes', x.notes),
      decisions: x.decisions.map((d) => ({
        decision: d.decision as 'approve' | 'return',
        decidedAt: d.decidedAt.toISOString(),
        decidedById: d.decidedById,
        ...content(c, 'reason', d.reason),
      })),
    })),
    checkBacks: row.checkBacks.map((x) => ({
      checkBackId: x.id,
      outcome: x.outcome as 'stable' | 'concern',
      recordedAt: x.recordedAt.toISOString(),
      recordedById: x.recordedById,
      ...content(c, 'notes', x.notes),
    })),
  };
}

/**
 * The timeline of a case (codes and dates only, for every reader of the case): each step opened,
 * due, done or cancelled and how late; each rung planned, fired, resolved or withdrawn; each
 * message's delivery.
 */
export async function readTimeline(
  db: Db,
  caseId: string,
  now = new Date(),
): Promise<z.infer<typeof s.CaseTimeline>> {
  const [steps, mails] = await Promise.all([
    db.stepRecord.findMany({
      where: { caseId },
      orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
      include: {
        escalations: {
          orderBy: { level: 'asc' },
          include: {
            messages: { orderBy: { id: 'asc' } },
            notification: true,
          },
        },
      },
    }),
    db.notification.findMany({
      where: { caseId, escalationId: null },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    }),
  ]);
  type Mail = (typeof mails)[number];
  const mail = (m: Mail) => ({
    notificationId: m.id,
    kind: m.kind,
    recipientStaffId: m.recipientStaffId,
    language: m.language,
    status: m.status,
    attempts: m.attempts,
    createdAt: m.createdAt.toISOString(),
    sentAt: iso(m.sentAt),
    failedAt: iso(m.failedAt),
  });
  return {
    caseId,
    steps: steps.map((d) => {
      const closed = d.completedAt;
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
        openedAt: d.openedAt.toISOString(),
        dueAt: d.dueAt.toISOString(),
        completedAt: iso(closed),
        outcome: d.outcome,
        overdue: isOverdue(d, d.escalations.length, now),
        lateByMs: d.lateByMs === null ? null : Number(d.lateByMs),
        lateWorkingDays: d.lateWorkingDays,
        rungs: levels.map((level) => {
          const plan = planned.find((r) => r.level === level);
          const fired = d.escalations.find((e) => e.level === level);
          const messages = fired ? [...fired.messages] : [];
          if (fired?.notification && !messages.some((m) => m.id === fired.notification?.id)) {
            messages.unshift(fired.notification);
          }
          const status = fired
            ? fired.resolvedAt
              ? d.outcome === 'done'
                ? 'resolved'
                : 'withdrawn'
              : 'fired'
            : closed
              ? 'notReached'
              : 'planned';
          return {
            level,
            role: plan?.role ?? fired?.role ?? 'handler',
            plannedAt: plan?.at ?? fired?.firedAt.toISOString() ?? null,
            status: status as 'planned' | 'fired' | 'resolved' | 'withdrawn' | 'notReached',
            escalationId: fired?.id ?? null,
            firedAt: iso(fired?.firedAt),
            resolvedAt: iso(fired?.resolvedAt),
            recipientStaffId: fired?.recipientStaffId ?? null,
            mails: messages.map(mail),
          };
        }),
      };
    }),
    mails: mails.map(mail),
  };
}
