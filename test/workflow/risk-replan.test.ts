/**
 * Concerns and risk (issue 13, items 6–8) on the time-skipping server: urgency belongs to each
 * report; a change of risk re-plans every open deadline that depends on risk from its own clock;
 * a plan's stricter review frequency is honoured. Every expected instant is written out by hand
 * from protocol v1 and the 2030 calendar: items 7 and 8 first move the server's clock to a fixed
 * Tuesday in September / October 2030 (09:00 local, UTC+1; no holiday and no clock change until
 * 22 December 2030).
 */
import { randomUUID } from 'node:crypto';
import type { RiskLevel } from '../../protocol';
import {
  assessmentUpdate,
  caseViewQuery,
  concernSignal,
  planApprovalUpdate,
  planUpdate,
  reviewUpdate,
  screeningUpdate,
  type CaseView,
} from '../../workflows/case/definitions';
import {
  referralViewQuery,
  referralWorkflowId,
  type ReferralView,
} from '../../workflows/referral/definitions';
import { RiskLevelKey } from '../../workflows/search-attributes';
import { driveToFollowUp, HANDLER, SUPERVISOR, waitForDeadline } from '../support/case-steps';
import { clockAt, insertPlan, serverNow, startCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';
import { auditActions, DAY, endQuietly, HOUR, rejection, stepRecords, viewWhen } from '../support/safety';
import { eventually } from '../support/wait';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
});
afterAll(() => h?.stop());

const MINUTE = 60_000;
/** A day-counted deadline: the same local time n days on (no clock change in these tests' spans). */
const daysAfter = (from: Date, days: number) => new Date(from.getTime() + days * DAY).toISOString();

const screening = (risk: RiskLevel) => ({
  actorId: HANDLER,
  screeningId: randomUUID(),
  risk,
  immediateNeeds: false,
  categories: ['neglect'],
});
const concern = async (urgent: boolean, receivedAt: Date) => ({
  reportId: randomUUID(),
  urgent,
  receivedAt: receivedAt.toISOString(),
});
const screeningDue = (v: CaseView) => v.openDeadlines.find((d) => d.step === 'screening')?.dueAt;

describe('concerns and risk', () => {
  it('item 6: urgency belongs to each report; an urgent concern moves a pending normal screening earlier', async () => {
    // An urgent first report, screened; a later concern that is not urgent gets the normal 24 hours.
    const a = await startCase(h.env.client, h.db.prisma, h.taskQueue, { urgent: true });
    const urgentFirst = await waitForDeadline(a.handle, 'screening');
    const openedA = (await stepRecords(h, a.caseId, 'screening'))[0]!.openedAt;
    expect(urgentFirst.dueAt).toBe(new Date(openedA.getTime() + 2 * HOUR).toISOString());
    await a.handle.executeUpdate(screeningUpdate, { args: [screening('LOW')] });
    const laterAt = await serverNow(h.env.client);
    await a.handle.signal(concernSignal, await concern(false, laterAt));
    const later = await viewWhen(a.handle, 'the new screening', (v) => screeningDue(v) !== undefined);
    expect(screeningDue(later)).toBe(new Date(laterAt.getTime() + 24 * HOUR).toISOString());

    // A normal report pending screening; an hour later an urgent concern about the same child.
    const b = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    const normal = await waitForDeadline(b.handle, 'screening');
    const [record] = await stepRecords(h, b.caseId, 'screening');
    expect(normal.dueAt).toBe(new Date(record!.openedAt.getTime() + 24 * HOUR).toISOString());
    await h.env.sleep(HOUR);
    const urgentAt = await serverNow(h.env.client);
    const expected = new Date(urgentAt.getTime() + 2 * HOUR).toISOString();
    await b.handle.signal(concernSignal, await concern(true, urgentAt));
    const moved = await viewWhen(b.handle, 'the screening moved', (v) => screeningDue(v) !== normal.dueAt);
    expect(screeningDue(moved)).toBe(expected);
    // The same step record, its due instant moved (the statistics judge it by the new one), audited.
    const rows = await stepRecords(h, b.caseId, 'screening');
    expect(rows.map((r) => [r.id, r.dueAt.toISOString(), r.completedAt])).toEqual([
      [record!.id, expected, null],
    ]);
    const replanned = await h.db.prisma.auditEvent.findMany({
      where: { caseId: b.caseId, action: 'deadline.replanned' },
    });
    expect(replanned.map((e) => e.details)).toEqual([
      expect.objectContaining({ step: 'screening', dueBefore: normal.dueAt, dueAfter: expected }),
    ]);
    // A normal concern while the urgent clock runs changes nothing.
    await b.handle.signal(concernSignal, await concern(false, await serverNow(h.env.client)));
    await h.env.sleep(MINUTE);
    expect(screeningDue(await b.handle.query(caseViewQuery))).toBe(expected);

    // The ladder moved with it: nothing a minute before the new instant, three rungs at it.
    const escalations = () =>
      h.db.prisma.escalation.findMany({ where: { stepRecordId: record!.id }, orderBy: { level: 'asc' } });
    await h.env.sleep(Date.parse(expected) - MINUTE - (await h.env.currentTimeMs()));
    expect(await escalations()).toEqual([]);
    await h.env.sleep(2 * MINUTE);
    const fired = await eventually('the rungs at the new deadline', async () => {
      const e = await escalations();
      return e.length === 3 ? e : undefined;
    });
    expect(fired.map((e) => [e.level, e.role, e.firedAt.toISOString()])).toEqual([
      [0, 'handler', expected],
      [1, 'supervisor', expected],
      [2, 'coordinator', expected],
    ]);
    await endQuietly([a.handle, b.handle]);
  });

  it('item 7: a change of risk re-plans every open deadline that depends on risk; at review, a change with continue is refused', async () => {
    await clockAt(h.env, '2030-09-03T08:00:00.000Z'); // Tue 3 Sep 2030, 09:00 local
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    const approved = await driveToFollowUp(h.db.prisma, handle, 'MEDIUM', [
      { serviceType: 'medical', partnerId: 'partner-demo-health' },
    ]);
    const referralId = approved.referrals[0]!.referralId;
    const referral = h.env.client.workflow.getHandle(referralWorkflowId(referralId));
    await waitForDeadline(handle, 'review');
    const [review] = await stepRecords(h, caseId, 'review');
    const ack = await eventually('the acknowledgement deadline', async () => {
      const r = await h.db.prisma.stepRecord.findFirst({
        where: { caseId, step: 'referralAcknowledgement', subjectId: referralId },
      });
      return r ?? undefined;
    });
    // MEDIUM review: every 60 days, from the approval on Tue 3 Sep 2030 -> Sat 2 Nov, same local time.
    expect(review!.dueAt.toISOString()).toBe(daysAfter(review!.openedAt, 60));
    expect(review!.dueAt.toISOString()).toMatch(/^2030-11-02T08:/);
    // MEDIUM acknowledgement: 2 working days from Tue 3 Sep -> end of Thu 5 Sep (midnight local).
    expect(ack.dueAt.toISOString()).toBe('2030-09-05T23:00:00.000Z');
    const ackDue = async () =>
      ((await referral.query(referralViewQuery)) as ReferralView).openDeadlines.find(
        (d) => d.step === 'referralAcknowledgement',
      )?.dueAt;

    // At review, a changed risk with "continue" is refused: it goes back to assessment or the plan.
    const before: CaseView = await handle.query(caseViewQuery);
    const auditBefore = await auditActions(h, caseId);
    for (const risk of ['HIGH', 'LOW'] as const) {
      expect(
        await rejection(
          handle.executeUpdate(reviewUpdate, {
            args: [{ actorId: HANDLER, reviewId: randomUUID(), risk, decision: 'continue' }],
          }),
        ),
      ).toMatch(/reassess.*revisePlan/);
    }
    expect(await handle.query(caseViewQuery)).toEqual(before);
    expect(await auditActions(h, caseId)).toEqual(auditBefore);

    // Screened again at a lower risk: the open review follows it from its own clock (90 days, not 60).
    await handle.signal(concernSignal, await concern(false, await serverNow(h.env.client)));
    await waitForDeadline(handle, 'screening');
    const lower = await handle.executeUpdate(screeningUpdate, { args: [screening('LOW')] });
    expect(lower.step).toBe('followUp');
    // LOW: every 90 days from the same opening -> Mon 2 Dec 2030, same local time.
    const lowReview = daysAfter(review!.openedAt, 90);
    expect(lowReview).toMatch(/^2030-12-02T08:/);
    expect(lowReview).not.toBe(review!.dueAt.toISOString());
    expect(lower.openDeadlines.find((d) => d.step === 'review')?.dueAt).toBe(lowReview);
    expect((await stepRecords(h, caseId, 'review')).map((r) => [r.id, r.dueAt.toISOString()])).toEqual([
      [review!.id, lowReview],
    ]);

    // Screened again at a higher risk: back to assessment (HIGH: 3 working days), and the running
    // referral's acknowledgement is re-planned from the instant it was sent (1 working day).
    await handle.signal(concernSignal, await concern(false, await serverNow(h.env.client)));
    await waitForDeadline(handle, 'screening');
    const higher = await handle.executeUpdate(screeningUpdate, { args: [screening('HIGH')] });
    expect(higher.step).toBe('assessment');
    // HIGH: 1 working day from the referral sent on Tue 3 Sep -> end of Wed 4 Sep.
    const highAck = '2030-09-04T23:00:00.000Z';
    expect(highAck).not.toBe(ack.dueAt.toISOString());
    await eventually('the acknowledgement re-planned', async () => (await ackDue()) === highAck);
    expect(
      (await h.db.prisma.stepRecord.findUniqueOrThrow({ where: { id: ack.id } })).dueAt.toISOString(),
    ).toBe(highAck);
    await eventually(
      'the referral shows the new risk to operators',
      async () => (await referral.describe()).typedSearchAttributes.get(RiskLevelKey) === 'HIGH',
    );

    // The assessment lowers the risk again: the acknowledgement goes back to 2 working days.
    await handle.executeUpdate(assessmentUpdate, {
      args: [{ actorId: HANDLER, assessmentId: randomUUID(), risk: 'MEDIUM' }],
    });
    await eventually(
      'the acknowledgement re-planned again',
      async () => (await ackDue()) === ack.dueAt.toISOString(),
    );

    // The next review interval follows the risk of the day.
    const plan = await insertPlan(h.db.prisma, caseId, [
      { serviceType: 'medical', partnerId: 'partner-demo-health' },
    ]);
    await handle.executeUpdate(planUpdate, { args: [{ actorId: HANDLER, ...plan }] });
    await handle.executeUpdate(planApprovalUpdate, { args: [{ actorId: SUPERVISOR, decision: 'approve' }] });
    const reviews = await eventually('the next review', async () => {
      const r = await stepRecords(h, caseId, 'review');
      return r.length === 2 ? r : undefined;
    });
    // MEDIUM again: 60 days from this approval (still Tue 3 Sep 2030) -> Sat 2 Nov.
    expect(reviews[1]!.dueAt.toISOString()).toBe(daysAfter(reviews[1]!.openedAt, 60));
    expect(reviews[1]!.dueAt.toISOString()).toMatch(/^2030-11-02T08:/);
  });

  it("item 8: the plan's reviewFrequencyDays is honoured when stricter than the protocol's interval", async () => {
    await clockAt(h.env, '2030-10-01T08:00:00.000Z'); // Tue 1 Oct 2030, 09:00 local
    const planned = async (reviewFrequencyDays: number) => {
      const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
      await waitForDeadline(handle, 'screening');
      await handle.executeUpdate(screeningUpdate, { args: [screening('MEDIUM')] });
      await handle.executeUpdate(assessmentUpdate, {
        args: [{ actorId: HANDLER, assessmentId: randomUUID() }],
      });
      const plan = await insertPlan(h.db.prisma, caseId, [
        { serviceType: 'familySupport', partnerId: 'partner-demo-association' },
      ]);
      await handle.executeUpdate(planUpdate, { args: [{ actorId: HANDLER, ...plan, reviewFrequencyDays }] });
      await handle.executeUpdate(planApprovalUpdate, {
        args: [{ actorId: SUPERVISOR, decision: 'approve' }],
      });
      await waitForDeadline(handle, 'review');
      return (await stepRecords(h, caseId, 'review'))[0]!;
    };
    // Every 14 days, where MEDIUM would give 60.
    const strict = await planned(14);
    expect(strict.dueAt.getTime() - strict.openedAt.getTime()).toBe(14 * DAY);
    // Every 100 days is laxer than the protocol: the protocol's 60 days stand.
    const lax = await planned(100);
    // 60 days from Tue 1 Oct 2030 -> Sat 30 Nov, same local time (UTC+1 throughout).
    expect(lax.dueAt.getTime() - lax.openedAt.getTime()).toBe(60 * DAY);
    expect(lax.dueAt.toISOString()).toMatch(/^2030-11-30T08:/);
  });
});
