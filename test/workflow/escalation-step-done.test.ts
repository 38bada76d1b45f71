/**
 * Issue 13 item 5 on the time-skipping server: the real case workflow and activities, PostgreSQL,
 * and a real SMTP capture that is stopped while the rungs' mail is due. A step done while its
 * rungs' mail is being retried sends nothing more, and nothing says the case is still escalated:
 * not the escalation rows, not the `escalations_open` metric, not the case view, not the
 * `EscalationLevel` search attribute. A rung that fires late (a report typed in after its deadline)
 * says how late the step is at sending.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { simpleParser } from 'mailparser';
import { Registry } from 'prom-client';
import { registerCaseMetrics } from '../../api/health/case-metrics';
import { startSmtpCapture, type SmtpCapture } from '../../devstack/smtp-capture';
import { caseViewQuery, screeningUpdate, type CaseView } from '../../workflows/case/definitions';
import { EscalationLevelKey } from '../../workflows/search-attributes';
import { serverNow, startCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';
import { eventually } from '../support/wait';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let h: Harness;
const captures: SmtpCapture[] = [];
let live: SmtpCapture | null;
beforeAll(async () => {
  h = await createHarness();
  captures.push(h.smtp);
  live = h.smtp;
  await h.startWorker({ config: { NOTIFICATION_GIVE_UP_AFTER_MS: 24 * HOUR } });
});
afterEach(async () => {
  if (!live) await smtpUp();
});
afterAll(async () => {
  for (const c of captures.slice(1)) await c.stop();
  await h?.stop();
});

async function smtpDown() {
  await live?.stop();
  live = null;
}
async function smtpUp() {
  live = await startSmtpCapture({ port: h.smtp.port });
  captures.push(live);
}

async function mails(reference: string, kinds: string[]) {
  const parsed = await Promise.all(captures.flatMap((c) => c.messages).map((m) => simpleParser(m.raw)));
  return parsed
    .filter((m) => (m.subject ?? '').includes(reference))
    .filter((m) => kinds.includes(String(m.headers.get('x-notification-kind') ?? '')))
    .map((m) => ({
      to: m.to && !Array.isArray(m.to) ? m.to.text : '',
      subject: m.subject ?? '',
      text: m.text ?? '',
    }));
}

async function sleepUntil(target: number) {
  const now = await h.env.currentTimeMs();
  if (target > now) await h.env.sleep(target - now);
}

const view = (handle: WorkflowHandle): Promise<CaseView> => handle.query(caseViewQuery);

async function openEscalations(province: string): Promise<number> {
  const registry = new Registry();
  registerCaseMetrics(registry, h.db.prisma);
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'escalations_open');
  return (metric?.values ?? [])
    .filter((v) => v.labels.province === province)
    .reduce((n, v) => n + Number(v.value), 0);
}

describe('escalations match the truth', () => {
  it('item 5: a rung whose step was done while its mail was being retried sends nothing more and is not an open escalation', async () => {
    const { handle, caseId, reference } = await startCase(h.env.client, h.db.prisma, h.taskQueue, {
      urgent: true,
    });
    const deadline = await eventually(
      'the screening deadline',
      async () => (await view(handle)).openDeadlines[0],
    );
    // Let the case-opened notice go, then the mail server goes away before the deadline.
    await eventually(
      'the case-opened notices',
      async () => (await mails(reference, ['caseOpened'])).length === 2,
    );
    await smtpDown();
    await sleepUntil(Date.parse(deadline.dueAt) + 20 * MINUTE);
    // Rungs go in order: the handler's reminder is being retried, the next ones wait for it.
    const waiting = await h.db.prisma.notification.findMany({
      where: { caseId, escalationId: { not: null } },
    });
    expect(waiting.map((n) => [n.recipientStaffId, n.status])).toEqual([['staff-demo-handler', 'pending']]);
    expect(waiting[0]?.attempts).toBeGreaterThanOrEqual(2);

    // The handler screens the case while the reminder is still being retried.
    await handle.executeUpdate(screeningUpdate, {
      args: [
        {
          actorId: 'staff-demo-handler',
          screeningId: '3f9d6a2e-1c4b-4e8a-9d7f-2b6c8e1a5f30',
          risk: 'LOW',
          immediateNeeds: false,
          categories: ['neglect'],
        },
      ],
    });
    await smtpUp();
    // Past every retry and past the committee's rung (due + 2 hours).
    await sleepUntil(Date.parse(deadline.dueAt) + 4 * HOUR);
    await eventually('the outbox settled', async () => {
      const rows = await h.db.prisma.notification.findMany({
        where: { caseId, escalationId: { not: null } },
      });
      return rows.every((n) => n.status !== 'pending') ? rows : undefined;
    });

    expect(await mails(reference, ['reminder', 'escalation'])).toEqual([]);
    const rows = await h.db.prisma.notification.findMany({ where: { caseId, escalationId: { not: null } } });
    expect(rows.map((n) => n.status)).toEqual(['cancelled']);
    // The rung had fired (the statistics count it) and is resolved; the later rungs never fired.
    const escalations = await h.db.prisma.escalation.findMany({
      where: { caseId },
      orderBy: { level: 'asc' },
    });
    expect(escalations.map((e) => [e.level, e.resolvedAt !== null])).toEqual([[0, true]]);
    expect(await openEscalations('DEMO')).toBe(0);
    const current = await view(handle);
    expect(current.openEscalations).toEqual([]);
    expect(current.openDeadlines.map((d) => d.step)).toEqual(['assessment']);
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(EscalationLevelKey)).toBe(-1);
  });

  it('item 5: a rung that fires late — a report typed in after its deadline — says how late the step is at sending', async () => {
    // Received 30 hours ago and typed in now: the 24-hour screening deadline passed 6 hours ago.
    const receivedAt = new Date((await serverNow(h.env.client)).getTime() - 30 * HOUR);
    const { handle, reference } = await startCase(h.env.client, h.db.prisma, h.taskQueue, { receivedAt });
    const found = await eventually('the four rungs, all past their instant', async () => {
      const m = await mails(reference, ['reminder', 'escalation']);
      return m.length >= 4 ? m : undefined;
    });
    const reminder = found.find((m) => m.to === 'handler@demo.example');
    expect(reminder?.subject).toBe(`[${reference}] Rappel : accueil, écoute et tri a dépassé son échéance`);
    expect(reminder?.text).toContain('Retard: 6 heures');
    expect(reminder?.text).toContain(
      'Ce message part après l’heure prévue : l’étape a 6 heures de retard au moment de l’envoi.',
    );
    expect(found.find((m) => m.to === 'supervisor@demo.example')?.text).toContain('التأخير: 6 ساعات');
    for (const m of found) expect(m.text).not.toContain('échéance atteinte');
    const v = await view(handle);
    expect(v.openEscalations.map((e) => e.level)).toEqual([0, 1, 2, 3]);
  });
});
