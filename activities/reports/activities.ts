/**
 * The monthly committee report: for each province, the statistics of the month, rendered in each
 * recipient's language with its charts, written to the outbox once per (province, month,
 * recipient) — the Message-ID is built from the three — and delivered exactly once. Running a
 * month again finds the rows and sends nothing new; the figures are the same anyway, since a past
 * period's statistics do not change (definitions.ts).
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Prisma } from '../../generated/prisma/client';
import { loadProtocol } from '../../protocol';
import type {
  MonthlyReportPlan,
  PlanMonthlyReportsRequest,
  ProvincialReportRequest,
  ProvincialReportResult,
} from '../../workflows/reports/types';
import type { ActivityDeps } from '../context';
import { messageIdDomain } from '../notifications/activities';
import { outbox, type DeliveryStatus } from '../notifications/outbox';
import { recipientResolver } from '../notifications/recipients';
import { languageOf, type Language } from '../notifications/templates';
import type { ProvincialStatistics } from './definitions';
import { monthPeriod, PeriodError, previousMonth } from './period';
import { renderMonthlyReport, type RenderedReport } from './render';
import { provincialStatistics } from './statistics';

const DEFAULT_GIVE_UP_AFTER_MS = 3_600_000;
export const REPORT_KIND = 'provincialReport';

export function reportActivities({ prisma, mailer, config }: ActivityDeps) {
  const box = outbox(prisma, mailer);
  const domain = messageIdDomain(config.MAIL_FROM);

  return {
    /** Which month (the previous one by default, in the protocol's zone) and which provinces. */
    async planMonthlyReports({ at, month }: PlanMonthlyReportsRequest): Promise<MonthlyReportPlan> {
      const timeZone = loadProtocol({}).timezone;
      const reported = month ?? previousMonth(new Date(at), timeZone);
      try {
        monthPeriod(reported, timeZone);
      } catch (err) {
        // A bad month given by hand: retrying cannot help.
        if (err instanceof PeriodError)
          throw ApplicationFailure.nonRetryable(`month: ${err.message}`, 'InvalidMonth');
        throw err;
      }
      // The provinces in service: those with someone at work. The reference list holds every
      // province of the country; one not yet served by anyone has no month to report, while one in
      // service without a committee is reported as such (noRecipient).
      const provinces = await prisma.province.findMany({
        where: { staff: { some: { active: true } } },
        select: { code: true },
        orderBy: { code: 'asc' },
      });
      return { month: reported, provinces: provinces.map((p) => p.code) };
    },

    /** One province's report to its committee secretariat: one outbox row (with charts) per person. */
    async sendProvincialReport({
      province,
      month,
    }: ProvincialReportRequest): Promise<ProvincialReportResult> {
      const resolution = await recipientResolver(prisma).forRung('committee', {
        province,
        caseUnitId: null,
        assigneeId: null,
      });
      if (resolution.recipients.length === 0) {
        const key = `provincialReport/${province}/${month}/noRecipient`;
        await prisma.auditEvent.upsert({
          where: { idempotencyKey: key },
          update: {},
          create: {
            idempotencyKey: key,
            actorType: 'system',
            action: 'report.noRecipient',
            entity: 'provincialReport',
            entityId: `${province}/${month}`,
            reason: `nobody holds the committee role in province ${province}: the ${month} report was not sent`,
            details: { province, month },
          },
        });
        return { province, month, status: 'noRecipient', recipients: 0, delivered: 0, failed: 0 };
      }

      const protocol = loadProtocol({ province });
      let statistics: ProvincialStatistics | undefined;
      const rendered = new Map<Language, RenderedReport>();
      const names = await prisma.province.findUniqueOrThrow({
        where: { code: province },
        select: { nameFr: true, nameAr: true },
      });
      const render = async (language: Language) => {
        let r = rendered.get(language);
        if (!r) {
          statistics ??= await provincialStatistics(prisma, province, monthPeriod(month, protocol.timezone));
          const name = language === 'ar' ? names.nameAr : names.nameFr;
          r = renderMonthlyReport(language, { statistics, provinceName: `${name} (${province})`, month });
          rendered.set(language, r);
        }
        return r;
      };

      const ids: string[] = [];
      for (const recipient of resolution.recipients) {
        const messageId = `<provincial-report.${province}.${month}.${recipient.id}@${domain}>`;
        let row = await prisma.notification.findUnique({ where: { messageId }, select: { id: true } });
        if (!row) {
          const language = languageOf(recipient.language);
          const r = await render(language);
          const id = randomUUID();
          const data: Prisma.NotificationCreateManyInput = {
            id,
            caseId: null,
            kind: REPORT_KIND,
            recipientStaffId: recipient.id,
            recipientEmail: recipient.email,
            language,
            subject: r.subject,
            bodyText: r.text,
            bodyHtml: r.html,
            messageId,
            status: 'pending',
          };
          // The row and its charts together, or neither: a concurrent attempt that wrote the row
          // first wins and this one writes nothing.
          await prisma.$transaction(async (tx) => {
            const { count } = await tx.notification.createMany({ data: [data], skipDuplicates: true });
            if (count === 0) return;
            await tx.notificationAttachment.createMany({
              data: r.attachments.map((a) => ({
                id: randomUUID(),
                notificationId: id,
                contentId: a.contentId,
                filename: a.filename,
                contentType: a.contentType,
                content: new Uint8Array(a.content),
              })),
            });
          });
          row = await prisma.notification.findUniqueOrThrow({ where: { messageId }, select: { id: true } });
        }
        ids.push(row.id);
      }

      const info = Context.current().info;
      const options = {
        from: config.MAIL_FROM,
        elapsedMs: Math.max(0, info.currentAttemptScheduledTimestampMs - info.scheduledTimestampMs),
        giveUpAfterMs: config.NOTIFICATION_GIVE_UP_AFTER_MS ?? DEFAULT_GIVE_UP_AFTER_MS,
      };
      // Everyone gets their turn; a retryable failure is rethrown afterwards for Temporal to retry.
      const statuses: DeliveryStatus[] = [];
      let failure: unknown;
      for (const id of ids) {
        try {
          statuses.push(await box.deliver(id, options));
        } catch (err) {
          failure ??= err;
        }
      }
      if (failure) throw failure;
      const failed = statuses.filter((s) => s === 'failed').length;
      return {
        province,
        month,
        status: failed === 0 ? 'delivered' : failed === statuses.length ? 'failed' : 'partlyFailed',
        recipients: ids.length,
        delivered: statuses.length - failed,
        failed,
      };
    },
  };
}
