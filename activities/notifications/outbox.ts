/**
 * Delivering one outbox row (one intended message) exactly once.
 *
 * Policy — never a second copy; a lost reply is reported, not resent:
 * - An attempt first takes the row's lease (phase `sending`, a fresh fencing token, a lease that
 *   outlives any attempt), so two attempts never send the same message at once.
 * - The body goes out, then — before the final dot that makes the server take the message — the
 *   attempt records phase `dataSent`, but only if its token still holds the lease. The dot is sent
 *   only after that write. So the dot of a message is sent at most once, ever.
 * - The server answers 2xx: `sent`. It answers 4xx, or the connection fails before the dot: nothing
 *   was delivered, the phase is cleared and Temporal retries with backoff. It answers 5xx: `failed`
 *   at once (retrying cannot help).
 * - The dot was sent and no answer came (the server dropped the connection after DATA, a timeout,
 *   or the worker died): the server may hold the message. The attempt fails; the retry finds
 *   `dataSent` and settles the row as `unconfirmed` without contacting the server — counted as
 *   delivered, with an audit event and a flag on the case. We chose a possibly missing message that
 *   is visible over a duplicate: the next rung still fires on time if nothing happens, whereas
 *   duplicates teach people to ignore the mail.
 * - Mail unreachable for longer than NOTIFICATION_GIVE_UP_AFTER_MS: `failed`, audited, reported to
 *   the workflow (the case shows it, the next rung says so).
 * - An escalation's message whose step is done (step_records.completed_at) is never sent: the lease
 *   is only taken while the step is open, in the same statement, and `closeDeadline` cancels the
 *   messages no attempt is sending, under the step record's row lock. A message already on its
 *   way when the step is done finishes (it was sent at the moment the step was done).
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { Transporter } from 'nodemailer';
import type { PrismaClient } from '../../lib/db';
import { mailDeliveryFailures } from '../../lib/metrics';
import { ATTEMPT_LIMIT_MS, sendOnce, smtpTarget } from './smtp';

/** Longer than one attempt can last (ATTEMPT_LIMIT_MS), so a live attempt never loses its lease. */
export const LEASE_MS = ATTEMPT_LIMIT_MS + 20_000;

export type DeliveryStatus = 'sent' | 'unconfirmed' | 'failed' | 'cancelled';

export interface DeliveryOptions {
  /** The From header and envelope sender. */
  from: string;
  /** How long this message has been retried so far, in Temporal's time. */
  elapsedMs: number;
  giveUpAfterMs: number;
}

const retry = (type: string, message: string) => ApplicationFailure.retryable(message, type);

export function outbox(prisma: PrismaClient, mailer: Transporter) {
  async function audit(
    tx: Pick<PrismaClient, 'auditEvent'>,
    row: { id: string; caseId: string | null; kind: string; recipientStaffId: string | null },
    action: string,
    reason: string,
  ) {
    await tx.auditEvent.create({
      data: {
        idempotencyKey: `notification/${row.id}/${action}`,
        actorType: 'system',
        action,
        caseId: row.caseId,
        entity: 'notification',
        entityId: row.id,
        reason: reason.slice(0, 500),
        details: { kind: row.kind, recipientStaffId: row.recipientStaffId },
      },
    });
  }

  /** Moves a pending row to a final status once, with its audit event, in one transaction. */
  async function settle(
    id: string,
    status: 'unconfirmed' | 'failed' | 'cancelled',
    reason: string,
    outcome: 'unconfirmed' | 'refused' | 'gaveUp' = 'unconfirmed',
  ): Promise<DeliveryStatus> {
    const settled = await prisma.$transaction(async (tx) => {
      const row = await tx.notification.findUniqueOrThrow({ where: { id } });
      if (row.status !== 'pending') return row.status as DeliveryStatus;
      await tx.notification.update({
        where: { id },
        data:
          status === 'failed'
            ? {
                status,
                failedAt: new Date(),
                phase: null,
                leaseToken: null,
                leaseUntil: null,
                lastError: reason,
              }
            : status === 'cancelled'
              ? { status, phase: null, leaseToken: null, leaseUntil: null }
              : { status, sentAt: row.transmittedAt, leaseToken: null, leaseUntil: null },
      });
      await audit(tx, row, `notification.${status}`, reason);
      return { status, kind: row.kind };
    });
    if (typeof settled === 'string') return settled;
    // A withdrawn message is not a failed delivery.
    if (settled.status !== 'cancelled') mailDeliveryFailures.inc({ kind: settled.kind, outcome });
    return settled.status;
  }

  /** The row belongs to an escalation whose step is done. */
  async function stepDone(escalationId: string | null): Promise<boolean> {
    if (!escalationId) return false;
    const found = await prisma.escalation.findUnique({
      where: { id: escalationId },
      select: { stepRecord: { select: { completedAt: true } } },
    });
    return !!found?.stepRecord?.completedAt;
  }

  /**
   * Takes the lease; false when another attempt holds it, or when the row is an escalation's
   * message whose step is done (checked in the same statement, so no send starts after it).
   */
  async function claim(id: string, token: string): Promise<boolean> {
    const claimed = await prisma.$executeRaw`
      UPDATE "notifications"
         SET "phase" = 'sending', "lease_token" = ${token},
             "lease_until" = now() + make_interval(secs => ${LEASE_MS / 1000}),
             "attempts" = "attempts" + 1
       WHERE "id" = ${id} AND "status" = 'pending'
         AND ("phase" IS NULL OR ("phase" = 'sending' AND "lease_until" < now()))
         AND NOT EXISTS (
           SELECT 1 FROM "escalations" e JOIN "step_records" s ON s."id" = e."step_record_id"
            WHERE e."id" = "notifications"."escalation_id" AND s."completed_at" IS NOT NULL)`;
    return claimed === 1;
  }

  /** The commit point before the final dot: only the lease holder may pass it. */
  async function commitFinalDot(id: string, token: string): Promise<boolean> {
    const committed = await prisma.$executeRaw`
      UPDATE "notifications" SET "phase" = 'dataSent', "transmitted_at" = now()
       WHERE "id" = ${id} AND "status" = 'pending' AND "phase" = 'sending' AND "lease_token" = ${token}`;
    return committed === 1;
  }

  /** After a definite "not delivered" (even a 4xx to the final dot): the next attempt may send. */
  async function release(id: string, token: string, lastError: string) {
    await prisma.notification.updateMany({
      where: { id, leaseToken: token, status: 'pending' },
      data: { phase: null, leaseToken: null, leaseUntil: null, lastError },
    });
  }

  return {
    /**
     * Sends one outbox row unless it is already settled. Resolves with the final status, or
     * throws a retryable failure for Temporal to retry with backoff.
     */
    async deliver(id: string, options: DeliveryOptions): Promise<DeliveryStatus> {
      const row = await prisma.notification.findUniqueOrThrow({ where: { id } });
      if (row.status !== 'pending') return row.status as DeliveryStatus;
      if (row.phase === 'dataSent') {
        return settle(id, 'unconfirmed', 'the whole message was sent but the server never confirmed it');
      }
      // Written with the row: every attempt sends the same files (read before
      // the lease, so a failed read never leaves the lease held).
      const attachments = await prisma.notificationAttachment.findMany({
        where: { notificationId: id },
        orderBy: { contentId: 'asc' },
        select: { contentId: true, filename: true, contentType: true, content: true },
      });
      const token = randomUUID();
      if (!(await claim(id, token))) {
        const now = await prisma.notification.findUniqueOrThrow({ where: { id } });
        if (now.status !== 'pending') return now.status as DeliveryStatus;
        if (now.phase === 'dataSent') {
          return settle(id, 'unconfirmed', 'the whole message was sent but the server never confirmed it');
        }
        const sending = now.phase === 'sending' && (now.leaseUntil?.getTime() ?? 0) >= Date.now();
        if (!sending && (await stepDone(now.escalationId))) {
          return settle(id, 'cancelled', 'the step was done before this message could be sent');
        }
        throw retry('NotificationBusy', `another attempt is sending notification ${id}`);
      }

      const result = await sendOnce(
        smtpTarget(mailer),
        {
          from: options.from,
          to: row.recipientEmail,
          subject: row.subject,
          text: row.bodyText,
          html: row.bodyHtml,
          messageId: row.messageId,
          language: row.language,
          kind: row.kind,
          attachments: attachments.map((a) => ({ ...a, content: Buffer.from(a.content) })),
        },
        () => commitFinalDot(id, token),
      );

      switch (result.outcome) {
        case 'accepted':
          // Also upgrades a row a slow retry settled as unconfirmed meanwhile: now we know.
          await prisma.notification.updateMany({
            where: { id, status: { in: ['pending', 'unconfirmed'] } },
            data: {
              status: 'sent',
              sentAt: new Date(),
              smtpResponse: result.response.slice(0, 500),
              leaseToken: null,
              leaseUntil: null,
            },
          });
          return 'sent';
        case 'unknown':
          await prisma.notification.updateMany({
            where: { id, leaseToken: token },
            data: { lastError: result.error, leaseToken: null, leaseUntil: null },
          });
          throw retry(
            'NotificationUnconfirmed',
            `notification ${id}: the whole message was sent but no reply came (${result.error}); it will not be sent again`,
          );
        case 'notDelivered': {
          await release(id, token, result.error);
          if (result.permanent)
            return settle(id, 'failed', `the mail server refused the message: ${result.error}`, 'refused');
          if (options.elapsedMs >= options.giveUpAfterMs) {
            return settle(
              id,
              'failed',
              `mail unreachable for ${Math.round(options.elapsedMs / 1000)} s (limit ${Math.round(options.giveUpAfterMs / 1000)} s): ${result.error}`,
              'gaveUp',
            );
          }
          mailDeliveryFailures.inc({ kind: row.kind, outcome: 'retry' });
          throw retry('NotificationNotDelivered', `notification ${id} not delivered yet: ${result.error}`);
        }
      }
    },
  };
}
