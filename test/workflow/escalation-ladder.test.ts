/**
 * Deadlines and the escalation ladder on Temporal's time-skipping server with the real default
 * durations of protocol v1: days pass in seconds, and every rung must fire at its instant, once.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { simpleParser } from 'mailparser';
import { caseViewQuery, screeningUpdate, type CaseView } from '../../workflows/case/definitions';
import { startCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';
import { eventually } from '../support/wait';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
});
afterAll(() => h?.stop());

const HOUR = 3_600_000;
const MINUTE = 60_000;

async function sleepUntil(instant: string | number) {
  const target = typeof instant === 'number' ? instant : Date.parse(instant);
  const now = await h.env.currentTimeMs();
  if (target > now) await h.env.sleep(target - now);
}

async function openDeadline(handle: WorkflowHandle, step: string) {
  return eventually(`an open ${step} deadline`, async () => {
    const view: CaseView = await handle.query(caseViewQuery);
    return view.openDeadlines.find((d) => d.step === step);
  });
}

async function escalations(caseId: string, step: string) {
  return h.db.prisma.escalation.findMany({ where: { caseId, step }, orderBy: { level: 'asc' } });
}

/** Reminders and escalations about a case (not its "case opened" notice). */
async function mailTo(reference: string) {
  const parsed = await Promise.all(h.smtp.messages.map((m) => simpleParser(m.raw)));
  return parsed
    .filter((m) => (m.subject ?? '').includes(reference))
    .filter((m) => ['reminder', 'escalation'].includes(String(m.headers.get('x-notification-kind'))))
    .map((m) => ({ to: m.to && !Array.isArray(m.to) ? m.to.text : '', subject: m.subject ?? '' }));
}

const screening = (risk: 'IMMEDIATE' | 'HIGH' | 'MEDIUM' | 'LOW', categories: string[] = ['neglect']) => ({
  actorId: 'staff-demo-handler',
  screeningId: `screening-${risk}`,
  risk,
  immediateNeeds: false,
  categories,
});

describe('escalation ladder', () => {
  it('puts a HIGH assessment after a Thursday screening 3 working days later, across a holiday, a weekend and the year end, and climbs the ladder on working days', async () => {
    // Thursday 31 December 2026, 10:00 in Casablanca (UTC+1).
    await sleepUntil('2026-12-31T09:00:00Z');
    const { handle, caseId, reference } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    await openDeadline(handle, 'screening');
    await handle.executeUpdate(screeningUpdate, { args: [screening('HIGH')] });
    const assessment = await openDeadline(handle, 'assessment');
    // 1 Jan (holiday), 2-3 Jan (weekend), then Mon 4, Tue 5, Wed 6: due at the end of Wednesday.
    expect(assessment.dueAt).toBe('2027-01-06T23:00:00.000Z');

    await sleepUntil(Date.parse(assessment.dueAt) - MINUTE);
    expect(await escalations(caseId, 'assessment')).toHaveLength(0);

    // At the deadline: a reminder to the assigned handler (level 0), nobody else.
    await sleepUntil(Date.parse(assessment.dueAt) + MINUTE);
    await eventually('the reminder', async () => (await escalations(caseId, 'assessment')).length === 1);
    // +1 working day (end of Thursday 7 January): the supervisor.
    await sleepUntil('2027-01-07T22:59:00Z');
    expect((await escalations(caseId, 'assessment')).map((e) => e.level)).toEqual([0]);
    await sleepUntil('2027-01-07T23:01:00Z');
    await eventually(
      'the supervisor rung',
      async () => (await escalations(caseId, 'assessment')).length === 2,
    );
    // +3 working days: Thu 7, Fri 8, then Monday 11 January (Independence Manifesto) is skipped:
    // end of Tuesday 12.
    await sleepUntil('2027-01-12T22:59:00Z');
    expect(await escalations(caseId, 'assessment')).toHaveLength(2);
    await sleepUntil('2027-01-12T23:01:00Z');
    await eventually(
      'the coordinator rung',
      async () => (await escalations(caseId, 'assessment')).length === 3,
    );
    // +5 working days: Wed 13, then Thursday 14 January (Amazigh new year) is skipped: end of Friday 15.
    await sleepUntil('2027-01-15T22:59:00Z');
    expect(await escalations(caseId, 'assessment')).toHaveLength(3);
    await sleepUntil('2027-01-15T23:01:00Z');
    await eventually(
      'the committee rung',
      async () => (await escalations(caseId, 'assessment')).length === 4,
    );

    const rows = await escalations(caseId, 'assessment');
    expect(rows.map((e) => [e.level, e.role, e.firedAt.toISOString()])).toEqual([
      [0, 'handler', '2027-01-06T23:00:00.000Z'],
      [1, 'supervisor', '2027-01-07T23:00:00.000Z'],
      [2, 'coordinator', '2027-01-12T23:00:00.000Z'],
      [3, 'committee', '2027-01-15T23:00:00.000Z'],
    ]);
    // Nothing more fires later: each rung exactly once.
    await h.env.sleep(30 * 24 * HOUR);
    expect(await escalations(caseId, 'assessment')).toHaveLength(4);
    const mails = await mailTo(reference);
    expect(mails.map((m) => m.to).sort()).toEqual(
      [
        'committee@demo.example',
        'coordinator@demo.example',
        'handler@demo.example',
        'supervisor@demo.example',
      ].sort(),
    );
    const view: CaseView = await handle.query(caseViewQuery);
    expect(view.openEscalations.map((e) => e.level)).toEqual([0, 1, 2, 3]);
    expect(view.openDeadlines.find((d) => d.step === 'assessment')?.overdue).toBe(true);
  });

  it('escalates an urgent report left unscreened in clock hours: supervisor and coordinator at 2 h, committee 2 h later', async () => {
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue, { urgent: true });
    const deadline = await openDeadline(handle, 'screening');
    const opened = await h.env.currentTimeMs();
    expect(Date.parse(deadline.dueAt) - opened).toBeGreaterThan(2 * HOUR - MINUTE);
    expect(Date.parse(deadline.dueAt) - opened).toBeLessThanOrEqual(2 * HOUR);

    await sleepUntil(Date.parse(deadline.dueAt) - MINUTE);
    expect(await escalations(caseId, 'screening')).toHaveLength(0);
    await sleepUntil(Date.parse(deadline.dueAt) + MINUTE);
    await eventually(
      'three rungs at the deadline',
      async () => (await escalations(caseId, 'screening')).length === 3,
    );
    expect((await escalations(caseId, 'screening')).map((e) => e.role)).toEqual([
      'handler',
      'supervisor',
      'coordinator',
    ]);
    await sleepUntil(Date.parse(deadline.dueAt) + 2 * HOUR - MINUTE);
    expect(await escalations(caseId, 'screening')).toHaveLength(3);
    await sleepUntil(Date.parse(deadline.dueAt) + 2 * HOUR + MINUTE);
    await eventually('the committee', async () => (await escalations(caseId, 'screening')).length === 4);

    // Doing the step closes every open escalation and records the lateness.
    await handle.executeUpdate(screeningUpdate, { args: [screening('MEDIUM')] });
    const record = await h.db.prisma.stepRecord.findFirstOrThrow({ where: { caseId, step: 'screening' } });
    expect(record.completedAt).not.toBeNull();
    expect(Number(record.lateByMs)).toBeGreaterThan(2 * HOUR);
    expect((await escalations(caseId, 'screening')).every((e) => e.resolvedAt !== null)).toBe(true);
    const view: CaseView = await handle.query(caseViewQuery);
    expect(view.openEscalations).toEqual([]);
    expect(view.stepsLate).toBe(1);
  });

  it('sends nothing when the step is done on time', async () => {
    const { handle, caseId, reference } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    const deadline = await openDeadline(handle, 'screening');
    await sleepUntil(Date.parse(deadline.dueAt) - HOUR);
    await handle.executeUpdate(screeningUpdate, { args: [screening('LOW')] });
    await h.env.sleep(5 * 24 * HOUR);
    expect(await escalations(caseId, 'screening')).toHaveLength(0);
    expect((await mailTo(reference)).length).toBe(0);
    const record = await h.db.prisma.stepRecord.findFirstOrThrow({ where: { caseId, step: 'screening' } });
    expect(Number(record.lateByMs)).toBe(0);
    const view: CaseView = await handle.query(caseViewQuery);
    expect(view.step).toBe('assessment');
    expect(view.stepsOnTime).toBe(1);
  });
});
