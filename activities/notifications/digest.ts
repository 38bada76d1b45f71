/**
 * The supervisors' daily digest: every overdue step of their unit in one message, at most one
 * message per (supervisor, local date) — the outbox row's Message-ID is built from both, so a
 * re-run of the schedule, a retry or a manual trigger never sends a second one.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import {
  isWorkingDay,
  loadCalendar,
  loadProtocol,
  localDateOf,
  MissingCalendarYearError,
} from '../../protocol';
import type { DeadlineStep } from '../../workflows/deadlines/types';
import type {
  DigestPlan,
  DigestRequest,
  DigestResult,
  PlanDigestsRequest,
} from '../../workflows/notifications/types';
import type { ActivityDeps } from '../context';
import { latenessFor, messageIdDomain } from './activities';
import { deskCaseUrl } from './links';
import { outbox } from './outbox';
import { languageOf, renderDigest, type DigestItem } from './templates';

const DEFAULT_GIVE_UP_AFTER_MS = 3_600_000;

export function digestActivities({ prisma, mailer, config }: ActivityDeps) {
  const box = outbox(prisma, mailer);
  const domain = messageIdDomain(config.MAIL_FROM);

  return {
    /** The local date of the run and whether it is a working day (protocol calendar), and who gets a digest. */
    async planSupervisorDigests({ at }: PlanDigestsRequest): Promise<DigestPlan> {
      const protocol = loadProtocol({});
      const date = localDateOf(new Date(at), protocol.timezone);
      let workingDay: boolean;
      try {
        workingDay = isWorkingDay(date, loadCalendar());
      } catch (err) {
        // Retrying cannot help until someone adds the year's calendar: fail this run visibly.
        if (err instanceof MissingCalendarYearError) {
          throw ApplicationFailure.nonRetryable(err.message, 'MissingCalendarYear');
        }
        throw err;
      }
      if (!workingDay) return { date, workingDay: false, supervisorIds: [] };
      const supervisors = await prisma.staff.findMany({
        where: { role: 'supervisor', active: true, unitId: { not: null } },
        select: { id: true },
        orderBy: { id: 'asc' },
      });
      return { date, workingDay: true, supervisorIds: supervisors.map((s) => s.id) };
    },

    /** One supervisor's digest for one date: written once to the outbox, then delivered exactly once. */
    async sendSupervisorDigest({ supervisorId, date, at }: DigestRequest): Promise<DigestResult> {
      const messageId = `<digest.${supervisorId}.${date}@${domain}>`;
      let row = await prisma.notification.findUnique({
        where: { messageId },
        select: { id: true, subject: true },
      });
      let overdue: number | null = null;
      if (!row) {
        const supervisor = await prisma.staff.findUnique({
          where: { id: supervisorId },
          include: { unit: { select: { name: true } } },
        });
        if (!supervisor?.active || !supervisor.unitId)
          return { supervisorId, status: 'inactive', overdue: 0 };
        const now = new Date(at);
        const records = await prisma.stepRecord.findMany({
          where: { completedAt: null, dueAt: { lt: now }, case: { unitId: supervisor.unitId } },
          select: {
            step: true,
            dueAt: true,
            case: { select: { id: true, reference: true, protocolVersion: true, provinceCode: true } },
            escalations: { select: { level: true } },
          },
          orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
        });
        if (records.length === 0) return { supervisorId, status: 'nothingOverdue', overdue: 0 };
        const items: DigestItem[] = records.map((r) => ({
          reference: r.case.reference,
          step: r.step as DeadlineStep,
          dueAt: r.dueAt,
          late: latenessFor(
            r.case.protocolVersion,
            r.case.provinceCode,
            r.step as DeadlineStep,
            r.dueAt,
            now,
          ),
          level: r.escalations.length ? Math.max(...r.escalations.map((e) => e.level)) : null,
          caseUrl: deskCaseUrl(config.PUBLIC_URL, r.case.id),
        }));
        const language = languageOf(supervisor.language);
        const rendered = renderDigest(language, {
          unit: supervisor.unit?.name ?? supervisor.unitId,
          date,
          items,
        });
        await prisma.notification.createMany({
          data: [
            {
              id: randomUUID(),
              caseId: null,
              kind: 'digest',
              recipientStaffId: supervisor.id,
              recipientEmail: supervisor.email,
              language,
              subject: rendered.subject,
              bodyText: rendered.text,
              bodyHtml: rendered.html,
              messageId,
              status: 'pending',
            },
          ],
          skipDuplicates: true,
        });
        row = await prisma.notification.findUniqueOrThrow({
          where: { messageId },
          select: { id: true, subject: true },
        });
        overdue = items.length;
      }
      const info = Context.current().info;
      const status = await box.deliver(row.id, {
        from: config.MAIL_FROM,
        elapsedMs: Math.max(0, info.currentAttemptScheduledTimestampMs - info.scheduledTimestampMs),
        giveUpAfterMs: config.NOTIFICATION_GIVE_UP_AFTER_MS ?? DEFAULT_GIVE_UP_AFTER_MS,
      });
      return { supervisorId, status, overdue };
    },
  };
}
