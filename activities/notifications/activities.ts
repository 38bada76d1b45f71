import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { loadCalendar, loadProtocol, workingDaysLate } from '../../protocol';
import type { Prisma } from '../../generated/prisma/client';
import type {
  EscalationRole,
  NotifyEscalationRequest,
  NotifyEscalationResult,
  WatchedStep,
} from '../../workflows/deadlines/types';
import {
  DELIVERY_ORDER,
  type CaseNotice,
  type Delivery,
  type NotificationOutcome,
  type NotifyCaseOpenedRequest,
} from '../../workflows/notifications/types';
import type { ActivityDeps } from '../context';
import { outbox, type DeliveryStatus } from './outbox';
import { recipientResolver, staffIdOf, type Recipient, type Resolution } from './recipients';
import {
  languageOf,
  renderCaseOpened,
  renderChildMatch,
  renderEscalation,
  renderNotice,
  type NoticeMessage,
  type Channel,
  type Language,
  type Lateness,
  type Rendered,
} from './templates';
import { deskCaseUrl, deskReferralUrl } from './links';

const DEFAULT_GIVE_UP_AFTER_MS = 3_600_000;
type Tx = Prisma.TransactionClient;

/** The domain of the sender address, for Message-IDs (`<kind.ids@domain>`). */
export function messageIdDomain(mailFrom: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'child-protection.local';
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * How late a step is at `at`, the way its ladder counts: whole working days if any rung does and
 * one has passed, else hours (rounded), else whole minutes. Under a minute is "the deadline is
 * reached" (a rung fires at its instant, give or take the time to schedule the activity).
 */
export function latenessFor(
  protocolVersion: number,
  province: string,
  step: WatchedStep,
  dueAt: Date,
  at: Date,
): Lateness {
  const ms = at.getTime() - dueAt.getTime();
  if (ms < MINUTE_MS) return { unit: 'minutes', amount: 0 };
  const protocol = loadProtocol({ version: protocolVersion, province });
  const rule = (protocol.steps as Partial<Record<string, { ladder: string }>>)[step];
  // Pathway steps are not in `steps`: they all climb the leaving-care ladder.
  const ladder = protocol.ladders[rule?.ladder ?? protocol.leavingCare.ladder];
  const inWorkingDays = ladder?.rungs.some((r) => 'workingDays' in r.after) ?? false;
  if (inWorkingDays) {
    const days = workingDaysLate(dueAt, at, loadCalendar(), protocol.timezone);
    if (days >= 1) return { unit: 'workingDays', amount: days };
  }
  const hours = Math.round(ms / HOUR_MS);
  return hours >= 1
    ? { unit: 'hours', amount: hours }
    : { unit: 'minutes', amount: Math.floor(ms / MINUTE_MS) };
}

/** A rung is late when it goes out more than this after its instant (a report typed in late, a worker down). */
const LATE_RUNG_MS = MINUTE_MS;

/** The worst of several deliveries (DELIVERY_ORDER), 'noRecipient' when there were none. */
export function summarise(statuses: DeliveryStatus[], fellThrough: EscalationRole[]): NotificationOutcome {
  const delivery = statuses.length
    ? (DELIVERY_ORDER.find((d) => statuses.includes(d as DeliveryStatus)) as Delivery)
    : 'noRecipient';
  return { notified: statuses.some((s) => s !== 'failed'), delivery, fellThrough };
}

export function notificationActivities({ prisma, mailer, config }: ActivityDeps) {
  const box = outbox(prisma, mailer);
  const domain = messageIdDomain(config.MAIL_FROM);
  const giveUpAfterMs = config.NOTIFICATION_GIVE_UP_AFTER_MS ?? DEFAULT_GIVE_UP_AFTER_MS;
  // Links open the desk (api/desk), which asks for a login first and comes back to the page.
  const caseUrl = (caseId: string) => deskCaseUrl(config.PUBLIC_URL, caseId);
  const referralUrl = (referralId: string) => deskReferralUrl(config.PUBLIC_URL, referralId);

  /** Temporal's own clock: how long this activity has been retried (skipped time included in tests). */
  const elapsedMs = () => {
    const info = Context.current().info;
    return Math.max(0, info.currentAttemptScheduledTimestampMs - info.scheduledTimestampMs);
  };

  /**
   * Delivers every row; a retryable failure is rethrown once the others have had their turn.
   * `unreachableForMs`: how long this delivery has been retried, when the caller knows it better
   * than the activity's context (a local activity retried by its workflow).
   */
  async function deliverAll(ids: string[], unreachableForMs?: number): Promise<DeliveryStatus[]> {
    const statuses: DeliveryStatus[] = [];
    let failure: unknown;
    for (const id of ids) {
      try {
        statuses.push(
          await box.deliver(id, {
            from: config.MAIL_FROM,
            elapsedMs: unreachableForMs ?? elapsedMs(),
            giveUpAfterMs,
          }),
        );
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure) throw failure;
    return statuses;
  }

  /** The province's name in each language, read once for all the recipients of a message. */
  async function provinceNames(code: string): Promise<(language: Language) => string> {
    const p = await prisma.province.findUnique({ where: { code }, select: { nameFr: true, nameAr: true } });
    return (language) => (p ? `${language === 'ar' ? p.nameAr : p.nameFr} (${code})` : code);
  }

  function outboxRow(
    id: string,
    recipient: Recipient,
    language: Language,
    kind: string,
    messageKey: string,
    rendered: Rendered,
    extra: { caseId: string | null; escalationId?: string },
  ): Prisma.NotificationCreateManyInput {
    return {
      id,
      caseId: extra.caseId,
      escalationId: extra.escalationId ?? null,
      kind,
      recipientStaffId: staffIdOf(recipient),
      recipientEmail: recipient.email,
      language,
      subject: rendered.subject,
      bodyText: rendered.text,
      bodyHtml: rendered.html,
      messageId: `<${messageKey}@${domain}>`,
      status: 'pending',
    };
  }

  async function auditOnce(
    tx: Tx,
    key: string,
    data: {
      action: string;
      caseId: string;
      entity: string;
      entityId: string;
      reason: string;
      details: object;
    },
  ) {
    // One statement: a retry finds the event there and writes nothing (the key is unique).
    await tx.auditEvent.createMany({
      data: [
        {
          idempotencyKey: key,
          actorType: 'system',
          ...data,
          details: JSON.parse(JSON.stringify(data.details)) as Prisma.InputJsonValue,
        },
      ],
      skipDuplicates: true,
    });
  }

  /** On a retry, the roles found empty the first time (kept in the audit event's details). */
  async function recordedFellThrough(keys: string[]): Promise<EscalationRole[]> {
    const events = await prisma.auditEvent.findMany({
      where: { idempotencyKey: { in: keys } },
      select: { details: true },
    });
    const found = events.map((e) => (e.details as { fellThrough?: EscalationRole[] } | null)?.fellThrough);
    return [...(found.find((f) => f !== undefined) ?? [])];
  }

  /**
   * The outbox rows of one rung as they read at `now`: one per recipient of the rung's role and of
   * those it also tells, saying how late the step is at sending (never less than at the rung's own
   * instant) and whether the rung below reached nobody. Message-IDs are keyed by deadline, level and
   * recipient, so a retry's rows match the first attempt's.
   */
  async function rungRows(
    kase: { reference: string; protocolVersion: number },
    caseId: string,
    { deadline, rung }: Pick<NotifyEscalationRequest, 'deadline' | 'rung'>,
    resolutions: Resolution[],
    escalationId: string,
    now: Date,
  ): Promise<Prisma.NotificationCreateManyInput[]> {
    // The rung below has finished (rungs run in order): say so if it reached nobody.
    const previous =
      rung.level > 0
        ? await prisma.escalation.findFirst({
            where: { stepRecordId: deadline.id, level: { lt: rung.level } },
            orderBy: { level: 'desc' },
            include: { messages: { select: { status: true } } },
          })
        : null;
    const previousUnreachable =
      previous && previous.messages.every((m) => m.status === 'failed')
        ? (previous.role as EscalationRole)
        : null;
    const planned = new Date(rung.at);
    const sentLate = now.getTime() - planned.getTime() > LATE_RUNG_MS;
    const late = latenessFor(
      kase.protocolVersion,
      deadline.province,
      deadline.step,
      new Date(deadline.dueAt),
      sentLate ? now : planned,
    );
    const provinceName = await provinceNames(deadline.province);
    const rows: Prisma.NotificationCreateManyInput[] = [];
    for (const reached of resolutions) {
      const role = reached.role ?? rung.role;
      for (const recipient of reached.recipients) {
        const language = languageOf(recipient.language);
        // A partner sees referrals, not cases: its message leads to the referral.
        const toReferral = role === 'partner' && deadline.subjectId !== undefined;
        const rendered = renderEscalation(language, {
          reference: kase.reference,
          province: provinceName(language),
          step: deadline.step,
          dueAt: new Date(deadline.dueAt),
          late,
          sentLate,
          level: rung.level,
          role,
          fellThrough: reached.fellThrough,
          caseUrl: toReferral ? referralUrl(deadline.subjectId ?? '') : caseUrl(caseId),
          previousUnreachable,
          ...(toReferral ? { linksReferral: true } : {}),
        });
        rows.push(
          outboxRow(
            randomUUID(),
            recipient,
            language,
            rung.level === 0 && !reached.fellThrough.length ? 'reminder' : 'escalation',
            `escalation.${deadline.id}.${rung.level}.${recipient.id}`,
            rendered,
            { caseId, escalationId },
          ),
        );
      }
    }
    return rows;
  }

  /** The rung's role, then those it also tells (each falling through on its own), everyone once. */
  async function rungRecipients(
    kase: { assigneeId: string | null; unitId: string },
    { deadline, rung }: Pick<NotifyEscalationRequest, 'deadline' | 'rung'>,
  ): Promise<[Resolution, ...Resolution[]]> {
    return (await recipientResolver(prisma).forRoles([rung.role, ...(rung.alsoTell ?? [])], {
      province: deadline.province,
      caseUnitId: kase.unitId,
      // A pathway deadline names its own assignee (the mediator); case steps use the case's.
      assigneeId: deadline.assignee?.staffId ?? kase.assigneeId,
      referralId: deadline.subjectId,
    })) as [Resolution, ...Resolution[]];
  }

  /** Whether the step of a deadline is done (its record completed). */
  async function stepDone(deadlineId: string): Promise<boolean> {
    const record = await prisma.stepRecord.findUnique({
      where: { id: deadlineId },
      select: { completedAt: true },
    });
    return !!record?.completedAt;
  }

  const messagesOf = { select: { id: true, status: true, phase: true, messageId: true } } as const;

  return {
    /**
     * One rung of an escalation ladder: records the escalation and one outbox row per recipient
     * (keyed by deadline and level, so a retried activity — or a rung replayed after
     * continue-as-new — never writes a second one), then delivers them exactly once.
     *
     * A rung whose step is done (step_records.completed_at: done while the rung's mail was being
     * retried, or before a late attempt) writes and sends nothing more: checked under the step
     * record's row lock, which closeDeadline takes too, and again by the outbox as it takes a
     * message's lease. The result then says `stepDone`, and the workflow records nothing for a
     * closed deadline. A rung that goes out later than its instant says how late the step is at
     * sending (a retry rewrites the messages no attempt has started).
     */
    async notifyEscalation({
      caseId,
      deadline,
      rung,
      firstAttemptAt,
      attemptAt,
    }: NotifyEscalationRequest): Promise<NotifyEscalationResult> {
      const key = `escalation/${deadline.id}/${rung.level}`;
      // Temporal's clock at this attempt (the workflow's, so lateness agrees with the deadline).
      const now = attemptAt
        ? new Date(attemptAt)
        : new Date(Context.current().info.currentAttemptScheduledTimestampMs);
      const unreachableForMs =
        attemptAt && firstAttemptAt
          ? Math.max(0, Date.parse(attemptAt) - Date.parse(firstAttemptAt))
          : undefined;
      const withdrawn = (
        escalationId: string | null,
        fellThrough: EscalationRole[],
      ): NotifyEscalationResult => ({
        escalationId,
        stepDone: true,
        notified: false,
        delivery: 'noRecipient',
        fellThrough,
      });
      let escalation: {
        id: string;
        notificationId: string | null;
        messages: { id: string; status: string; phase: string | null; messageId: string }[];
      } | null = await prisma.escalation.findUnique({
        where: { idempotencyKey: key },
        select: { id: true, notificationId: true, messages: messagesOf },
      });
      if (!escalation && (await stepDone(deadline.id))) return withdrawn(null, []);
      const kase = await prisma.case.findUniqueOrThrow({
        where: { id: caseId },
        select: { reference: true, assigneeId: true, unitId: true, protocolVersion: true },
      });
      let fellThrough: EscalationRole[];
      if (escalation) {
        fellThrough = await recordedFellThrough([`${key}/recipientMissing`, `${key}/noRecipient`]);
        // A retry of a late rung: the messages no attempt has started say how late the step is now.
        if (now.getTime() - Date.parse(rung.at) > LATE_RUNG_MS) {
          const unstarted = escalation.messages.filter((m) => m.status === 'pending' && m.phase === null);
          if (unstarted.length) {
            const again = await rungRows(
              kase,
              caseId,
              { deadline, rung },
              await rungRecipients(kase, { deadline, rung }),
              escalation.id,
              now,
            );
            for (const m of unstarted) {
              const row = again.find((r) => r.messageId === m.messageId);
              if (!row) continue;
              await prisma.notification.updateMany({
                where: { id: m.id, status: 'pending', phase: null },
                data: { subject: row.subject, bodyText: row.bodyText, bodyHtml: row.bodyHtml },
              });
            }
          }
        }
      } else {
        const [resolution, ...others] = await rungRecipients(kase, { deadline, rung });
        fellThrough = resolution.fellThrough;
        const escalationId = randomUUID();
        const rows = await rungRows(
          kase,
          caseId,
          { deadline, rung },
          [resolution, ...others],
          escalationId,
          now,
        );
        const told = [resolution, ...others].flatMap((r) => r.recipients);
        const firstStaff = told.map(staffIdOf).find((id) => id !== null);
        escalation = await prisma.$transaction(async (tx) => {
          // The step record's lock: closeDeadline, which completes it, has finished or waits. An
          // open step is marked escalated at its first rung (the work list's overdue mark).
          const [step] = await tx.$queryRaw<{ completed_at: Date | null }[]>`
            UPDATE "step_records"
               SET "escalated_at" = CASE WHEN "completed_at" IS NULL
                                         THEN COALESCE("escalated_at", ${new Date(rung.at)}) ELSE "escalated_at" END
             WHERE "id" = ${deadline.id}
            RETURNING "completed_at"`;
          if (step?.completed_at) return null;
          await tx.escalation.create({
            data: {
              id: escalationId,
              idempotencyKey: key,
              caseId,
              step: deadline.step,
              stepRecordId: deadline.id,
              level: rung.level,
              role: rung.role,
              recipientStaffId: firstStaff ?? null,
              firedAt: new Date(rung.at),
            },
          });
          await tx.notification.createMany({ data: rows });
          if (rows[0])
            await tx.escalation.update({ where: { id: escalationId }, data: { notificationId: rows[0].id } });
          const where = `province ${deadline.province}`;
          // The escalation itself is a workflow-driven change of the case: who (system), why, whom.
          await auditOnce(tx, `${key}/fired`, {
            action: 'escalation.fired',
            caseId,
            entity: 'escalation',
            entityId: escalationId,
            reason: `${deadline.step} was due at ${deadline.dueAt} and is not done: level ${rung.level} (${rung.role})`,
            details: {
              step: deadline.step,
              deadlineId: deadline.id,
              level: rung.level,
              role: rung.role,
              reached: resolution.role,
              recipientStaffIds: told.map(staffIdOf).filter((id) => id !== null),
              ...(told.some((r) => r.focalPointOf)
                ? { focalPointsOf: told.flatMap((r) => (r.focalPointOf ? [r.focalPointOf] : [])) }
                : {}),
            },
          });
          if (fellThrough.length && resolution.role) {
            await auditOnce(tx, `${key}/recipientMissing`, {
              action: 'notification.recipientMissing',
              caseId,
              entity: 'escalation',
              entityId: escalationId,
              reason: `nobody holds ${fellThrough.join(', ')} for this case (${where}); the ${deadline.step} level ${rung.level} message went to ${resolution.role}`,
              details: { step: deadline.step, level: rung.level, fellThrough, reached: resolution.role },
            });
          }
          if (!resolution.role) {
            await auditOnce(tx, `${key}/noRecipient`, {
              action: 'escalation.noRecipient',
              caseId,
              entity: 'escalation',
              entityId: escalationId,
              reason: `nobody holds the role ${rung.role} (or above) in ${where}`,
              details: { step: deadline.step, level: rung.level, fellThrough },
            });
          }
          // What was just written, as the lookup above would read it (no second round trip).
          return {
            id: escalationId,
            notificationId: rows[0]?.id ?? null,
            messages: rows.map((r) => ({
              id: r.id as string,
              status: 'pending',
              phase: null,
              messageId: r.messageId,
            })),
          };
        });
        if (!escalation) return withdrawn(null, fellThrough);
      }
      const ids = escalation.messages.map((m) => m.id);
      if (escalation.notificationId && !ids.includes(escalation.notificationId))
        ids.push(escalation.notificationId);
      const statuses = await deliverAll(ids, unreachableForMs);
      // Done while its mail was on its way: what had gone out went out, the rest is withdrawn.
      if (statuses.includes('cancelled') || (await stepDone(deadline.id))) {
        return withdrawn(escalation.id, fellThrough);
      }
      return { escalationId: escalation.id, ...summarise(statuses, fellThrough) };
    },

    /**
     * "A case has been opened" to the duty unit's supervisors and handlers (each falling through
     * on its own when nobody holds the role), one outbox row per person, sent exactly once. When
     * the report may concern a child known in another province (child_match_alerts, written with
     * the case), the coordinators of both provinces are told as well, once each.
     */
    async notifyCaseOpened({ caseId }: NotifyCaseOpenedRequest): Promise<NotificationOutcome> {
      const key = `caseOpened/${caseId}`;
      let rows = await prisma.notification.findMany({
        where: { caseId, kind: 'caseOpened' },
        select: { id: true },
        orderBy: { id: 'asc' },
      });
      let fellThrough: EscalationRole[] = [];
      if (rows.length === 0) {
        const kase = await prisma.case.findUniqueOrThrow({
          where: { id: caseId },
          select: { reference: true, provinceCode: true, unitId: true, urgent: true, openedAt: true },
        });
        // Only the channel and timing of the first report: never the reporter or the narrative.
        const report = await prisma.report.findFirst({
          where: { caseId },
          orderBy: { receivedAt: 'asc' },
          select: { channel: true, receivedAt: true, urgent: true },
        });
        const rungs = await recipientResolver(prisma).forCaseOpened({
          province: kase.provinceCode,
          caseUnitId: kase.unitId,
          assigneeId: null,
        });
        const data: Prisma.NotificationCreateManyInput[] = [];
        const seen = new Set<string>();
        const provinceName = await provinceNames(kase.provinceCode);
        for (const rung of rungs) {
          for (const r of rung.fellThrough) if (!fellThrough.includes(r)) fellThrough.push(r);
          for (const recipient of rung.recipients) {
            if (seen.has(recipient.id)) continue;
            seen.add(recipient.id);
            const language = languageOf(recipient.language);
            const rendered = renderCaseOpened(language, {
              reference: kase.reference,
              province: provinceName(language),
              channel: (report?.channel ?? null) as Channel | null,
              urgent: report?.urgent ?? kase.urgent,
              receivedAt: report?.receivedAt ?? kase.openedAt,
              caseUrl: caseUrl(caseId),
              fellThrough: rung.fellThrough,
            });
            data.push(
              outboxRow(
                randomUUID(),
                recipient,
                language,
                'caseOpened',
                `case-opened.${caseId}.${recipient.id}`,
                rendered,
                {
                  caseId,
                },
              ),
            );
          }
        }
        await prisma.$transaction(async (tx) => {
          await tx.notification.createMany({ data, skipDuplicates: true });
          if (fellThrough.length) {
            await auditOnce(tx, `${key}/recipientMissing`, {
              action: data.length ? 'notification.recipientMissing' : 'notification.noRecipient',
              caseId,
              entity: 'case',
              entityId: caseId,
              reason: `nobody holds ${fellThrough.join(', ')} for this case (province ${kase.provinceCode}); the case-opened notice ${data.length ? 'went up the ladder' : 'reached nobody'}`,
              details: { about: 'caseOpened', fellThrough },
            });
          }
        });
        rows = await prisma.notification.findMany({
          where: { caseId, kind: 'caseOpened' },
          select: { id: true },
          orderBy: { id: 'asc' },
        });
      } else {
        fellThrough = await recordedFellThrough([`${key}/recipientMissing`]);
      }
      const matchRows = await childMatchNotices(caseId);
      const statuses = await deliverAll([...rows.map((r) => r.id), ...matchRows]);
      // The outcome is the duty unit's (the case view's "case opened" issues); the coordinators'
      // messages are in the outbox and the audit trail like any other.
      return summarise(statuses.slice(0, rows.length), fellThrough);
    },

    /**
     * One event of a case told to the people it concerns (a closure a new concern withdrew, a
     * transfer request, a referral sent to a partner): one outbox row per person, Message-ID
     * `<kind.ids.recipient@…>`, written once and delivered exactly once. No child identity: the
     * messages carry the case reference, codes and instants.
     */
    async notifyCase(notice: CaseNotice): Promise<NotificationOutcome> {
      const key = noticeKey(notice);
      const mine = { caseId: notice.caseId, kind: notice.kind, messageId: { startsWith: `<${key}.` } };
      let rows = await prisma.notification.findMany({
        where: mine,
        select: { id: true },
        orderBy: { id: 'asc' },
      });
      const auditKey = `notice/${key}`;
      let fellThrough: EscalationRole[] = [];
      if (rows.length === 0) {
        const kase = await prisma.case.findUniqueOrThrow({
          where: { id: notice.caseId },
          select: { reference: true, provinceCode: true, unitId: true, assigneeId: true },
        });
        const who = noticeAudience(notice, kase);
        const [resolution] = (await recipientResolver(prisma).forRoles([who.role], who.context)) as [
          Resolution,
        ];
        fellThrough = resolution.fellThrough;
        const message = await noticeMessage(notice, kase);
        const data: Prisma.NotificationCreateManyInput[] = [];
        for (const recipient of resolution.recipients) {
          const language = languageOf(recipient.language);
          data.push(
            outboxRow(
              randomUUID(),
              recipient,
              language,
              notice.kind,
              `${key}.${recipient.id}`,
              renderNotice(language, message(language)),
              {
                caseId: notice.caseId,
              },
            ),
          );
        }
        await prisma.$transaction(async (tx) => {
          await tx.notification.createMany({ data, skipDuplicates: true });
          if (fellThrough.length) {
            await auditOnce(tx, `${auditKey}/recipientMissing`, {
              action: data.length ? 'notification.recipientMissing' : 'notification.noRecipient',
              caseId: notice.caseId,
              entity: 'case',
              entityId: notice.caseId,
              reason: `nobody holds ${fellThrough.join(', ')} for this case (province ${who.context.province}); the ${notice.kind} notice ${data.length ? 'went up the ladder' : 'reached nobody'}`,
              details: { about: notice.kind, fellThrough },
            });
          }
        });
        rows = await prisma.notification.findMany({
          where: mine,
          select: { id: true },
          orderBy: { id: 'asc' },
        });
      } else {
        fellThrough = await recordedFellThrough([`${auditKey}/recipientMissing`]);
      }
      const statuses = await deliverAll(rows.map((r) => r.id));
      return summarise(statuses, fellThrough);
    },
  };

  /**
   * The outbox rows telling the coordinators of both provinces about each possible match of a
   * case (written once per alert, Message-ID `<child-match.<alert>.<staff>@…>`): references and
   * province names only. Returns the ids of the rows to deliver.
   */
  async function childMatchNotices(caseId: string): Promise<string[]> {
    const alerts = await prisma.childMatchAlert.findMany({
      where: { caseId },
      orderBy: { id: 'asc' },
      include: {
        case: { select: { id: true, reference: true, provinceCode: true, unitId: true } },
        knownCase: { select: { id: true, reference: true, provinceCode: true, unitId: true } },
      },
    });
    const ids: string[] = [];
    for (const alert of alerts) {
      const prefix = `<child-match.${alert.id}.`;
      let existing = await prisma.notification.findMany({
        where: { kind: 'childMatch', messageId: { startsWith: prefix } },
        select: { id: true },
        orderBy: { id: 'asc' },
      });
      if (existing.length === 0) {
        const data: Prisma.NotificationCreateManyInput[] = [];
        const sides = [
          { side: 'reported' as const, own: alert.case, other: alert.knownCase },
          { side: 'known' as const, own: alert.knownCase, other: alert.case },
        ];
        for (const { side, own, other } of sides) {
          const resolution = await recipientResolver(prisma).forRung('coordinator', {
            province: own.provinceCode,
            caseUnitId: own.unitId,
            assigneeId: null,
          });
          const ownName = await provinceNames(own.provinceCode);
          const otherName = await provinceNames(other.provinceCode);
          for (const recipient of resolution.recipients) {
            const language = languageOf(recipient.language);
            const rendered = renderChildMatch(language, {
              kind: alert.kind === 'sameChild' ? 'sameChild' : 'identity',
              side,
              reference: own.reference,
              province: ownName(language),
              otherReference: other.reference,
              otherProvince: otherName(language),
              caseUrl: caseUrl(own.id),
            });
            data.push(
              outboxRow(
                randomUUID(),
                recipient,
                language,
                'childMatch',
                `child-match.${alert.id}.${recipient.id}`,
                rendered,
                { caseId: own.id },
              ),
            );
          }
        }
        await prisma.notification.createMany({ data, skipDuplicates: true });
        existing = await prisma.notification.findMany({
          where: { kind: 'childMatch', messageId: { startsWith: prefix } },
          select: { id: true },
          orderBy: { id: 'asc' },
        });
      }
      ids.push(...existing.map((r) => r.id));
    }
    return ids;
  }

  /** Who a notice is for: one role, resolved like a rung (falling through when nobody holds it). */
  function noticeAudience(
    notice: CaseNotice,
    kase: { provinceCode: string; unitId: string; assigneeId: string | null },
  ): { role: EscalationRole; context: Parameters<ReturnType<typeof recipientResolver>['forRung']>[1] } {
    const ofCase = { province: kase.provinceCode, caseUnitId: kase.unitId, assigneeId: kase.assigneeId };
    switch (notice.kind) {
      case 'closureWithdrawn':
        return { role: 'supervisor', context: ofCase };
      case 'transferRequested':
        // The receiving province's duty unit: the supervisors who accept or refuse.
        return {
          role: 'supervisor',
          context: { province: notice.toProvince, caseUnitId: null, assigneeId: null },
        };
      case 'referralSent':
        return { role: 'partner', context: { ...ofCase, referralId: notice.referralId } };
    }
  }

  /** The notice's words for one recipient's language (province names in that language). */
  async function noticeMessage(
    notice: CaseNotice,
    kase: { reference: string; provinceCode: string },
  ): Promise<(language: Language) => NoticeMessage> {
    switch (notice.kind) {
      case 'closureWithdrawn': {
        const province = await provinceNames(kase.provinceCode);
        return (language) => ({
          kind: notice.kind,
          reference: kase.reference,
          province: province(language),
          reason: notice.reason,
          concernReceivedAt: new Date(notice.concernReceivedAt),
          url: caseUrl(notice.caseId),
        });
      }
      case 'transferRequested': {
        const [from, to] = await Promise.all([
          provinceNames(notice.fromProvince),
          provinceNames(notice.toProvince),
        ]);
        return (language) => ({
          kind: notice.kind,
          reference: kase.reference,
          fromProvince: from(language),
          toProvince: to(language),
          answerBy: new Date(notice.dueAt),
          url: caseUrl(notice.caseId),
        });
      }
      case 'referralSent': {
        const referral = await prisma.referral.findUniqueOrThrow({
          where: { id: notice.referralId },
          select: { serviceType: true },
        });
        const province = await provinceNames(kase.provinceCode);
        return (language) => ({
          kind: notice.kind,
          reference: kase.reference,
          province: province(language),
          service: referral.serviceType,
          acknowledgeBy: new Date(notice.dueAt),
          url: referralUrl(notice.referralId),
        });
      }
    }
  }
}

/** The Message-ID's stem of a notice: the same event is the same message, whoever retries it. */
export function noticeKey(notice: CaseNotice): string {
  switch (notice.kind) {
    case 'closureWithdrawn':
      return `closure-withdrawn.${notice.caseId}.${notice.reportId}`;
    case 'transferRequested':
      return `transfer-requested.${notice.transferId}`;
    case 'referralSent':
      return `referral-sent.${notice.referralId}`;
  }
}
