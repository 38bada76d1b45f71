/** Human steps are updates with validators: out of order or invalid → rejected, state unchanged. */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  assessmentUpdate,
  caseViewQuery,
  closureApprovalUpdate,
  closureUpdate,
  planApprovalUpdate,
  planUpdate,
  reviewUpdate,
  screeningUpdate,
  type CaseView,
} from '../../workflows/case/definitions';
import { driveToFollowUp, HANDLER, SUPERVISOR, waitForDeadline } from '../support/case-steps';
import { startCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
});
afterAll(() => h?.stop());

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return (err as WorkflowUpdateFailedError).cause?.message ?? '';
  }
  throw new Error('the update was accepted');
}

describe('case steps', () => {
  it('rejects an out-of-order step with a reason and changes nothing', async () => {
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    await waitForDeadline(handle, 'screening');
    const before: CaseView = await handle.query(caseViewQuery);
    const auditBefore = await h.db.prisma.auditEvent.count({ where: { caseId } });

    expect(
      await rejection(
        handle.executeUpdate(assessmentUpdate, { args: [{ actorId: HANDLER, assessmentId: 'a' }] }),
      ),
    ).toBe("the case is at step 'screening'; this action needs step 'assessment'");
    expect(
      await rejection(
        handle.executeUpdate(closureApprovalUpdate, { args: [{ actorId: SUPERVISOR, decision: 'approve' }] }),
      ),
    ).toMatch(/needs step 'closureApproval'/);
    expect(
      await rejection(
        handle.executeUpdate(screeningUpdate, {
          args: [
            {
              actorId: HANDLER,
              screeningId: 's',
              risk: 'SEVERE' as never,
              immediateNeeds: false,
              categories: [],
            },
          ],
        }),
      ),
    ).toBe("unknown risk level 'SEVERE'");

    expect(await handle.query(caseViewQuery)).toEqual(before);
    expect(await h.db.prisma.auditEvent.count({ where: { caseId } })).toBe(auditBefore);
  });

  it('accepts a screening sent the moment the case starts, once the case is open', async () => {
    const { handle } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    const view = await handle.executeUpdate(screeningUpdate, {
      args: [
        { actorId: HANDLER, screeningId: 's', risk: 'LOW', immediateNeeds: false, categories: ['neglect'] },
      ],
    });
    expect(view.step).toBe('assessment');
    expect(view.stepsOnTime).toBe(1);
  });

  it('rejects a plan with an unknown service type and one without services', async () => {
    const { handle } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    await waitForDeadline(handle, 'screening');
    await handle.executeUpdate(screeningUpdate, {
      args: [{ actorId: HANDLER, screeningId: 's', risk: 'MEDIUM', immediateNeeds: false, categories: [] }],
    });
    await handle.executeUpdate(assessmentUpdate, { args: [{ actorId: HANDLER, assessmentId: 'a' }] });
    expect(
      await rejection(
        handle.executeUpdate(planUpdate, { args: [{ actorId: HANDLER, planId: 'p', items: [] }] }),
      ),
    ).toBe('items: a plan needs at least one service');
    expect(
      await rejection(
        handle.executeUpdate(planUpdate, {
          args: [
            {
              actorId: HANDLER,
              planId: 'p',
              items: [{ planItemId: 'i', serviceType: 'astrology', partnerId: 'x' }],
            },
          ],
        }),
      ),
    ).toBe("items: unknown service type 'astrology'");
    expect(((await handle.query(caseViewQuery)) as CaseView).step).toBe('planDraft');
  });

  it('opens emergency protection and a judicial notification when the protocol requires them', async () => {
    const { handle } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    await waitForDeadline(handle, 'screening');
    const view = await handle.executeUpdate(screeningUpdate, {
      args: [
        {
          actorId: HANDLER,
          screeningId: 's',
          risk: 'IMMEDIATE',
          immediateNeeds: true,
          categories: ['sexualAbuse'],
        },
      ],
    });
    expect(view.openDeadlines.map((d) => d.step).sort()).toEqual([
      'assessment',
      'emergency',
      'judicialNotification',
    ]);
    const now = await h.env.currentTimeMs();
    const emergency = view.openDeadlines.find((d) => d.step === 'emergency');
    const judicial = view.openDeadlines.find((d) => d.step === 'judicialNotification');
    expect(Date.parse(emergency?.dueAt ?? '') - now).toBeLessThanOrEqual(4 * 3_600_000);
    expect(Date.parse(emergency?.dueAt ?? '') - now).toBeGreaterThan(4 * 3_600_000 - 60_000);
    expect(Date.parse(judicial?.dueAt ?? '') - now).toBeGreaterThan(24 * 3_600_000 - 60_000);
  });

  it('sends a case whose risk rises at review back to assessment, and closes with supervisor approval', async () => {
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    await driveToFollowUp(h.db.prisma, handle, 'LOW');
    await waitForDeadline(handle, 'review');
    // A higher risk goes back to assessment even when the handler chose to revise the plan.
    const view = await handle.executeUpdate(reviewUpdate, {
      args: [{ actorId: HANDLER, reviewId: 'r1', risk: 'HIGH', decision: 'revisePlan' }],
    });
    expect(view.step).toBe('assessment');
    expect(view.risk).toBe('HIGH');
    expect(view.openDeadlines.map((d) => d.step)).toEqual(['assessment']);

    await handle.executeUpdate(closureUpdate, { args: [{ actorId: HANDLER, reason: 'objectivesMet' }] });
    const closed = await handle.executeUpdate(closureApprovalUpdate, {
      args: [{ actorId: SUPERVISOR, decision: 'approve' }],
    });
    expect(closed.step).toBe('closed');
    // HIGH cases closed with their objectives met get the optional 90-day check-back (protocol v1).
    expect(closed.openDeadlines.map((d) => d.step)).toEqual(['closureCheckBack']);
    // The run waits for the check-back itself: no continue-as-new just because the case closed.
    await h.env.sleep(60_000);
    expect((await handle.describe()).runId).toBe(handle.firstExecutionRunId);
    const row = await h.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(row.status).toBe('closed');
    expect(row.closureReason).toBe('objectivesMet');
  });

  it('returns a plan to drafting when the supervisor sends it back', async () => {
    const { handle } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    await waitForDeadline(handle, 'screening');
    await handle.executeUpdate(screeningUpdate, {
      args: [{ actorId: HANDLER, screeningId: 's', risk: 'MEDIUM', immediateNeeds: false, categories: [] }],
    });
    await handle.executeUpdate(assessmentUpdate, { args: [{ actorId: HANDLER, assessmentId: 'a' }] });
    await handle.executeUpdate(planUpdate, {
      args: [
        {
          actorId: HANDLER,
          planId: 'p',
          items: [{ planItemId: 'i', serviceType: 'medical', partnerId: 'partner-demo-health' }],
        },
      ],
    });
    const view = await handle.executeUpdate(planApprovalUpdate, {
      args: [{ actorId: SUPERVISOR, decision: 'return' }],
    });
    expect(view.step).toBe('planDraft');
    expect(view.openDeadlines.map((d) => d.step)).toEqual(['planDraft']);
    expect(view.referrals).toEqual([]);
  });
});
