/**
 * The committees' monthly report on the Temporal dev server (it has schedules; the workflow has no
 * timer, so real time costs nothing): the seeded October (test/support/report-seed.ts) mailed to
 * each province's committee secretariat in their language, with the charts as inline PNGs; run
 * again, nothing is sent twice; the worker's schedule created once and kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { PNG } from 'pngjs';
import { previousMonth } from '../../activities/reports/period';
import { MONTHLY_REPORT_SCHEDULE_ID, ensureMonthlyReportSchedule } from '../../worker/report-schedule';
import type { MonthlyReportSummary } from '../../workflows/reports/types';
import { createHarness, type Harness } from '../support/harness';
import { seedOctober2026, type SeededMonth } from '../support/report-seed';
import { eventually } from '../support/wait';

const OUT = path.resolve(__dirname, '..', '..', 'test-results', 'monthly-report');

let h: Harness;
let seed: SeededMonth;
beforeAll(async () => {
  h = await createHarness({ server: 'dev' });
  await h.startWorker();
  seed = await seedOctober2026(h.db.prisma);
  // A second member of DEMO's committee secretariat who reads Arabic.
  await h.db.prisma.staff.create({
    data: {
      id: 'staff-demo-committee-ar',
      provinceCode: 'DEMO',
      unitId: 'unit-demo-cape',
      role: 'committee',
      displayName: 'كتابة اللجنة الإقليمية',
      email: 'committee-ar@demo.example',
      language: 'ar',
    },
  });
  fs.mkdirSync(OUT, { recursive: true });
});
afterAll(() => h?.stop());

const reports = async (): Promise<ParsedMail[]> =>
  (await Promise.all(h.smtp.messages.map((m) => simpleParser(m.raw, { keepCidLinks: true })))).filter(
    (m) => m.headers.get('x-notification-kind') === 'provincialReport',
  );
const to = (m: ParsedMail) => (Array.isArray(m.to) ? m.to[0]?.text : m.to?.text);

const run = (month: string, id: string) =>
  h.env.client.workflow.execute('monthlyReportWorkflow', {
    taskQueue: h.taskQueue,
    workflowId: id,
    args: [{ month }],
  }) as Promise<MonthlyReportSummary>;

describe('monthly report', () => {
  it('mails each committee its province’s month, in its language, with both charts inline', async () => {
    const summary = await run('2026-10', 'monthly-report-2026-10-a');
    expect(summary).toEqual({
      month: '2026-10',
      results: [
        { province: 'DEMO', month: '2026-10', status: 'delivered', recipients: 2, delivered: 2, failed: 0 },
        { province: 'OTHR', month: '2026-10', status: 'delivered', recipients: 1, delivered: 1, failed: 0 },
      ],
    });
    const mails = await eventually('three reports', async () => {
      const found = await reports();
      return found.length === 3 ? found : undefined;
    });
    const byRecipient = new Map(mails.map((m) => [to(m), m]));
    const fr = byRecipient.get('committee@demo.example');
    const ar = byRecipient.get('committee-ar@demo.example');
    const othr = byRecipient.get('committee@othr.example');
    if (!fr || !ar || !othr) throw new Error(`missing a report: ${[...byRecipient.keys()].join(', ')}`);

    expect(fr.subject).toBe(
      'Statistiques de protection de l’enfance — Province de démonstration (DEMO) — octobre 2026',
    );
    expect(ar.subject).toBe('إحصائيات حماية الطفولة — إقليم تجريبي (DEMO) — أكتوبر 2026');
    expect(fr.messageId).toBe('<provincial-report.DEMO.2026-10.staff-demo-committee@test.local>');
    expect(fr.html).toContain('dir="ltr"');
    expect(ar.html).toContain('dir="rtl"');
    // The figures of the seed (hand-computed in report-statistics.test.ts), in words and numbers.
    expect(fr.text).toContain('Signalements reçus | Nombre: 6');
    expect(fr.text).toContain('accueil, écoute et tri | Ouvertes en fin de période: 1 | Réalisées: 5');
    expect(ar.text).toContain('التبليغات الواردة | العدد: 6');
    expect(othr.text).toContain('Signalements reçus | Nombre: 1');

    for (const [name, mail] of [
      ['fr', fr],
      ['ar', ar],
    ] as const) {
      expect(mail.html).toContain('src="cid:on-time-share@report"');
      expect(mail.html).toContain('src="cid:cases-per-step@report"');
      expect(mail.attachments.map((a) => [a.cid, a.contentType, a.contentDisposition])).toEqual([
        ['cases-per-step@report', 'image/png', 'inline'],
        ['on-time-share@report', 'image/png', 'inline'],
      ]);
      // The mail as a page to open, its images beside it.
      fs.writeFileSync(
        path.join(OUT, `report-${name}.html`),
        (mail.html || '').replace(/cid:([a-z-]+)@report/g, `$1-${name}.png`),
      );
      const sizes = mail.attachments.map((a) => {
        const png = PNG.sync.read(a.content);
        fs.writeFileSync(path.join(OUT, `${a.cid?.split('@')[0]}-${name}.png`), a.content);
        return [a.cid, png.width, png.height];
      });
      // Cases per step: 4 steps open at the end (screening, judicial, assessment, referral
      // acknowledgement) → 56 + 4 × 30 + 16; on time: 7 steps fell due → 56 + 7 × 30 + 16.
      expect(sizes).toEqual([
        ['cases-per-step@report', 720, 192],
        ['on-time-share@report', 720, 282],
      ]);
    }
    // The Arabic charts are not the French ones.
    expect(ar.attachments[1]?.content.equals(fr.attachments[1]?.content ?? Buffer.alloc(0))).toBe(false);

    // Counts only: no child, no case ID, no reference.
    for (const mail of mails) {
      const all = `${mail.subject}\n${mail.text}\n${mail.html}`;
      for (const id of Object.values(seed.cases)) expect(all).not.toContain(id);
      expect(all).not.toMatch(/Seedc|Reportchild|DEMO-2026/);
    }
  });

  it('sends nothing twice when the month is run again', async () => {
    const rows = await h.db.prisma.notification.count({ where: { kind: 'provincialReport' } });
    const before = h.smtp.messages.length;
    const again = await run('2026-10', 'monthly-report-2026-10-b');
    expect(again.results.map((r) => [r.province, r.status, r.recipients])).toEqual([
      ['DEMO', 'delivered', 2],
      ['OTHR', 'delivered', 1],
    ]);
    expect(await h.db.prisma.notification.count({ where: { kind: 'provincialReport' } })).toBe(rows);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.smtp.messages.length).toBe(before);
  });

  it('reports a province with nobody in its committee instead of sending nowhere', async () => {
    await h.db.prisma.staff.updateMany({
      where: { provinceCode: 'OTHR', role: 'committee' },
      data: { active: false },
    });
    try {
      const summary = await run('2026-09', 'monthly-report-2026-09');
      expect(summary.results.find((r) => r.province === 'OTHR')).toEqual({
        province: 'OTHR',
        month: '2026-09',
        status: 'noRecipient',
        recipients: 0,
        delivered: 0,
        failed: 0,
      });
      const audit = await h.db.prisma.auditEvent.findFirst({ where: { action: 'report.noRecipient' } });
      expect(audit?.entityId).toBe('OTHR/2026-09');
    } finally {
      await h.db.prisma.staff.updateMany({
        where: { provinceCode: 'OTHR', role: 'committee' },
        data: { active: true },
      });
    }
  });

  it('refuses a month that does not exist, at once', async () => {
    await expect(run('2026-13', 'monthly-report-bad')).rejects.toThrow();
    const handle = h.env.client.workflow.getHandle('monthly-report-bad');
    const history = await handle.fetchHistory();
    const failed = history.events?.find((e) => e.activityTaskFailedEventAttributes);
    expect(failed?.activityTaskFailedEventAttributes?.failure?.message).toBe(
      'month: expected a month YYYY-MM',
    );
  });

  it('is scheduled by the worker once a month, and a triggered run reports the month before', async () => {
    expect(await ensureMonthlyReportSchedule(h.env.client, { taskQueue: h.taskQueue })).toBe('created');
    expect(await ensureMonthlyReportSchedule(h.env.client, { taskQueue: h.taskQueue })).toBe('kept');
    const schedule = h.env.client.schedule.getHandle(MONTHLY_REPORT_SCHEDULE_ID);
    const described = await schedule.describe();
    expect(described.spec.timezone).toBe('Africa/Casablanca');
    const calendar = described.spec.calendars?.[0];
    expect(calendar?.dayOfMonth).toEqual([{ start: 1, end: 1, step: 1 }]);
    expect(calendar?.hour).toEqual([{ start: 6, end: 6, step: 1 }]);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'monthlyReportWorkflow' });
    expect(described.policies.overlap).toBe('SKIP');

    const expectedMonth = previousMonth(new Date(), 'Africa/Casablanca');
    await schedule.trigger();
    const action = await eventually('the triggered run', async () => {
      const info = (await schedule.describe()).info;
      return info.recentActions[0]?.action.workflow;
    });
    const summary: MonthlyReportSummary = await h.env.client.workflow
      .getHandle(action.workflowId, action.firstExecutionRunId)
      .result();
    expect(summary.month).toBe(expectedMonth);
    expect(summary.results.map((r) => r.province)).toEqual(['DEMO', 'OTHR']);
    await schedule.delete();
  });
});
