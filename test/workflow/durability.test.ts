/**
 * Durability: a worker killed while a deadline timer is pending still escalates on time after a
 * restart, and a two-year HIGH-risk case keeps its history bounded with continue-as-new.
 */
import { caseViewQuery, reviewUpdate, type CaseView } from '../../workflows/case/definitions';
import { driveToFollowUp, HANDLER, waitForDeadline } from '../support/case-steps';
import { startCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';
import { eventually } from '../support/wait';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterEach(() => h?.stopWorkers());
afterAll(() => h?.stop());

describe('durability', () => {
  it('escalates on time after the worker is stopped and replaced while the timer is pending', async () => {
    // The Java test server never times out a dead worker's sticky queue (the real server does after
    // 5 s), so the workers that stop in this test run without a workflow cache.
    const first = await h.startWorker({ sticky: false });
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue, { urgent: true });
    const deadline = await waitForDeadline(handle, 'screening');
    await h.env.sleep(60 * 60_000); // an hour into the two
    await first.stop();
    const second = await h.startWorker({ sticky: false });
    await h.env.sleep(Date.parse(deadline.dueAt) - (await h.env.currentTimeMs()) + 60_000);
    const rows = await eventually('the escalation after restart', async () => {
      const found = await h.db.prisma.escalation.findMany({ where: { caseId, step: 'screening' } });
      return found.length >= 3 ? found : undefined;
    });
    expect(rows.map((e) => e.firedAt.toISOString()).every((at) => at === deadline.dueAt)).toBe(true);
    await second.stop();
  });

  it('runs a two-year HIGH-risk case of monthly reviews in a bounded history', async () => {
    const worker = await h.startWorker();
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue, {
      maxHistoryEvents: 400,
    });
    await driveToFollowUp(h.db.prisma, handle, 'HIGH', [
      { serviceType: 'psychological', partnerId: 'partner-demo-association' },
    ]);
    // Every run id, seen as the case continues-as-new (each run answers at least one review).
    const runs = new Set<string>();
    let reviews = 0;
    const start = await h.env.currentTimeMs();
    while ((await h.env.currentTimeMs()) - start < 730 * 24 * 3_600_000) {
      const review = await waitForDeadline(handle, 'review');
      await h.env.sleep(Date.parse(review.dueAt) - (await h.env.currentTimeMs()) - 3_600_000);
      const updated = await handle.executeUpdate(reviewUpdate, {
        args: [{ actorId: HANDLER, reviewId: `review-${reviews}`, risk: 'HIGH', decision: 'continue' }],
      });
      expect(updated.step).toBe('followUp');
      reviews += 1;
      runs.add((await handle.describe()).runId);
    }
    // Count every event of every run of this case.
    let events = 0;
    let maxRun = 0;
    runs.add(handle.firstExecutionRunId ?? '');
    const runIds = [...runs].filter(Boolean);
    for (const runId of runIds) {
      const history = await h.env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
      const count = history.events?.length ?? 0;
      events += count;
      maxRun = Math.max(maxRun, count);
    }
    console.log(
      `two-year HIGH case: ${reviews} reviews, ${runIds.length} runs, ${events} events in all, largest run ${maxRun} events`,
    );
    expect(reviews).toBeGreaterThanOrEqual(24);
    expect(runIds.length).toBeGreaterThan(1);
    expect(events).toBeLessThan(10_000);
    expect(maxRun).toBeLessThan(1_000);
    const view: CaseView = await handle.query(caseViewQuery);
    expect(view.stepsLate).toBe(0);
    // Every review was on time; the partner never acknowledged the referral, whose ladder fired once
    // per rung in two years (handler, coordinator, committee).
    const escalated = await h.db.prisma.escalation.findMany({ where: { caseId }, orderBy: { level: 'asc' } });
    expect(escalated.filter((e) => e.step === 'review')).toEqual([]);
    expect(escalated.map((e) => [e.step, e.level])).toEqual([
      ['referralAcknowledgement', 0],
      ['referralAcknowledgement', 2],
      ['referralAcknowledgement', 3],
    ]);
    await worker.stop();
  });
});
