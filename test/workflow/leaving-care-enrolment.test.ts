/**
 * How children reach the leaving-care pathway from the protection circuit: a placement in a care
 * institution enrols them (once), closing a case for "turned 18" hands over; and the §5
 * family-centred services are usable in plans and referrals like any other.
 */
import type { WorkflowHandle } from '@temporalio/client';
import {
  caseViewQuery,
  closureApprovalUpdate,
  closureUpdate,
  referralUpdate,
  screeningUpdate,
  type CaseView,
} from '../../workflows/case/definitions';
import {
  leavingCareViewQuery,
  leavingCareWorkflowId,
  type LeavingCareView,
} from '../../workflows/leaving-care/definitions';
import { acknowledgementUpdate, referralWorkflowId, startUpdate } from '../../workflows/referral/definitions';
import { driveToFollowUp, HANDLER, SUPERVISOR, waitForDeadline } from '../support/case-steps';
import { clockAt, startCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';
import { birthDateAged, pathwayView, resultWithoutSkipping } from '../support/leaving-care';
import { eventually } from '../support/wait';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
});
afterAll(() => h?.stop());

const PARTNER = 'staff-demo-partner';
const CARE_INSTITUTION = 'partner-demo-careInstitution';
const OTHER_INSTITUTION = 'partner-test-second-institution';

/** The partner acknowledges and starts a referral (what the partner's API calls do). */
async function startService(referralId: string): Promise<void> {
  const referral = h.env.client.workflow.getHandle(referralWorkflowId(referralId));
  await eventually(
    'the referral row',
    async () => (await h.db.prisma.referral.findUnique({ where: { id: referralId } })) ?? undefined,
  );
  await referral.executeUpdate(acknowledgementUpdate, { args: [{ actorId: PARTNER }] });
  await referral.executeUpdate(startUpdate, { args: [{ actorId: PARTNER }] });
}

async function caseActions(caseId: string, action: string) {
  return h.db.prisma.auditEvent.findMany({
    where: { caseId, action, entity: 'case' },
    orderBy: { id: 'asc' },
  });
}

async function closeCase(handle: WorkflowHandle, reason: string): Promise<void> {
  await handle.executeUpdate(closureUpdate, { args: [{ actorId: HANDLER, reason }] });
  await handle.executeUpdate(closureApprovalUpdate, { args: [{ actorId: SUPERVISOR, decision: 'approve' }] });
}

describe('leaving-care enrolment', () => {
  it('enrols a child once when a placement starts, and hands the young person over when the case closes for turning 18', async () => {
    const birthDate = birthDateAged(await h.env.currentTimeMs(), 12, 0);
    const { handle, caseId, childId } = await startCase(h.env.client, h.db.prisma, h.taskQueue, {
      birthDate,
    });
    const view = await driveToFollowUp(h.db.prisma, handle, 'MEDIUM', [
      { serviceType: 'placement', partnerId: CARE_INSTITUTION },
    ]);
    const placement = view.referrals[0]!.referralId;
    const pathway = h.env.client.workflow.getHandle(leavingCareWorkflowId(childId));
    // Acknowledged is not placed yet.
    const referral = h.env.client.workflow.getHandle(referralWorkflowId(placement));
    await eventually(
      'the referral row',
      async () => (await h.db.prisma.referral.findUnique({ where: { id: placement } })) ?? undefined,
    );
    await referral.executeUpdate(acknowledgementUpdate, { args: [{ actorId: PARTNER }] });
    await eventually('the case to see the acknowledgement', async () => {
      const v: CaseView = await handle.query(caseViewQuery);
      return v.referrals[0]?.status === 'acknowledged';
    });
    expect(await h.db.prisma.leavingCarePathway.count({ where: { childId } })).toBe(0);

    await referral.executeUpdate(startUpdate, { args: [{ actorId: PARTNER }] });
    const enrolled = await pathwayView(pathway);
    expect(enrolled).toMatchObject({ caseId, childId, phase: 'waiting', province: 'DEMO' });
    const row = await h.db.prisma.leavingCarePathway.findUniqueOrThrow({ where: { childId } });
    expect(row).toMatchObject({ trigger: 'placement', caseId, workflowId: `leaving-care-${childId}` });
    const firstRun = (await pathway.describe()).runId;
    await eventually(
      'the enrolment on the case',
      async () => (await caseActions(caseId, 'leavingCare.enrolment')).length === 1,
    );

    // A second placement of the same child in another institution (the first placement is still
    // live: one live referral per service and partner) does not enrol them again.
    await h.db.prisma.partner.upsert({
      where: { id: OTHER_INSTITUTION },
      update: {},
      create: {
        id: OTHER_INSTITUTION,
        provinceCode: 'DEMO',
        partnerType: 'careInstitution',
        name: 'Deuxième établissement (test)',
        focalEmail: 'second-institution@partners.demo.example',
      },
    });
    await handle.executeUpdate(referralUpdate, {
      args: [{ actorId: HANDLER, serviceType: 'placement', partnerId: OTHER_INSTITUTION }],
    });
    const second = await eventually('the second placement', async () => {
      const v: CaseView = await handle.query(caseViewQuery);
      return v.referrals.find((r) => r.referralId !== placement);
    });
    await startService(second.referralId);
    const enrolments = await eventually('the second enrolment attempt', async () => {
      const found = await caseActions(caseId, 'leavingCare.enrolment');
      return found.length === 2 ? found : undefined;
    });
    expect(enrolments.map((e) => e.details)).toEqual([
      { trigger: 'placement', outcome: 'started' },
      { trigger: 'placement', outcome: 'alreadyEnrolled' },
    ]);
    expect(await h.db.prisma.leavingCarePathway.count({ where: { childId } })).toBe(1);
    expect((await pathway.describe()).runId).toBe(firstRun);

    // Closing the case for "turned 18" hands the young person over to the running pathway.
    await closeCase(handle, 'turned18');
    const handedOver = await eventually('the hand-over', async () => {
      const v = await pathway.query(leavingCareViewQuery);
      return v.handedOverBy ? v : undefined;
    });
    expect(handedOver.handedOverBy).toBe(caseId);
    expect(handedOver.phase).toBe('waiting');
    await eventually(
      'the hand-over on the case',
      async () => (await caseActions(caseId, 'leavingCare.handedOver')).length === 1,
    );
    const audit = await h.db.prisma.auditEvent.findFirstOrThrow({
      where: { entityId: row.id, action: 'leavingCare.handedOver' },
    });
    expect(audit.details).toMatchObject({ fromCase: caseId, reason: 'turned18' });
    expect(await h.db.prisma.leavingCarePathway.count({ where: { childId } })).toBe(1);
    await pathway.terminate('test done');
  });

  it('starts the pathway when a case closes for "turned 18" with none running, which records why a young person of 18 is not enrolled', async () => {
    const birthDate = birthDateAged(await h.env.currentTimeMs(), 18, 0);
    const { handle, childId, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue, {
      birthDate,
    });
    await waitForDeadline(handle, 'screening');
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
    await closeCase(handle, 'turned18');
    const result = await resultWithoutSkipping<LeavingCareView>(h.env, {
      workflowId: leavingCareWorkflowId(childId),
    });
    expect(result).toMatchObject({ phase: 'notEnrolled', notEnrolledReason: 'pastExitAge', caseId });
    const row = await h.db.prisma.leavingCarePathway.findUniqueOrThrow({ where: { childId } });
    expect(row).toMatchObject({
      trigger: 'turned18',
      phase: 'notEnrolled',
      notEnrolledReason: 'pastExitAge',
    });
    expect((await caseActions(caseId, 'leavingCare.enrolment')).map((e) => e.details)).toEqual([
      { trigger: 'turned18', outcome: 'started' },
    ]);
  });

  it('refers the family-centred services of §5 to their partners with their own start deadlines', async () => {
    await clockAt(h.env, '2030-09-03T08:00:00.000Z'); // Tue 3 Sep 2030, 09:00 local
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    const view = await driveToFollowUp(h.db.prisma, handle, 'LOW', [
      { serviceType: 'schoolSupport', partnerId: 'partner-demo-association' },
      { serviceType: 'civilRegistration', partnerId: 'partner-demo-civilRegistry' },
    ]);
    expect(view.referrals.map((r) => [r.serviceType, r.partnerId])).toEqual([
      ['schoolSupport', 'partner-demo-association'],
      ['civilRegistration', 'partner-demo-civilRegistry'],
    ]);
    for (const r of view.referrals) await startService(r.referralId);
    const rows = await h.db.prisma.referral.findMany({ where: { caseId }, orderBy: { serviceType: 'desc' } });
    expect(rows.map((r) => [r.serviceType, r.partnerId, r.status])).toEqual([
      ['schoolSupport', 'partner-demo-association', 'started'],
      ['civilRegistration', 'partner-demo-civilRegistry', 'started'],
    ]);
    // Service start, from the acknowledgement on Tue 3 Sep 2030 (no holiday in September 2030):
    // school support 10 working days -> end of Tue 17 Sep; civil registration 15 -> end of Tue 24 Sep.
    for (const [serviceType, dueAt] of [
      ['schoolSupport', '2030-09-17T23:00:00.000Z'],
      ['civilRegistration', '2030-09-24T23:00:00.000Z'],
    ] as const) {
      const referral = rows.find((r) => r.serviceType === serviceType)!;
      const step = await h.db.prisma.stepRecord.findFirstOrThrow({
        where: { caseId, step: 'serviceStart', subjectId: referral.id },
      });
      expect(step.dueAt.toISOString()).toBe(dueAt);
      expect(step.outcome).toBe('done');
    }
    // Neither is a placement: no leaving-care pathway for this child.
    expect(await h.db.prisma.leavingCarePathway.count({ where: { caseId } })).toBe(0);
  });
});
