/**
 * Issue 13 item 5, the activity's side: `notifyEscalation` reads the step record before it writes
 * or sends, under the same row lock as `closeDeadline`, so a rung whose step is done sends nothing
 * more and leaves no open escalation; a rung that fires late says how late the step is at
 * sending. The real activities against a real PostgreSQL and a real SMTP capture (its `tempfail`
 * fault answers 451 to every message); the SDK's activity environment only supplies the context.
 */
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { simpleParser } from 'mailparser';
import nodemailer, { type Transporter } from 'nodemailer';
import { Registry } from 'prom-client';
import { createActivities } from '../../activities';
import { startSmtpCapture, type SmtpCapture } from '../../devstack/smtp-capture';
import { registerCaseMetrics } from '../../api/health/case-metrics';
import type { DeadlineRung, OpenDeadline } from '../../workflows/deadlines/types';
import { insertCase } from '../support/cases';
import { createTestDatabase, type TestDatabase } from '../support/database';

const HOUR = 3_600_000;

let db: TestDatabase;
let smtp: SmtpCapture;
let mailer: Transporter;
let activities: ReturnType<typeof createActivities>;
beforeAll(async () => {
  [db, smtp] = await Promise.all([createTestDatabase(), startSmtpCapture({ port: 0 })]);
  mailer = nodemailer.createTransport(smtp.url);
  activities = createActivities({
    prisma: db.prisma,
    mailer,
    config: { MAIL_FROM: 'Child protection <no-reply@test.local>', PUBLIC_URL: 'http://cases.test' },
  });
});
afterAll(async () => {
  mailer?.close();
  await smtp?.stop();
  await db?.drop();
});
afterEach(() => smtp.setFault(null));

/** A case with an open screening step, due `dueAgoMs` ago. */
async function screeningDue(dueAgoMs: number) {
  const { caseId, reference } = await insertCase(db.prisma);
  const dueAt = new Date(Date.now() - dueAgoMs);
  const record = await db.prisma.stepRecord.create({
    data: {
      id: randomUUID(),
      caseId,
      step: 'screening',
      openedAt: new Date(dueAt.getTime() - 24 * HOUR),
      dueAt,
    },
  });
  const ladder: DeadlineRung[] = [
    { level: 0, role: 'handler', at: dueAt.toISOString() },
    { level: 1, role: 'supervisor', at: dueAt.toISOString() },
    { level: 2, role: 'coordinator', at: dueAt.toISOString() },
  ];
  const deadline: OpenDeadline = {
    id: record.id,
    step: 'screening',
    province: 'DEMO',
    openedAt: record.openedAt.toISOString(),
    dueAt: dueAt.toISOString(),
    ladder,
    fired: [],
  };
  return { caseId, reference, deadline };
}

const attempt = (n: number) =>
  new MockActivityEnvironment({
    attempt: n,
    scheduledTimestampMs: Date.now(),
    currentAttemptScheduledTimestampMs: Date.now(),
  });

async function mailsOf(reference: string) {
  const parsed = await Promise.all(smtp.messages.map((m) => simpleParser(m.raw)));
  return parsed
    .filter((m) => (m.subject ?? '').includes(reference))
    .map((m) => ({
      to: m.to && !Array.isArray(m.to) ? m.to.text : '',
      subject: m.subject ?? '',
      text: m.text ?? '',
    }));
}

async function openEscalationsMetric(): Promise<number> {
  const registry = new Registry();
  registerCaseMetrics(registry, db.prisma);
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'escalations_open');
  return (metric?.values ?? []).reduce((n, v) => n + Number(v.value), 0);
}

describe('notifyEscalation and the step record', () => {
  it('item 5: a rung whose step is already done writes and sends nothing', async () => {
    const { caseId, reference, deadline } = await screeningDue(HOUR);
    await db.prisma.stepRecord.update({ where: { id: deadline.id }, data: { completedAt: new Date() } });
    const rung = deadline.ladder[1] as DeadlineRung;
    const result = await attempt(1).run(activities.notifyEscalation, { caseId, deadline, rung });
    expect(result).toMatchObject({ stepDone: true, notified: false });
    expect(await db.prisma.escalation.count({ where: { caseId } })).toBe(0);
    expect(await db.prisma.notification.count({ where: { caseId } })).toBe(0);
    expect(await db.prisma.auditEvent.count({ where: { caseId, action: 'escalation.fired' } })).toBe(0);
    expect(await mailsOf(reference)).toEqual([]);
  });

  it('item 5: a rung whose step is done while its mail is being retried sends nothing more; no escalation stays open', async () => {
    const before = await openEscalationsMetric();
    const { caseId, reference, deadline } = await screeningDue(HOUR);
    const rung = deadline.ladder[1] as DeadlineRung;
    smtp.setFault('tempfail');
    await expect(attempt(1).run(activities.notifyEscalation, { caseId, deadline, rung })).rejects.toThrow(
      /not delivered yet/,
    );
    const pending = await db.prisma.notification.findMany({ where: { caseId } });
    expect(pending.map((n) => [n.recipientStaffId, n.status])).toEqual([
      ['staff-demo-supervisor', 'pending'],
    ]);
    expect(await openEscalationsMetric()).toBe(before + 1);

    // The handler does the step; the workflow closes its deadline.
    await attempt(1).run(activities.closeDeadline, {
      caseId,
      deadlineId: deadline.id,
      at: new Date().toISOString(),
      outcome: 'done' as const,
    });
    smtp.setFault(null);
    const retried = await attempt(2).run(activities.notifyEscalation, { caseId, deadline, rung });
    expect(retried).toMatchObject({ stepDone: true });
    expect(await mailsOf(reference)).toEqual([]);
    const row = await db.prisma.notification.findUniqueOrThrow({ where: { id: pending[0]?.id } });
    expect([row.status, row.sentAt]).toEqual(['cancelled', null]);
    const escalation = await db.prisma.escalation.findFirstOrThrow({ where: { caseId } });
    expect(escalation.resolvedAt).not.toBeNull();
    expect(await openEscalationsMetric()).toBe(before);
    expect(
      (await db.prisma.auditEvent.findMany({ where: { caseId }, orderBy: { id: 'asc' } })).map(
        (a) => a.action,
      ),
    ).toEqual(['escalation.fired', 'notification.cancelled']);
  });

  it('item 5: a rung that fires late says how late the step is at sending, in each language', async () => {
    await db.prisma.staff.update({ where: { id: 'staff-demo-handler' }, data: { language: 'en' } });
    try {
      const { caseId, reference, deadline } = await screeningDue(6 * HOUR + 10 * 60_000);
      for (const rung of deadline.ladder) {
        await attempt(1).run(activities.notifyEscalation, { caseId, deadline, rung });
      }
      const mails = await mailsOf(reference);
      const to = (email: string) => mails.find((m) => m.to === email);
      const en = to('handler@demo.example');
      expect(en?.subject).toBe(`[${reference}] Reminder: reception and screening is overdue`);
      expect(en?.text).toContain(
        'This message goes out later than planned: the step is 6 hours late at sending.',
      );
      expect(en?.text).toContain('Late by: 6 hours');
      const ar = to('supervisor@demo.example');
      expect(ar?.text).toContain('تُرسل هذه الرسالة بعد موعدها المقرر: تأخير المرحلة عند الإرسال 6 ساعات.');
      expect(ar?.text).toContain('التأخير: 6 ساعات');
      const fr = to('coordinator@demo.example');
      expect(fr?.text).toContain(
        'Ce message part après l’heure prévue : l’étape a 6 heures de retard au moment de l’envoi.',
      );
      expect(fr?.text).toContain('Retard: 6 heures');
      for (const m of mails) {
        expect(m.text).not.toContain('deadline reached');
        expect(m.text).not.toContain('échéance atteinte');
        expect(m.text).not.toContain('حلّ الأجل');
      }
    } finally {
      await db.prisma.staff.update({ where: { id: 'staff-demo-handler' }, data: { language: 'fr' } });
    }
  });
});
