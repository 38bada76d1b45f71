/**
 * Referrals and transfers (issue 13, items 9–13) on the time-skipping server with the real worker,
 * PostgreSQL and SMTP capture: one live referral per plan item; a plan revision keeps, cancels and
 * sends only what changed; a cancelled referral is cancelled everywhere; the partner's focal point
 * is told and reminded; a transfer moves the referrals' ladders and is put to the receiving
 * province's supervisors.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import {
  caseViewQuery,
  closureApprovalUpdate,
  closureUpdate,
  planApprovalUpdate,
  planUpdate,
  referralUpdate,
  reviewUpdate,
  transferAcceptanceUpdate,
  transferUpdate,
  type CaseView,
} from '../../workflows/case/definitions';
import { referralWorkflowId, type ReferralView } from '../../workflows/referral/definitions';
import { NextDeadlineKey, OverdueKey, ProvinceKey } from '../../workflows/search-attributes';
import { driveToFollowUp, HANDLER, SUPERVISOR, waitForDeadline } from '../support/case-steps';
import { insertPlan, startCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';
import { DAY, endQuietly, mailsOfKind, rejection, stepRecords } from '../support/safety';
import { eventually } from '../support/wait';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
});
afterAll(() => h?.stop());

const MINUTE = 60_000;
const MEDICAL = { serviceType: 'medical', partnerId: 'partner-demo-health' };
const EDUCATION = { serviceType: 'education', partnerId: 'partner-demo-school' };
const SOCIAL = { serviceType: 'socialAssistance', partnerId: 'partner-demo-association' };

const referralHandle = (referralId: string) =>
  h.env.client.workflow.getHandle(referralWorkflowId(referralId));
const referralRow = (referralId: string) =>
  eventually(
    `referral ${referralId}`,
    async () => (await h.db.prisma.referral.findUnique({ where: { id: referralId } })) ?? undefined,
  );

describe('referrals', () => {
  it('item 9: one live referral per plan item (or service and partner); a plan revision keeps, cancels and sends only new ones', async () => {
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    const approved = await driveToFollowUp(h.db.prisma, handle, 'MEDIUM', [MEDICAL, EDUCATION]);
    const [medical, education] = approved.referrals;
    await referralRow(medical!.referralId);
    await referralRow(education!.referralId);
    const before: CaseView = await handle.query(caseViewQuery);

    // A second live referral for the same service and partner, or the same plan item: refused.
    expect(
      await rejection(handle.executeUpdate(referralUpdate, { args: [{ actorId: HANDLER, ...MEDICAL }] })),
    ).toMatch(new RegExp(medical!.referralId));
    const educationItem = (
      await h.db.prisma.referral.findUniqueOrThrow({ where: { id: education!.referralId } })
    ).planItemId!;
    expect(
      await rejection(
        handle.executeUpdate(referralUpdate, {
          args: [
            {
              actorId: HANDLER,
              ...EDUCATION,
              partnerId: 'partner-demo-association',
              planItemId: educationItem,
            },
          ],
        }),
      ),
    ).toMatch(new RegExp(education!.referralId));
    expect(await handle.query(caseViewQuery)).toEqual(before);
    expect(await h.db.prisma.referral.count({ where: { caseId } })).toBe(2);

    // Plan revision: medical stays, education goes, social assistance is new.
    await waitForDeadline(handle, 'review');
    await handle.executeUpdate(reviewUpdate, {
      args: [{ actorId: HANDLER, reviewId: randomUUID(), risk: 'MEDIUM', decision: 'revisePlan' }],
    });
    const revised = await insertPlan(h.db.prisma, caseId, [MEDICAL, SOCIAL]);
    await handle.executeUpdate(planUpdate, { args: [{ actorId: HANDLER, ...revised }] });
    const after = await handle.executeUpdate(planApprovalUpdate, {
      args: [{ actorId: SUPERVISOR, decision: 'approve' }],
    });
    expect(after.referrals.map((r) => [r.serviceType, r.status])).toEqual([
      ['medical', 'requested'],
      ['education', 'cancelled'],
      ['socialAssistance', 'requested'],
    ]);
    expect(after.referrals[0]!.referralId).toBe(medical!.referralId);
    const rows = await eventually('three referral rows', async () => {
      const r = await h.db.prisma.referral.findMany({ where: { caseId }, orderBy: { requestedAt: 'asc' } });
      return r.length === 3 && r.some((x) => x.status === 'cancelled') ? r : undefined;
    });
    const byService = Object.fromEntries(rows.map((r) => [r.serviceType, r]));
    // The kept referral now carries out the revised plan's item.
    expect(byService.medical?.planItemId).toBe(revised.items[0]!.planItemId);
    expect(byService.medical?.status).toBe('requested');
    expect(byService.socialAssistance?.planItemId).toBe(revised.items[1]!.planItemId);
    expect(byService.education).toMatchObject({ status: 'cancelled', cancelReason: 'planRevised' });
    await referralHandle(education!.referralId).result();
    const kept = await h.db.prisma.auditEvent.findMany({
      where: { caseId, entityId: medical!.referralId, action: 'referral.kept' },
    });
    expect(kept).toHaveLength(1);
  });

  it('item 10: a referral cancelled by the closure is cancelled in the database, audited, its deadlines closed, its workflow ended', async () => {
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    const approved = await driveToFollowUp(h.db.prisma, handle, 'LOW', [MEDICAL]);
    const referralId = approved.referrals[0]!.referralId;
    const referral = referralHandle(referralId);
    await referralRow(referralId);
    const ack = await eventually('the acknowledgement deadline', async () => {
      const r = await h.db.prisma.stepRecord.findFirst({ where: { caseId, subjectId: referralId } });
      return r ?? undefined;
    });
    // Past its deadline, so the operators see the referral overdue until it is cancelled.
    await h.env.sleep(ack.dueAt.getTime() - (await h.env.currentTimeMs()) + MINUTE);
    await eventually(
      'the referral overdue',
      async () => (await referral.describe()).typedSearchAttributes.get(OverdueKey) === true,
    );

    await handle.executeUpdate(closureUpdate, { args: [{ actorId: HANDLER, reason: 'objectivesMet' }] });
    const closed = await handle.executeUpdate(closureApprovalUpdate, {
      args: [{ actorId: SUPERVISOR, decision: 'approve' }],
    });
    expect(closed.referrals.map((r) => r.status)).toEqual(['cancelled']);
    const result = (await referral.result()) as ReferralView;
    expect([result.status, result.openDeadlines]).toEqual(['cancelled', []]);
    const row = await h.db.prisma.referral.findUniqueOrThrow({ where: { id: referralId } });
    expect(row).toMatchObject({ status: 'cancelled', cancelReason: 'caseClosed' });
    expect(row.cancelledAt).not.toBeNull();
    const audit = await h.db.prisma.auditEvent.findMany({ where: { caseId, action: 'referral.cancelled' } });
    expect(audit.map((e) => [e.entityId, e.actorId, e.reason])).toEqual([
      [referralId, SUPERVISOR, 'caseClosed'],
    ]);
    const record = await h.db.prisma.stepRecord.findUniqueOrThrow({ where: { id: ack.id } });
    expect(record.outcome).toBe('cancelled');
    const escalations = await h.db.prisma.escalation.findMany({ where: { stepRecordId: ack.id } });
    expect(escalations.every((e) => e.resolvedAt !== null)).toBe(true);
    const attributes = (await referral.describe()).typedSearchAttributes;
    expect([attributes.get(OverdueKey), attributes.get(NextDeadlineKey) ?? null]).toEqual([false, null]);
  });

  it("item 11: the partner's focal point is told once when a referral is sent, in its language, and reminded at its deadlines", async () => {
    const { handle, caseId, reference } = await startCase(h.env.client, h.db.prisma, h.taskQueue, {
      childName: 'Yasmina Partnercheck',
    });
    const approved = await driveToFollowUp(h.db.prisma, handle, 'MEDIUM', [MEDICAL]);
    const referralId = approved.referrals[0]!.referralId;
    const sent = await eventually('the partner told', async () => {
      const m = (await mailsOfKind(h, ['referralSent'])).filter((x) => x.subject.includes(reference));
      return m.length === 2 ? m : undefined;
    });
    // The health centre's focal address and its partner staff member, each once, in French.
    expect(sent.map((m) => [m.to, m.language]).sort()).toEqual([
      ['health@partners.demo.example', 'fr'],
      ['partner@demo.example', 'fr'],
    ]);
    for (const m of sent) {
      expect(m.messageId).toMatch(new RegExp(`^<referral-sent\\.${referralId}\\.`));
      expect(m.raw).not.toMatch(/Yasmina|Partnercheck/);
      expect(m.text).toContain(`/referrals/${referralId}`);
    }
    const rows = await h.db.prisma.notification.findMany({ where: { caseId, kind: 'referralSent' } });
    expect(rows.map((r) => r.status).sort()).toEqual(['sent', 'sent']);

    // Reminded at the acknowledgement deadline (with the handler who referred), nothing sent twice.
    const ack = await eventually('the acknowledgement deadline', async () => {
      const r = await h.db.prisma.stepRecord.findFirst({ where: { caseId, subjectId: referralId } });
      return r ?? undefined;
    });
    await h.env.sleep(ack.dueAt.getTime() - (await h.env.currentTimeMs()) + MINUTE);
    const reminded = await eventually('the reminders at the deadline', async () => {
      const m = (await mailsOfKind(h, ['reminder'])).filter((x) =>
        x.messageId.startsWith(`<escalation.${ack.id}.0.`),
      );
      return m.length === 3 ? m : undefined;
    });
    expect(reminded.map((m) => m.to).sort()).toEqual([
      'handler@demo.example',
      'health@partners.demo.example',
      'partner@demo.example',
    ]);
    const partnerReminder = reminded.find((m) => m.to === 'health@partners.demo.example')!;
    expect(partnerReminder.text).toContain(`/referrals/${referralId}`);
    expect(partnerReminder.raw).not.toMatch(/Yasmina|Partnercheck/);
    expect(
      (await mailsOfKind(h, ['referralSent'])).filter((x) => x.subject.includes(reference)),
    ).toHaveLength(2);
    await endQuietly([referralHandle(referralId), handle]);
  });
});

describe('transfers', () => {
  it('item 12: after a transfer is accepted, the case’s running referrals escalate in the receiving province', async () => {
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    const approved = await driveToFollowUp(h.db.prisma, handle, 'HIGH', [MEDICAL]);
    const referralId = approved.referrals[0]!.referralId;
    const referral = referralHandle(referralId);
    await referralRow(referralId);
    await handle.executeUpdate(transferUpdate, { args: [{ actorId: HANDLER, toProvince: 'OTHR' }] });
    await handle.executeUpdate(transferAcceptanceUpdate, {
      args: [{ actorId: 'staff-othr-supervisor', accept: true }],
    });
    await eventually(
      'the referral in the receiving province',
      async () => (await referral.describe()).typedSearchAttributes.get(ProvinceKey) === 'OTHR',
    );
    // Left unacknowledged: the coordinator told a working day after the deadline is OTHR's.
    const ack = await eventually('the acknowledgement deadline', async () => {
      const r = await h.db.prisma.stepRecord.findFirst({ where: { caseId, subjectId: referralId } });
      return r ?? undefined;
    });
    await h.env.sleep(ack.dueAt.getTime() - (await h.env.currentTimeMs()) + 7 * DAY);
    const coordinator = await eventually('the coordinator rung', async () => {
      const e = await h.db.prisma.escalation.findFirst({
        where: { stepRecordId: ack.id, role: 'coordinator' },
        include: { messages: true },
      });
      return e?.messages.length ? e : undefined;
    });
    expect(coordinator.messages.map((m) => m.recipientEmail)).toEqual(['coordinator@othr.example']);
    await endQuietly([referral, handle]);
  });

  it("item 13: the receiving province's supervisors are told of a transfer request, and its acceptance ladder starts with them", async () => {
    const { handle, caseId, reference } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    await waitForDeadline(handle, 'screening');
    await handle.executeUpdate(transferUpdate, { args: [{ actorId: HANDLER, toProvince: 'OTHR' }] });
    const told = await eventually('the receiving supervisor told', async () => {
      const m = (await mailsOfKind(h, ['transferRequested'])).filter((x) => x.subject.includes(reference));
      return m.length ? m : undefined;
    });
    expect(told.map((m) => [m.to, m.language])).toEqual([['supervisor@othr.example', 'fr']]);
    const transfer = await h.db.prisma.transfer.findFirstOrThrow({ where: { caseId } });
    expect(transfer).toMatchObject({
      fromProvinceCode: 'DEMO',
      toProvinceCode: 'OTHR',
      status: 'pending',
      requestedById: HANDLER,
    });
    // Left undecided: the reminder at the deadline goes to the receiving supervisor, who can accept.
    const [record] = await stepRecords(h, caseId, 'transferAcceptance');
    await h.env.sleep(record!.dueAt.getTime() - (await h.env.currentTimeMs()) + MINUTE);
    const first = await eventually('the first rung', async () => {
      const e = await h.db.prisma.escalation.findFirst({
        where: { stepRecordId: record!.id, level: 0 },
        include: { messages: true },
      });
      return e?.messages.length ? e : undefined;
    });
    expect([first.role, first.messages.map((m) => m.recipientEmail)]).toEqual([
      'supervisor',
      ['supervisor@othr.example'],
    ]);
    await handle.executeUpdate(transferAcceptanceUpdate, {
      args: [{ actorId: 'staff-othr-supervisor', accept: true }],
    });
    const accepted = await eventually('the transfer accepted', async () => {
      const t = await h.db.prisma.transfer.findFirstOrThrow({ where: { caseId } });
      return t.status === 'accepted' ? t : undefined;
    });
    expect(accepted.decidedById).toBe('staff-othr-supervisor');
    const row = await h.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect([row.provinceCode, row.unitId, row.assigneeId]).toEqual(['OTHR', 'unit-othr-upe', null]);
    expect(
      (await mailsOfKind(h, ['transferRequested'])).filter((x) => x.subject.includes(reference)),
    ).toHaveLength(1);
    await endQuietly([handle as WorkflowHandle]);
  });
});
