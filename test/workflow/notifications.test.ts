/**
 * Notification e-mails end to end on the time-skipping server: the real case workflow, the real
 * activities, PostgreSQL, and a real SMTP server that drops connections, refuses, or is stopped.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { decodeOptionalSinglePayload } from '@temporalio/common/lib/internal-non-workflow';
import { simpleParser } from 'mailparser';
import { startSmtpCapture, type SmtpCapture } from '../../devstack/smtp-capture';
import {
  assignmentUpdate,
  caseViewQuery,
  caseWorkflowId,
  type CaseView,
} from '../../workflows/case/definitions';
import { insertCase, startCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';
import { eventually } from '../support/wait';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const GIVE_UP_AFTER = HOUR;

let h: Harness;
/** Every capture this file ran (the SMTP server is stopped and restarted on the same port). */
const captures: SmtpCapture[] = [];
let live: SmtpCapture | null;

beforeAll(async () => {
  h = await createHarness();
  captures.push(h.smtp);
  live = h.smtp;
  await h.startWorker({ config: { NOTIFICATION_GIVE_UP_AFTER_MS: GIVE_UP_AFTER } });
  await seedTestProvinces();
});
afterEach(async () => {
  if (!live) await smtpUp();
  live?.setFault(null);
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

interface Mail {
  messageId: string;
  to: string;
  subject: string;
  kind: string;
  language: string;
  text: string;
  html: string;
  raw: string;
}

async function mails(reference: string, kinds?: string[]): Promise<Mail[]> {
  const all = captures.flatMap((c) => c.messages);
  const parsed = await Promise.all(
    all.map(async (m) => {
      const p = await simpleParser(m.raw);
      return {
        messageId: p.messageId ?? '',
        to: p.to && !Array.isArray(p.to) ? p.to.text : '',
        subject: p.subject ?? '',
        kind: String(p.headers.get('x-notification-kind') ?? ''),
        language: String(p.headers.get('content-language') ?? ''),
        text: p.text ?? '',
        html: typeof p.html === 'string' ? p.html : '',
        raw: m.raw.toString('utf8'),
      };
    }),
  );
  return parsed.filter((m) => m.subject.includes(reference) && (!kinds || kinds.includes(m.kind)));
}
const ESCALATIONS = ['reminder', 'escalation'];

async function sleepUntil(target: number) {
  const now = await h.env.currentTimeMs();
  if (target > now) await h.env.sleep(target - now);
}

const view = (handle: WorkflowHandle): Promise<CaseView> => handle.query(caseViewQuery);

async function screeningDeadline(handle: WorkflowHandle) {
  return eventually('the screening deadline', async () => (await view(handle)).openDeadlines[0]);
}

async function waitForCaseOpened(reference: string, count: number) {
  return eventually(`${count} case-opened message(s)`, async () => {
    const found = await mails(reference, ['caseOpened']);
    return found.length >= count ? found : undefined;
  });
}

const notification = (caseId: string, level: number, staffId: string) =>
  h.db.prisma.notification.findFirstOrThrow({
    where: { caseId, recipientStaffId: staffId, rung: { level } },
  });

async function audit(caseId: string) {
  return (await h.db.prisma.auditEvent.findMany({ where: { caseId }, orderBy: { id: 'asc' } })).map(
    (a) => a.action,
  );
}

/** TST1: a unit with two handlers and no supervisor; TST2: units and nobody at all. */
async function seedTestProvinces() {
  const p = h.db.prisma;
  await p.province.createMany({
    data: [
      { code: 'TST1', nameFr: 'Province test un', nameAr: 'إقليم الاختبار الأول' },
      { code: 'TST2', nameFr: 'Province test deux', nameAr: 'إقليم الاختبار الثاني' },
    ],
  });
  await p.unit.createMany({
    data: [
      { id: 'unit-tst1-upe', provinceCode: 'TST1', kind: 'protectionUnit', name: 'UPE test 1' },
      { id: 'unit-tst1-cape', provinceCode: 'TST1', kind: 'supportCentre', name: 'CAPE test 1' },
      { id: 'unit-tst2-upe', provinceCode: 'TST2', kind: 'protectionUnit', name: 'UPE test 2' },
    ],
  });
  const staff = (id: string, role: 'handler' | 'coordinator' | 'committee', unitId: string, language: 'ar' | 'fr' | 'en') => ({
    id,
    provinceCode: 'TST1',
    unitId,
    role,
    displayName: id,
    email: `${id}@tst1.example`,
    language,
  }); // prettier-ignore
  await p.staff.createMany({
    data: [
      staff('tst1-handler-a', 'handler', 'unit-tst1-upe', 'ar'),
      staff('tst1-handler-b', 'handler', 'unit-tst1-upe', 'en'),
      staff('tst1-coordinator', 'coordinator', 'unit-tst1-cape', 'fr'),
      staff('tst1-committee', 'committee', 'unit-tst1-cape', 'fr'),
    ],
  });
}

describe('notifications', () => {
  it('tells the duty unit a case was opened, then sends each rung exactly once in the recipient’s language; Arabic is right-to-left and survives the round trip; no child data anywhere', async () => {
    const CHILD = ['Zoubida', 'Qwertyuiop'];
    const SECRETS = [...CHILD, 'NARRATIVE-MARKER-7731', 'Reporter-Marker-5523', '2014-03-01'];
    const { caseId, reference } = await insertCase(h.db.prisma, { childName: CHILD.join(' ') });
    await h.db.prisma.report.updateMany({
      where: { caseId },
      data: {
        narrative: 'NARRATIVE-MARKER-7731: what the child said',
        reporterName: 'Reporter-Marker-5523',
        anonymous: false,
      },
    });
    const handle = await h.env.client.workflow.start('caseWorkflow', {
      taskQueue: h.taskQueue,
      workflowId: caseWorkflowId(caseId),
      args: [{ caseId }],
    });

    const opened = await waitForCaseOpened(reference, 2);
    expect(opened.map((m) => [m.to, m.language]).sort()).toEqual([
      ['handler@demo.example', 'fr'],
      ['supervisor@demo.example', 'ar'],
    ]);
    expect(opened.find((m) => m.language === 'ar')?.subject).toBe(
      `[${reference}] فتح ملف جديد — الخط الهاتفي`,
    );
    expect(opened.find((m) => m.language === 'fr')?.subject).toBe(
      `[${reference}] Nouveau dossier ouvert — ligne d’écoute`,
    );

    const deadline = await screeningDeadline(handle);
    await sleepUntil(Date.parse(deadline.dueAt) + 3 * HOUR);
    const rungs = await eventually('four rungs', async () => {
      const found = await mails(reference, ESCALATIONS);
      return found.length >= 4 ? found : undefined;
    });
    const step = await h.db.prisma.stepRecord.findFirstOrThrow({ where: { caseId, step: 'screening' } });
    expect(rungs.map((m) => [m.to, m.language, m.kind, m.subject]).sort()).toEqual(
      [
        ['handler@demo.example', 'fr', 'reminder', `[${reference}] Rappel : accueil, écoute et tri arrive à échéance`],
        ['supervisor@demo.example', 'ar', 'escalation', `[${reference}] مرحلة متأخرة: الاستقبال والاستماع — المستوى 1، رئيس الوحدة`],
        ['coordinator@demo.example', 'fr', 'escalation', `[${reference}] Étape en retard : accueil, écoute et tri — niveau 2, coordinateur du centre d’accompagnement`],
        ['committee@demo.example', 'fr', 'escalation', `[${reference}] Étape en retard : accueil, écoute et tri — niveau 3, secrétariat du comité provincial`],
      ].sort(),
    ); // prettier-ignore

    // The Arabic message: right-to-left, and byte-for-byte the text we stored after MIME encoding.
    const arabic = rungs.find((m) => m.language === 'ar');
    const stored = await notification(caseId, 1, 'staff-demo-supervisor');
    expect(arabic?.messageId).toBe(`<escalation.${step.id}.1.staff-demo-supervisor@test.local>`);
    expect(arabic?.messageId).toBe(stored.messageId);
    expect(arabic?.subject).toBe(stored.subject);
    expect(arabic?.text.trim()).toBe(stored.bodyText.trim());
    expect(arabic?.html).toBe(stored.bodyHtml);
    expect(arabic?.html).toMatch(/<html lang="ar" dir="rtl">/);
    expect(arabic?.html).toMatch(/<body dir="rtl"/);
    expect(arabic?.text).toContain('تجاوزت مرحلة من مسار الحماية أجلها المحدد.');
    expect(arabic?.text).toContain(`فتح الملف: http://cases.test/desk/cases/${caseId}`);

    // Exactly once: nothing more a month later, every Message-ID once.
    await h.env.sleep(30 * 24 * HOUR);
    const all = await mails(reference);
    expect(all).toHaveLength(6);
    expect(new Set(all.map((m) => m.messageId)).size).toBe(6);

    for (const m of all) {
      for (const secret of SECRETS) {
        expect(m.raw).not.toContain(secret);
        expect(`${m.subject}\n${m.text}\n${m.html}`).not.toContain(secret);
      }
    }
    const history = JSON.stringify(await handle.fetchHistory());
    for (const secret of SECRETS) expect(history).not.toContain(secret);
    expect((await view(handle)).notificationIssues).toEqual([]);
  });

  it('sends one message when the server drops the connection after the whole message: the activity retries and settles it as unconfirmed, visibly', async () => {
    const { handle, caseId, reference } = await startCase(h.env.client, h.db.prisma, h.taskQueue, {
      urgent: true,
    });
    await waitForCaseOpened(reference, 2);
    const deadline = await screeningDeadline(handle);
    live?.setFault('dropAfterData', 1);
    await sleepUntil(Date.parse(deadline.dueAt) + MINUTE);

    const reminder = await eventually('the reminder settled', async () => {
      const row = await notification(caseId, 0, 'staff-demo-handler').catch(() => undefined);
      return row?.status === 'unconfirmed' ? row : undefined;
    });
    expect(reminder.attempts).toBe(1); // one SMTP transaction; the retry did not contact the server
    expect(
      (await mails(reference, ESCALATIONS)).filter((m) => m.messageId === reminder.messageId),
    ).toHaveLength(1);

    // The rung really was tried again: the local activity's first try failed, the next completed
    // (one marker per try; the workflow retries on its own timer).
    const history = await handle.fetchHistory();
    // The marker's own data is the SDK's JSON (not a payload of ours, so not encrypted).
    const tries = (history.events ?? [])
      .map((e) => e.markerRecordedEventAttributes)
      .filter((m) => m?.markerName === 'core_local_activity')
      .map((m) => {
        const data = m?.details?.data?.payloads?.[0]?.data;
        const { activity_type: type } = JSON.parse(Buffer.from(data ?? []).toString('utf8')) as {
          activity_type: string;
        };
        return [type, m?.failure ? 'failed' : 'completed'];
      });
    expect(tries.filter(([type]) => type === 'notifyEscalation').map(([, how]) => how)).toEqual([
      'failed',
      'completed',
      'completed',
      'completed',
    ]);

    const v = await eventually('the other rungs', async () => {
      const current = await view(handle);
      return current.openEscalations.length === 3 ? current : undefined;
    });
    expect(v.openEscalations.map((e) => [e.level, e.notified, e.delivery])).toEqual([
      [0, true, 'unconfirmed'],
      [1, true, 'sent'],
      [2, true, 'sent'],
    ]);
    expect(v.notificationIssues).toEqual([
      expect.objectContaining({ about: 'screening', level: 0, problem: 'unconfirmed', roles: ['handler'] }),
    ]);
    expect(await audit(caseId)).toContain('notification.unconfirmed');
    // The next rung is not told the handler was unreachable: the message probably arrived.
    const supervisor = (await mails(reference, ESCALATIONS)).find((m) => m.language === 'ar');
    expect(supervisor?.text).not.toContain('تعذر الوصول');
  });

  it('delivers once after the mail server was down for a while', async () => {
    const { handle, caseId, reference } = await startCase(h.env.client, h.db.prisma, h.taskQueue, {
      urgent: true,
    });
    await waitForCaseOpened(reference, 2);
    const deadline = await screeningDeadline(handle);
    await smtpDown();
    await sleepUntil(Date.parse(deadline.dueAt) + 20 * MINUTE);
    const waiting = await notification(caseId, 0, 'staff-demo-handler');
    expect(waiting.status).toBe('pending');
    expect(waiting.attempts).toBeGreaterThanOrEqual(3);
    expect(waiting.lastError).toMatch(/ECONNREFUSED/);

    await smtpUp();
    await sleepUntil(Date.parse(deadline.dueAt) + 35 * MINUTE);
    const sent = await eventually('the reminder after the outage', async () => {
      const row = await notification(caseId, 0, 'staff-demo-handler');
      return row.status === 'sent' ? row : undefined;
    });
    await eventually('all three rungs', async () => (await mails(reference, ESCALATIONS)).length === 3);
    expect((await mails(reference)).filter((m) => m.messageId === sent.messageId)).toHaveLength(1);
    const v = await view(handle);
    expect(v.openEscalations.map((e) => e.delivery)).toEqual(['sent', 'sent', 'sent']);
    expect(v.notificationIssues).toEqual([]);

    // The workflow retried the rung on timers of its own, each named for the operators.
    const history = await handle.fetchHistory();
    const summaries = await Promise.all(
      (history.events ?? [])
        .filter((e) => e.timerStartedEventAttributes)
        .map((e) =>
          decodeOptionalSinglePayload<string>(
            h.env.client.options.loadedDataConverter,
            e.userMetadata?.summary,
          ),
        ),
    );
    expect(summaries.filter((s) => s === 'retry the screening level 0 mail').length).toBeGreaterThanOrEqual(
      3,
    );
  });

  it('marks mail failed beyond the configured period: the case shows it and the next rung says the previous one was not reached', async () => {
    const { handle, caseId, reference } = await startCase(h.env.client, h.db.prisma, h.taskQueue, {
      urgent: true,
    });
    await waitForCaseOpened(reference, 2);
    const deadline = await screeningDeadline(handle);
    await smtpDown();
    // Retries every 10 minutes by then: the attempt that sees the limit passed is within 10 min.
    await sleepUntil(Date.parse(deadline.dueAt) + GIVE_UP_AFTER + 15 * MINUTE);
    const failed = await eventually('the reminder marked failed', async () => {
      const row = await notification(caseId, 0, 'staff-demo-handler');
      return row.status === 'failed' ? row : undefined;
    });
    expect(failed.lastError).toMatch(/unreachable for \d+ s \(limit 3600 s\)/);

    await smtpUp();
    await sleepUntil(Date.parse(deadline.dueAt) + GIVE_UP_AFTER + 30 * MINUTE);
    const v = await eventually('the supervisor and coordinator rungs', async () => {
      const current = await view(handle);
      return current.openEscalations.length === 3 ? current : undefined;
    });
    expect(v.openEscalations.map((e) => [e.level, e.notified, e.delivery])).toEqual([
      [0, false, 'failed'],
      [1, true, 'sent'],
      [2, true, 'sent'],
    ]);
    expect(v.notificationIssues).toEqual([
      expect.objectContaining({ about: 'screening', level: 0, problem: 'failed', roles: ['handler'] }),
    ]);
    expect(await audit(caseId)).toContain('notification.failed');

    const sent = await mails(reference, ESCALATIONS);
    expect(sent.map((m) => m.to).sort()).toEqual(['coordinator@demo.example', 'supervisor@demo.example']);
    expect(sent.find((m) => m.to === 'supervisor@demo.example')?.text).toContain(
      'تعذر الوصول إلى المستوى السابق (المساعد الاجتماعي المكلف بالملف).',
    );
    expect(sent.find((m) => m.to === 'coordinator@demo.example')?.text).not.toContain(
      'n’a pas pu être joint',
    );
  });

  it('falls through to the next rung when nobody holds a role, and reports it on the case', async () => {
    const { handle, caseId, reference } = await startCase(h.env.client, h.db.prisma, h.taskQueue, {
      province: 'TST1',
      urgent: true,
    });
    // Opened: both handlers, and the coordinator in place of the missing supervisor.
    const opened = await waitForCaseOpened(reference, 3);
    expect(opened.map((m) => [m.to, m.language]).sort()).toEqual([
      ['tst1-coordinator@tst1.example', 'fr'],
      ['tst1-handler-a@tst1.example', 'ar'],
      ['tst1-handler-b@tst1.example', 'en'],
    ]);
    expect(opened.find((m) => m.language === 'fr')?.text).toContain(
      'Personne n’occupe le rôle responsable de l’unité dans l’unité ; ce message vous revient.',
    );

    const deadline = await screeningDeadline(handle);
    await sleepUntil(Date.parse(deadline.dueAt) + 3 * HOUR);
    const rungs = await eventually('every rung', async () => {
      const found = await mails(reference, ESCALATIONS);
      return found.length >= 5 ? found : undefined;
    });
    expect(rungs.map((m) => [m.to, m.subject.replace(`[${reference}] `, '')]).sort()).toEqual(
      [
        ['tst1-handler-a@tst1.example', 'تذكير: حلّ أجل الاستقبال والاستماع'],
        ['tst1-handler-b@tst1.example', 'Reminder: reception and screening is due'],
        ['tst1-coordinator@tst1.example', 'Étape en retard : accueil, écoute et tri — niveau 1, coordinateur du centre d’accompagnement'],
        ['tst1-coordinator@tst1.example', 'Étape en retard : accueil, écoute et tri — niveau 2, coordinateur du centre d’accompagnement'],
        ['tst1-committee@tst1.example', 'Étape en retard : accueil, écoute et tri — niveau 3, secrétariat du comité provincial'],
      ].sort(),
    ); // prettier-ignore
    expect(rungs.find((m) => m.subject.includes('niveau 1'))?.text).toContain(
      'Ce message était destiné à : responsable de l’unité. Personne n’occupe ce rôle pour ce dossier ; il vous revient.',
    );

    const v = await view(handle);
    expect(v.openEscalations.map((e) => [e.level, e.delivery, e.fellThrough])).toEqual([
      [0, 'sent', []],
      [1, 'sent', ['supervisor']],
      [2, 'sent', []],
      [3, 'sent', []],
    ]);
    expect(v.notificationIssues.map((i) => [i.about, i.level, i.problem, i.roles])).toEqual([
      ['caseOpened', null, 'recipientMissing', ['supervisor']],
      ['screening', 1, 'recipientMissing', ['supervisor']],
    ]);
    const escalation = await h.db.prisma.escalation.findFirstOrThrow({ where: { caseId, level: 1 } });
    expect(escalation.recipientStaffId).toBe('tst1-coordinator');
    expect((await audit(caseId)).filter((a) => a === 'notification.recipientMissing')).toHaveLength(2);
  });

  it('sends the handler rung to the assigned handler only', async () => {
    const { handle, caseId, reference } = await startCase(h.env.client, h.db.prisma, h.taskQueue, {
      province: 'TST1',
      urgent: true,
    });
    await waitForCaseOpened(reference, 3);
    await handle.executeUpdate(assignmentUpdate, {
      args: [{ actorId: 'tst1-coordinator', assigneeId: 'tst1-handler-b' }],
    });
    const deadline = await screeningDeadline(handle);
    await sleepUntil(Date.parse(deadline.dueAt) + MINUTE);
    await eventually('the reminder', async () => (await mails(reference, ['reminder'])).length >= 1);
    await eventually('three rungs', async () => (await view(handle)).openEscalations.length === 3);
    expect((await mails(reference, ['reminder'])).map((m) => m.to)).toEqual(['tst1-handler-b@tst1.example']);
    expect(await h.db.prisma.notification.count({ where: { caseId, kind: 'reminder' } })).toBe(1);
  });

  it('reports a case nobody in the province can be told about', async () => {
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue, {
      province: 'TST2',
      urgent: true,
    });
    const deadline = await screeningDeadline(handle);
    await sleepUntil(Date.parse(deadline.dueAt) + 3 * HOUR);
    const v = await eventually('four rungs', async () => {
      const current = await view(handle);
      return current.openEscalations.length === 4 ? current : undefined;
    });
    expect(v.openEscalations.every((e) => !e.notified && e.delivery === 'noRecipient')).toBe(true);
    expect(v.notificationIssues.map((i) => [i.about, i.level, i.problem])).toEqual([
      ['caseOpened', null, 'noRecipient'],
      ['screening', 0, 'noRecipient'],
      ['screening', 1, 'noRecipient'],
      ['screening', 2, 'noRecipient'],
      ['screening', 3, 'noRecipient'],
    ]);
    const actions = await audit(caseId);
    expect(actions).toContain('notification.noRecipient');
    expect(actions.filter((a) => a === 'escalation.noRecipient')).toHaveLength(4);
    expect(await h.db.prisma.notification.count({ where: { caseId } })).toBe(0);
  });
});
