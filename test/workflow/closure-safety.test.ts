/**
 * Closure never drops a safeguarding step (issue 13, items 1–4), on the time-skipping server with
 * the real worker, PostgreSQL and SMTP capture: closure is refused over an open screening,
 * emergency protection or judicial notification; a new concern withdraws a pending closure; a case
 * may be closed from screening for the reasons the protocol allows; the check-back follows the
 * closure reason.
 */
import { randomUUID } from 'node:crypto';
import {
  caseViewQuery,
  checkBackUpdate,
  closureApprovalUpdate,
  closureUpdate,
  concernSignal,
  emergencyUpdate,
  judicialNotificationUpdate,
  screeningUpdate,
  type CaseView,
} from '../../workflows/case/definitions';
import { HANDLER, SUPERVISOR, waitForDeadline } from '../support/case-steps';
import { serverNow, startCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';
import { auditActions, HOUR, mailsOfKind, rejection, stepRecords, viewWhen } from '../support/safety';
import { eventually } from '../support/wait';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
});
afterAll(() => h?.stop());

/** The closure request's row, as the API writes it in the transaction that sends the update. */
async function closureRow(caseId: string, reason: string, fromStep: string): Promise<string> {
  const id = randomUUID();
  await h.db.prisma.closure.create({
    data: { id, caseId, reason, fromStep, requestedAt: new Date(), requestedById: HANDLER },
  });
  return id;
}

const screening = (risk: string, categories = ['neglect'], immediateNeeds = false) => ({
  actorId: HANDLER,
  screeningId: randomUUID(),
  risk: risk as 'LOW',
  immediateNeeds,
  categories,
});

describe('closure', () => {
  it('item 1: closure request or approval over an open screening, emergency protection or judicial notification is refused (naming the step)', async () => {
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    await waitForDeadline(handle, 'screening');
    // An open screening: only untraceable / deceased may close over it (item 3), not objectivesMet.
    expect(
      await rejection(
        handle.executeUpdate(closureUpdate, { args: [{ actorId: HANDLER, reason: 'objectivesMet' }] }),
      ),
    ).toMatch(/screening/);
    await handle.executeUpdate(screeningUpdate, {
      args: [screening('IMMEDIATE', ['sexualAbuse'], true)],
    });
    const before: CaseView = await handle.query(caseViewQuery);
    expect(before.openDeadlines.map((d) => d.step).sort()).toEqual([
      'assessment',
      'emergency',
      'judicialNotification',
    ]);
    const auditBefore = await auditActions(h, caseId);
    const recordsBefore = (await stepRecords(h, caseId)).length;

    expect(
      await rejection(
        handle.executeUpdate(closureUpdate, { args: [{ actorId: HANDLER, reason: 'objectivesMet' }] }),
      ),
    ).toMatch(/emergency/);
    await handle.executeUpdate(emergencyUpdate, { args: [{ actorId: HANDLER, measures: ['medical'] }] });
    // Sending the notification is not enough: the prosecutor must acknowledge it.
    await handle.executeUpdate(judicialNotificationUpdate, { args: [{ actorId: HANDLER, status: 'sent' }] });
    expect(
      await rejection(
        handle.executeUpdate(closureUpdate, { args: [{ actorId: HANDLER, reason: 'objectivesMet' }] }),
      ),
    ).toMatch(/judicialNotification/);
    // Refusals change nothing: no closure step, no record, no audit event beyond the steps done.
    const after: CaseView = await handle.query(caseViewQuery);
    expect(after.step).toBe('assessment');
    expect(after.openDeadlines.map((d) => d.step).sort()).toEqual(['assessment', 'judicialNotification']);
    expect(await auditActions(h, caseId)).toEqual([...auditBefore, 'emergency', 'judicialNotification.sent']);
    expect((await stepRecords(h, caseId)).length).toBe(recordsBefore);

    // The approval is checked too: a closure from screening (untraceable) awaits the supervisor,
    // then the child is found and screened, which opens a mandatory judicial notification.
    const second = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    await waitForDeadline(second.handle, 'screening');
    await second.handle.executeUpdate(closureUpdate, { args: [{ actorId: HANDLER, reason: 'untraceable' }] });
    await second.handle.executeUpdate(screeningUpdate, { args: [screening('MEDIUM', ['sexualAbuse'])] });
    expect(
      await rejection(
        second.handle.executeUpdate(closureApprovalUpdate, {
          args: [{ actorId: SUPERVISOR, decision: 'approve' }],
        }),
      ),
    ).toMatch(/judicialNotification/);
    const pending: CaseView = await second.handle.query(caseViewQuery);
    expect(pending.step).toBe('closureApproval');
    expect(pending.openDeadlines.map((d) => d.step)).toContain('judicialNotification');
    const judicial = await stepRecords(h, second.caseId, 'judicialNotification');
    expect(judicial.map((r) => r.completedAt)).toEqual([null]);
    // The supervisor can still return it.
    const returned = await second.handle.executeUpdate(closureApprovalUpdate, {
      args: [{ actorId: SUPERVISOR, decision: 'return' }],
    });
    expect(returned.step).toBe('assessment');
  });

  it('item 2: a new concern while a closure awaits approval withdraws it: back to screening, the supervisor told once', async () => {
    const { handle, caseId, reference } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    await waitForDeadline(handle, 'screening');
    await handle.executeUpdate(screeningUpdate, { args: [screening('LOW')] });
    const assessment = await waitForDeadline(handle, 'assessment');
    const closureId = await closureRow(caseId, 'objectivesMet', 'assessment');
    const requested = await handle.executeUpdate(closureUpdate, {
      args: [{ actorId: HANDLER, reason: 'objectivesMet', closureId }],
    });
    expect(requested.step).toBe('closureApproval');
    const approval = (await stepRecords(h, caseId, 'closureApproval'))[0]!;

    // The concern was received three hours before it reached the case.
    const receivedAt = new Date((await serverNow(h.env.client)).getTime() - 3 * HOUR);
    const reportId = randomUUID();
    await handle.signal(concernSignal, { reportId, urgent: false, receivedAt: receivedAt.toISOString() });
    const withdrawn = await viewWhen(
      handle,
      'the closure withdrawn and the concern on the screening clock',
      (v) => v.step === 'screening' && v.openDeadlines.some((d) => d.step === 'screening'),
    );
    expect(withdrawn.closureReason).toBeNull();
    expect(withdrawn.closureWithdrawn).toEqual({
      reason: 'objectivesMet',
      reportId,
      at: expect.any(String),
    });
    // The screening clock started when the concern was received: 24 hours (not urgent).
    const screeningDeadline = withdrawn.openDeadlines.find((d) => d.step === 'screening');
    expect(screeningDeadline?.dueAt).toBe(new Date(receivedAt.getTime() + 24 * HOUR).toISOString());
    expect(withdrawn.openDeadlines.map((d) => d.step).sort()).toEqual(['assessment', 'screening']);

    // The closure approval deadline is cancelled (not done), and nothing more fires on it.
    const cancelled = await eventually('the approval cancelled', async () => {
      const r = await h.db.prisma.stepRecord.findUniqueOrThrow({ where: { id: approval.id } });
      return r.completedAt ? r : undefined;
    });
    expect(cancelled.outcome).toBe('cancelled');
    // The case row and the closure request (the row the API wrote) show the withdrawal; the audit
    // trail has it once.
    const row = await eventually('the case row back at screening', async () => {
      const c = await h.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
      return c.step === 'screening' ? c : undefined;
    });
    expect(row.status).toBe('open');
    const requests = await h.db.prisma.closure.findMany({ where: { caseId } });
    expect(requests).toEqual([
      expect.objectContaining({
        id: closureId,
        reason: 'objectivesMet',
        fromStep: 'assessment',
        status: 'withdrawn',
        requestedById: HANDLER,
        withdrawnByReportId: reportId,
      }),
    ]);
    const audit = await h.db.prisma.auditEvent.findMany({ where: { caseId, action: 'closure.withdrawn' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toMatchObject({ reason: 'objectivesMet', reportId });

    // The supervisor is told by mail, once (in their language: Arabic for the demo supervisor).
    const told = await eventually('the supervisor told', async () => {
      const m = (await mailsOfKind(h, ['closureWithdrawn'])).filter((x) => x.subject.includes(reference));
      return m.length ? m : undefined;
    });
    expect(told.map((m) => [m.to, m.language])).toEqual([['supervisor@demo.example', 'ar']]);
    expect(told[0]?.messageId).toMatch(new RegExp(`^<closure-withdrawn\\.${caseId}\\.${reportId}\\.`));
    await h.env.sleep(HOUR);
    expect(
      (await mailsOfKind(h, ['closureWithdrawn'])).filter((x) => x.subject.includes(reference)),
    ).toHaveLength(1);

    // Nothing waits for the supervisor any more; the screening comes first, then the case resumes
    // the step it was at, with its own deadline untouched.
    expect(
      await rejection(
        handle.executeUpdate(closureApprovalUpdate, { args: [{ actorId: SUPERVISOR, decision: 'approve' }] }),
      ),
    ).toMatch(/closureApproval/);
    const screened = await handle.executeUpdate(screeningUpdate, { args: [screening('LOW')] });
    expect(screened.step).toBe('assessment');
    expect(screened.openDeadlines).toEqual([
      expect.objectContaining({ step: 'assessment', dueAt: assessment.dueAt }),
    ]);
  });

  it('item 3: a case is closed from screening as untraceable or deceased with supervisor approval, not for other reasons', async () => {
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    await waitForDeadline(handle, 'screening');
    expect(
      await rejection(
        handle.executeUpdate(closureUpdate, { args: [{ actorId: HANDLER, reason: 'turned18' }] }),
      ),
    ).toMatch(/screening/);
    const closureId = await closureRow(caseId, 'untraceable', 'screening');
    const requested = await handle.executeUpdate(closureUpdate, {
      args: [{ actorId: HANDLER, reason: 'untraceable', closureId }],
    });
    expect(requested.step).toBe('closureApproval');
    // Until the supervisor decides, the screening is still not done: its deadline keeps running.
    expect(requested.openDeadlines.map((d) => d.step).sort()).toEqual(['closureApproval', 'screening']);
    const closed = await handle.executeUpdate(closureApprovalUpdate, {
      args: [{ actorId: SUPERVISOR, decision: 'approve' }],
    });
    expect(closed.step).toBe('closed');
    expect(closed.openDeadlines).toEqual([]);
    await handle.result();
    const row = await h.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect([row.status, row.closureReason, row.step]).toEqual(['closed', 'untraceable', 'closed']);
    const [screeningRecord] = await stepRecords(h, caseId, 'screening');
    expect(screeningRecord?.outcome).toBe('cancelled');
    const requests = await h.db.prisma.closure.findMany({ where: { caseId } });
    expect(requests).toEqual([
      expect.objectContaining({
        id: closureId,
        reason: 'untraceable',
        fromStep: 'screening',
        status: 'approved',
      }),
    ]);

    const deceased = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    await waitForDeadline(deceased.handle, 'screening');
    await deceased.handle.executeUpdate(closureUpdate, { args: [{ actorId: HANDLER, reason: 'deceased' }] });
    const done = await deceased.handle.executeUpdate(closureApprovalUpdate, {
      args: [{ actorId: SUPERVISOR, decision: 'approve' }],
    });
    expect(done.step).toBe('closed');
  });

  it('item 4: the check-back opens only for objectivesMet, not for a deceased, transferred or turned-18 child', async () => {
    const close = async (reason: string) => {
      const { handle } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
      await waitForDeadline(handle, 'screening');
      await handle.executeUpdate(screeningUpdate, { args: [screening('HIGH')] });
      await handle.executeUpdate(closureUpdate, { args: [{ actorId: HANDLER, reason }] });
      const closed = await handle.executeUpdate(closureApprovalUpdate, {
        args: [{ actorId: SUPERVISOR, decision: 'approve' }],
      });
      return { handle, closed };
    };
    for (const reason of ['deceased', 'transferred', 'turned18']) {
      const { handle, closed } = await close(reason);
      expect([reason, closed.step, closed.openDeadlines]).toEqual([reason, 'closed', []]);
      // Nothing left to wait for: the case workflow ends, and no check-back was ever opened.
      await handle.result();
      const caseId = handle.workflowId.replace(/^case-/, '');
      expect([reason, await stepRecords(h, caseId, 'closureCheckBack')]).toEqual([reason, []]);
    }
    const { handle, closed } = await close('objectivesMet');
    expect(closed.openDeadlines.map((d) => d.step)).toEqual(['closureCheckBack']);
    await handle.executeUpdate(checkBackUpdate, { args: [{ actorId: HANDLER, outcome: 'stable' }] });
    await handle.result();
  });
});
