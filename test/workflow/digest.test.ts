/**
 * The supervisors' daily digest on the time-skipping server: run as the schedule runs it, on fixed
 * dates (working days, a public holiday), against real cases, PostgreSQL and SMTP.
 */
import { Client } from '@temporalio/client';
import { simpleParser } from 'mailparser';
import { caseViewQuery, screeningUpdate, type CaseView } from '../../workflows/case/definitions';
import { supervisorDigestWorkflow } from '../../workflows';
import { startCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';
import { testDataConverter } from '../support/temporal';
import { eventually } from '../support/wait';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
});
afterAll(() => h?.stop());

async function sleepUntil(iso: string) {
  const now = await h.env.currentTimeMs();
  if (Date.parse(iso) > now) await h.env.sleep(Date.parse(iso) - now);
}

let runs = 0;
// A plain client: the test environment's own would skip time while waiting for the result.
const runDigest = () =>
  new Client({ connection: h.env.connection, dataConverter: testDataConverter() }).workflow.execute(
    supervisorDigestWorkflow,
    { taskQueue: h.taskQueue, workflowId: `digest-test-${++runs}` },
  );

async function digests() {
  const parsed = await Promise.all(h.smtp.messages.map((m) => simpleParser(m.raw)));
  return parsed
    .filter((m) => m.headers.get('x-notification-kind') === 'digest')
    .map((m) => ({
      to: m.to && !Array.isArray(m.to) ? m.to.text : '',
      subject: m.subject ?? '',
      text: m.text ?? '',
      html: typeof m.html === 'string' ? m.html : '',
    }));
}

const screen = (actorId: string) => ({
  actorId,
  screeningId: `screening-${actorId}`,
  risk: 'LOW' as const,
  immediateNeeds: false,
  categories: ['neglect'],
});

describe('supervisors’ daily digest', () => {
  it('lists each unit’s overdue steps to its supervisor on working days, once per date, and skips holidays', async () => {
    // Tuesday 5 January 2027, 10:00 in Casablanca: three reports, nobody screens them.
    await sleepUntil('2027-01-05T09:00:00Z');
    const demo = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    const urgent = await startCase(h.env.client, h.db.prisma, h.taskQueue, { urgent: true });
    const othr = await startCase(h.env.client, h.db.prisma, h.taskQueue, { province: 'OTHR' });
    for (const c of [demo, urgent, othr]) {
      await eventually('a screening deadline', async () => {
        const view: CaseView = await c.handle.query(caseViewQuery);
        return view.openDeadlines.length > 0;
      });
    }

    // Thursday 7 January, 07:45 in Casablanca (a quarter past the scheduled time, so that the
    // hours late are whole numbers away from rounding boundaries).
    await sleepUntil('2027-01-07T06:45:00Z');
    const thursday = await runDigest();
    expect(thursday).toEqual({
      date: '2027-01-07',
      workingDay: true,
      results: [
        { supervisorId: 'staff-demo-supervisor', status: 'sent', overdue: 2 },
        { supervisorId: 'staff-othr-supervisor', status: 'sent', overdue: 1 },
      ],
    });
    const [ar, fr] = await eventually('two digests', async () => {
      const found = await digests();
      return found.length === 2 ? [...found].sort((a, b) => a.to.localeCompare(b.to)) : undefined;
    });
    expect(ar?.to).toBe('supervisor@demo.example');
    expect(ar?.subject).toBe("[Unité de protection de l'enfance (démo)] مراحل متأخرة: 2 — 2027-01-07");
    expect(ar?.html).toContain('<html lang="ar" dir="rtl">');
    expect(ar?.text).toContain('مرحلتان متأخرتان');
    // Clock-hour steps: 24 h screening due Wed 10:00 (21¾ h ago), urgent 2 h due Tue 12:00 (43¾ h ago).
    expect(ar?.text).toContain(`الملف: ${urgent.reference} | المرحلة: الاستقبال والاستماع`);
    expect(ar?.text).toContain('التأخير: 44 ساعة');
    expect(ar?.text).toContain('التأخير: 22 ساعة');
    expect(ar?.html).toContain(`<a href="http://cases.test/desk/cases/${demo.caseId}">${demo.reference}</a>`);
    expect(ar?.text).not.toContain(othr.reference);
    expect(fr?.to).toBe('supervisor@othr.example');
    expect(fr?.subject).toBe("[Unité de protection de l'enfance (autre)] 1 étape(s) en retard — 2027-01-07");
    expect(fr?.text).toContain(othr.reference);
    expect(fr?.text).not.toContain(demo.reference);

    // Run again the same morning (a retried or duplicated schedule run): nothing new is sent.
    const again = await runDigest();
    expect(again.results.map((r) => [r.supervisorId, r.status])).toEqual([
      ['staff-demo-supervisor', 'sent'],
      ['staff-othr-supervisor', 'sent'],
    ]);
    expect(await digests()).toHaveLength(2);

    // Friday: two steps are done.
    await sleepUntil('2027-01-08T09:00:00Z');
    await urgent.handle.executeUpdate(screeningUpdate, { args: [screen('staff-demo-handler')] });
    await othr.handle.executeUpdate(screeningUpdate, { args: [screen('staff-othr-handler')] });

    // Monday 11 January is a public holiday (Independence Manifesto): no digest.
    await sleepUntil('2027-01-11T06:30:00Z');
    expect(await runDigest()).toEqual({ date: '2027-01-11', workingDay: false, results: [] });
    expect(await digests()).toHaveLength(2);

    // Tuesday 12 January: only what is still overdue; nothing for a unit with nothing overdue.
    await sleepUntil('2027-01-12T06:30:00Z');
    expect(await runDigest()).toEqual({
      date: '2027-01-12',
      workingDay: true,
      results: [
        { supervisorId: 'staff-demo-supervisor', status: 'sent', overdue: 1 },
        { supervisorId: 'staff-othr-supervisor', status: 'nothingOverdue', overdue: 0 },
      ],
    });
    const tuesday = (
      await eventually('the third digest', async () => {
        const found = await digests();
        return found.length === 3 ? found : undefined;
      })
    )[2];
    expect(tuesday?.subject).toContain('2027-01-12');
    expect(tuesday?.text).toContain(demo.reference);
    expect(tuesday?.text).not.toContain(urgent.reference);
  });
});
