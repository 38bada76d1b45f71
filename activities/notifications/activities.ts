import { randomUUID } from 'node:crypto';
import type { NotifyEscalationRequest, NotifyEscalationResult } from '../../workflows/deadlines/types';
import type { ActivityDeps } from '../context';
import { renderEscalation, type Language } from './templates';

/** Order in which a rung falls through when nobody holds its role in the province. */
const FALLBACK: Record<string, string[]> = {
  handler: ['handler', 'supervisor', 'coordinator', 'committee'],
  supervisor: ['supervisor', 'coordinator', 'committee'],
  coordinator: ['coordinator', 'committee'],
  committee: ['committee'],
  partner: ['partner', 'coordinator', 'committee'],
  mediator: ['mediator', 'coordinator', 'committee'],
};

/** How long mail may stay unreachable before the notification is marked failed (default 1 hour). */
const giveUpAfterMs = () => Number(process.env.NOTIFICATION_GIVE_UP_AFTER_MS ?? 3_600_000);

export function notificationActivities({ prisma, mailer, config }: ActivityDeps) {
  /** The person doing the step answers for their role; anyone else by role in the province. */
  async function resolveRecipient(
    province: string,
    role: string,
    assignee: { role: string; staffId: string } | undefined,
  ) {
    for (const candidate of FALLBACK[role] ?? [role]) {
      if (assignee && candidate === assignee.role) {
        const found = await prisma.staff.findFirst({ where: { id: assignee.staffId, active: true } });
        if (found) return found;
      }
      const staff = await prisma.staff.findFirst({
        where: { provinceCode: province, role: candidate as never, active: true },
        orderBy: { id: 'asc' },
      });
      if (staff) return staff;
    }
    return null;
  }

  return {
    /**
     * One rung of an escalation ladder: records the escalation and its outbox message, then sends
     * it. Keyed by (deadline, level), so a retried activity — or a rung replayed after
     * continue-as-new — never writes or sends a second one.
     */
    async notifyEscalation({
      caseId,
      deadline,
      rung,
    }: NotifyEscalationRequest): Promise<NotifyEscalationResult> {
      const key = `escalation/${deadline.id}/${rung.level}`;
      const kase = await prisma.case.findUniqueOrThrow({
        where: { id: caseId },
        select: { reference: true, assigneeId: true },
      });
      const assignee =
        deadline.assignee ?? (kase.assigneeId ? { role: 'handler', staffId: kase.assigneeId } : undefined);
      const recipient = await resolveRecipient(deadline.province, rung.role, assignee);
      const previous =
        rung.level > 0
          ? await prisma.escalation.findFirst({
              where: { stepRecordId: deadline.id, level: { lt: rung.level } },
              orderBy: { level: 'desc' },
              include: { notification: true },
            })
          : null;
      const previousUnreachable =
        !!previous && (!previous.notification || previous.notification.status === 'failed');

      const { escalation, notification } = await prisma.$transaction(async (tx) => {
        const existing = await tx.escalation.findUnique({
          where: { idempotencyKey: key },
          include: { notification: true },
        });
        if (existing) return { escalation: existing, notification: existing.notification };
        const language = (recipient?.language ?? 'fr') as Language;
        const rendered = renderEscalation(
          language,
          {
            reference: kase.reference,
            province: deadline.province,
            step: deadline.step,
            dueAt: new Date(deadline.dueAt),
            level: rung.level,
            role: rung.role,
            caseUrl: `${config.PUBLIC_URL}/cases/${caseId}`,
            previousUnreachable,
          },
          new Date(rung.at),
        );
        const created = recipient
          ? await tx.notification.create({
              data: {
                id: randomUUID(),
                caseId,
                kind: rung.level === 0 ? 'reminder' : 'escalation',
                recipientStaffId: recipient.id,
                recipientEmail: recipient.email,
                language,
                subject: rendered.subject,
                bodyText: rendered.text,
                bodyHtml: rendered.html,
                messageId: `<${key.replaceAll('/', '.')}@child-protection.local>`,
                status: 'pending',
              },
            })
          : null;
        const escalationRow = await tx.escalation.create({
          data: {
            id: randomUUID(),
            idempotencyKey: key,
            caseId,
            step: deadline.step,
            stepRecordId: deadline.id,
            level: rung.level,
            role: rung.role,
            recipientStaffId: recipient?.id ?? null,
            firedAt: new Date(rung.at),
            notificationId: created?.id ?? null,
          },
        });
        if (!recipient) {
          await tx.auditEvent.create({
            data: {
              actorType: 'system',
              action: 'escalation.noRecipient',
              caseId,
              entity: 'escalation',
              entityId: escalationRow.id,
              reason: `nobody holds the role ${rung.role} (or above) in province ${deadline.province}`,
            },
          });
        }
        return { escalation: escalationRow, notification: created };
      });

      if (!notification) return { escalationId: escalation.id, notified: false };
      if (notification.status !== 'pending') {
        return { escalationId: escalation.id, notified: notification.status === 'sent' };
      }
      try {
        await mailer.sendMail({
          from: config.MAIL_FROM,
          to: notification.recipientEmail,
          subject: notification.subject,
          text: notification.bodyText,
          html: notification.bodyHtml,
          messageId: notification.messageId,
          headers: { 'Content-Language': notification.language },
        });
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        const givingUp = Date.now() - notification.createdAt.getTime() > giveUpAfterMs();
        await prisma.notification.update({
          where: { id: notification.id },
          data: {
            attempts: { increment: 1 },
            lastError: reason.slice(0, 500),
            ...(givingUp ? { status: 'failed', failedAt: new Date() } : {}),
          },
        });
        if (givingUp) return { escalationId: escalation.id, notified: false };
        throw err; // retried by Temporal with backoff
      }
      await prisma.notification.update({
        where: { id: notification.id },
        data: { status: 'sent', sentAt: new Date(), attempts: { increment: 1 } },
      });
      return { escalationId: escalation.id, notified: true };
    },
  };
}
