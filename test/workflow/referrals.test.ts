/** Referrals as child workflows: unacknowledged → the coordinator hears of it; a decline forces a re-referral. */
import type { WorkflowHandle } from '@temporalio/client';
import { caseViewQuery, referralUpdate, type CaseView } from '../../workflows/case/definitions';
import {
  declineUpdate,
  referralWorkflowId,
  acknowledgementUpdate,
  startUpdate,
  outcomeUpdate,
} from '../../workflows/referral/definitions';
import { driveToFollowUp, HANDLER, waitForDeadline } from '../support/case-steps';
import { startCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';
import { eventually } from '../support/wait';
import {
  EscalationLevelKey,
  NextDeadlineKey,
  OverdueKey,
  ProvinceKey,
} from '../../workflows/search-attributes';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
});
afterAll(() => h?.stop());

const PARTNER = 'staff-demo-partner';

/** What an operator's visibility query sees of a workflow. */
async function operatorView(handle: { describe(): Promise<{ typedSearchAttributes: TypedAttributes }> }) {
  const a = (await handle.describe()).typedSearchAttributes;
  return {
    province: a.get(ProvinceKey),
    overdue: a.get(OverdueKey),
    level: a.get(EscalationLevelKey),
    next: a.get(NextDeadlineKey)?.toISOString() ?? null,
  };
}
type TypedAttributes = Awaited<ReturnType<WorkflowHandle['describe']>>['typedSearchAttributes'];

describe('referrals', () => {
  it('escalates an unacknowledged referral to the coordinator', async () => {
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    const view = await driveToFollowUp(h.db.prisma, handle, 'HIGH', [
      { serviceType: 'medical', partnerId: 'partner-demo-health' },
    ]);
    expect(view.referrals).toHaveLength(1);
    const referralId = view.referrals[0]?.referralId ?? '';
    const referral = h.env.client.workflow.getHandle(referralWorkflowId(referralId));
    const ack = await eventually('the acknowledgement deadline', async () => {
      const r = await h.db.prisma.stepRecord.findFirst({
        where: { caseId, step: 'referralAcknowledgement', subjectId: referralId },
      });
      return r ?? undefined;
    });
    // Operators see the referral itself (Province = "DEMO" AND Overdue = true lists it when late),
    // once the workflow has taken in its opened deadline (the step row is written just before).
    const published = await eventually('the referral in the operators view', async () => {
      const v = await operatorView(referral);
      return v.province ? v : undefined;
    });
    expect(published).toEqual({
      province: 'DEMO',
      overdue: false,
      level: -1,
      next: ack.dueAt.toISOString(),
    });
    // HIGH: 1 working day to acknowledge; the coordinator is told a working day after that.
    await h.env.sleep(ack.dueAt.getTime() - (await h.env.currentTimeMs()) + 60_000);
    await h.env.sleep(7 * 24 * 3_600_000); // a working day, whatever weekend or Eid falls in it
    const rows = await eventually('referral escalations', async () => {
      const found = await h.db.prisma.escalation.findMany({
        where: { caseId, step: 'referralAcknowledgement' },
        orderBy: { level: 'asc' },
      });
      return found.some((e) => e.role === 'coordinator') ? found : undefined;
    });
    expect(rows.map((e) => e.role)).toContain('coordinator');
    expect(new Set(rows.map((e) => e.level)).size).toBe(rows.length);
    const row = await h.db.prisma.referral.findUniqueOrThrow({ where: { id: referralId } });
    expect(row.status).toBe('requested');
    // The highest rung the referral reached (the committee, five working days after the deadline),
    // once the workflow has taken in the last rung's result.
    const escalated = await eventually('the highest rung in the operators view', async () => {
      const v = await operatorView(referral);
      const fired = await h.db.prisma.escalation.findMany({
        where: { caseId, step: 'referralAcknowledgement' },
        select: { level: true },
      });
      const highest = Math.max(...fired.map((e) => e.level));
      return v.level === highest ? { v, highest } : undefined;
    });
    expect(escalated.v).toMatchObject({
      province: 'DEMO',
      overdue: true,
      level: escalated.highest,
    });

    // Acknowledging late still works, closes the rungs and puts the service start on the clock.
    await referral.executeUpdate(acknowledgementUpdate, { args: [{ actorId: PARTNER }] });
    // The service start counts from the referral being sent: already late after a late
    // acknowledgement, so its own rungs fire at once; the operators see those, the acknowledgement's
    // are resolved.
    const acknowledged = await eventually('the service start’s rungs in the operators view', async () => {
      const v = await operatorView(referral);
      const fired = await h.db.prisma.escalation.findMany({
        where: { caseId, step: 'serviceStart' },
        select: { level: true },
      });
      const highest = Math.max(...fired.map((e) => e.level));
      return fired.length > 0 && v.level === highest ? v : undefined;
    });
    expect(acknowledged.overdue).toBe(true);
    const unresolved = await h.db.prisma.escalation.count({
      where: { caseId, step: 'referralAcknowledgement', resolvedAt: null },
    });
    expect(unresolved).toBe(0);
    await referral.executeUpdate(startUpdate, { args: [{ actorId: PARTNER }] });
    expect(await operatorView(referral)).toEqual({ province: 'DEMO', overdue: false, level: -1, next: null });
    await referral.executeUpdate(outcomeUpdate, { args: [{ actorId: PARTNER, outcome: 'completed' }] });
    await referral.result();
    const done = await h.db.prisma.referral.findUniqueOrThrow({ where: { id: referralId } });
    expect(done.status).toBe('completed');
    expect(done.acknowledgedAt).not.toBeNull();
    expect(done.startedAt).not.toBeNull();
    const caseView = await eventually('the case to learn of the outcome', async () => {
      const v: CaseView = await handle.query(caseViewQuery);
      return v.referrals[0]?.status === 'completed' ? v : undefined;
    });
    expect(caseView.referrals[0]?.status).toBe('completed');
  });

  it('forces a re-referral after a decline, on its own deadline', async () => {
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    const view = await driveToFollowUp(h.db.prisma, handle, 'MEDIUM', [
      { serviceType: 'education', partnerId: 'partner-demo-school' },
    ]);
    const referralId = view.referrals[0]?.referralId ?? '';
    const referral = h.env.client.workflow.getHandle(referralWorkflowId(referralId));
    await eventually(
      'the referral to start',
      async () => (await h.db.prisma.referral.findUnique({ where: { id: referralId } })) ?? undefined,
    );
    await referral.executeUpdate(declineUpdate, {
      args: [{ actorId: PARTNER, reason: 'no places this term' }],
    });
    const reassignment = await waitForDeadline(handle, 'referralReassignment', referralId);
    expect(reassignment.subjectId).toBe(referralId);
    const declined = await h.db.prisma.referral.findUniqueOrThrow({ where: { id: referralId } });
    expect(declined.status).toBe('declined');
    expect(declined.declineReason).toBe('no places this term');

    const after = await handle.executeUpdate(referralUpdate, {
      args: [
        {
          actorId: HANDLER,
          serviceType: 'education',
          partnerId: 'partner-demo-association',
          replaces: referralId,
        },
      ],
    });
    expect(after.openDeadlines.find((d) => d.step === 'referralReassignment')).toBeUndefined();
    expect(after.referrals.map((r) => r.status)).toEqual(['declined', 'requested']);
    const record = await h.db.prisma.stepRecord.findFirstOrThrow({
      where: { caseId, step: 'referralReassignment' },
    });
    expect(record.completedAt).not.toBeNull();
  });
});
