/**
 * The operators' `Overdue` search attribute turns true when a deadline passes — on time, even
 * while the mail of the rung due at that instant is still being retried (the SMTP server answers
 * 451 throughout) — and stays false for a step done before its deadline.
 */
import { OverdueKey, EscalationLevelKey, NextDeadlineKey } from '../../workflows/search-attributes';
import { screeningUpdate } from '../../workflows/case/definitions';
import { HANDLER, waitForDeadline } from '../support/case-steps';
import { startCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';
import { eventually } from '../support/wait';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  // Mail stays unreachable for the whole test: no rung's activity completes.
  await h.startWorker({ config: { NOTIFICATION_GIVE_UP_AFTER_MS: 7 * 86_400_000 } });
  h.smtp.setFault('tempfail');
});
afterAll(() => h?.stop());

const attributes = async (handle: Awaited<ReturnType<typeof startCase>>['handle']) => {
  const d = await handle.describe();
  return {
    overdue: d.typedSearchAttributes.get(OverdueKey),
    level: d.typedSearchAttributes.get(EscalationLevelKey),
    next: d.typedSearchAttributes.get(NextDeadlineKey)?.toISOString(),
  };
};

describe('Overdue search attribute', () => {
  it('turns true at the deadline while the reminder is still being retried', async () => {
    // Urgent: screening within 2 clock hours (fewer mail retries to skip through).
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue, { urgent: true });
    const screening = await waitForDeadline(handle, 'screening');
    expect(await attributes(handle)).toEqual({ overdue: false, level: -1, next: screening.dueAt });

    // A minute past the screening deadline: the ladder's first rungs are due and their
    // mail keeps failing (451), so no escalation has been recorded.
    await h.env.sleep(Date.parse(screening.dueAt) - (await h.env.currentTimeMs()) + 60_000);
    const after = await eventually('Overdue = true', async () => {
      const a = await attributes(handle);
      return a.overdue ? a : undefined;
    });
    expect(after).toEqual({ overdue: true, level: -1, next: screening.dueAt });
    // Nothing has gone out: every message of the case still waits for the mail server (the
    // escalation rows exist, but the workflow has recorded no rung: EscalationLevel is still -1).
    const statuses = await h.db.prisma.notification.findMany({ where: { caseId }, select: { status: true } });
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((n) => n.status === 'pending')).toBe(true);
  });

  it('stays false for a step done before its deadline', async () => {
    const { handle } = await startCase(h.env.client, h.db.prisma, h.taskQueue, { urgent: true });
    const screening = await waitForDeadline(handle, 'screening');
    await handle.executeUpdate(screeningUpdate, {
      args: [
        {
          actorId: HANDLER,
          screeningId: 'screening-1',
          risk: 'LOW',
          immediateNeeds: false,
          categories: ['neglect'],
        },
      ],
    });
    await h.env.sleep(Date.parse(screening.dueAt) - (await h.env.currentTimeMs()) + 60_000);
    const a = await attributes(handle);
    expect(a.overdue).toBe(false);
    // The next deadline is the assessment's (15 working days for LOW), not the screening's.
    expect(Date.parse(a.next ?? '')).toBeGreaterThan(Date.parse(screening.dueAt));
  });
});
