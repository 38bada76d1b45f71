/**
 * `npm run histories:record`: runs representative cases on the time-skipping server and saves their
 * histories as fixtures in test/histories/. test/workflow/replay.test.ts replays every fixture
 * against the current workflow code, so a change that would break a running case (a reordered
 * command) fails the test command. Before the first release the fixtures are recorded again after
 * every workflow change; after it, only under the release policy in the README (a patch with its
 * retirement plan, or a new worker deployment version) — never to make a failing replay pass.
 *
 * Recorded without payload encryption so the fixtures stay readable; they hold IDs and codes only.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import {
  assignmentUpdate,
  caseViewQuery,
  checkBackUpdate,
  closureApprovalUpdate,
  closureUpdate,
  concernSignal,
  emergencyUpdate,
  judicialNotificationUpdate,
  referralUpdate,
  reviewUpdate,
  screeningUpdate,
  transferAcceptanceUpdate,
  transferUpdate,
  assessmentUpdate,
  planUpdate,
  planApprovalUpdate,
  type CaseView,
} from '../../workflows/case/definitions';
import {
  acknowledgementUpdate,
  declineUpdate,
  outcomeUpdate,
  referralWorkflowId,
  startUpdate,
} from '../../workflows/referral/definitions';
import { driveToFollowUp, HANDLER, SUPERVISOR, waitForDeadline } from '../support/case-steps';
import { insertPlan, startCase } from '../support/cases';
import globalSetup from '../support/global-setup';
import globalTeardown from '../support/global-teardown';
import { createHarness, type Harness } from '../support/harness';
import { allAxes, birthDateAged, MEDIATOR, startPathway, waitForPhase } from '../support/leaving-care';
import { eventually } from '../support/wait';
import { mediatorAssignmentUpdate, programmeUpdate } from '../../workflows/leaving-care/definitions';

const OUT = __dirname;
const PARTNER = 'staff-demo-partner';

async function save(h: Harness, name: string, handle: WorkflowHandle, runId?: string): Promise<void> {
  const history = await h.env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
  fs.writeFileSync(path.join(OUT, `${name}.json`), `${historyToJSON(history)}\n`);
  console.log(`  ${name}.json: ${history.events?.length ?? 0} events`);
}

async function referralOf(h: Harness, handle: WorkflowHandle, index = 0) {
  const view = await eventually('a referral', async () => {
    const v: CaseView = await handle.query(caseViewQuery);
    return v.referrals[index] ? v : undefined;
  });
  const referralId = view.referrals[index]?.referralId ?? '';
  await eventually('the referral row', async () =>
    h.db.prisma.referral.findUnique({ where: { id: referralId } }),
  );
  return h.env.client.workflow.getHandle(referralWorkflowId(referralId));
}

/** Every step once: emergency, judicial notification, plan, referral to outcome, review, transfer, closure. */
async function fullCircuit(h: Harness): Promise<void> {
  const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue, {
    categories: ['sexualAbuse'],
  });
  await waitForDeadline(handle, 'screening');
  await handle.executeUpdate(screeningUpdate, {
    args: [
      {
        actorId: HANDLER,
        screeningId: 'screening-1',
        risk: 'IMMEDIATE',
        immediateNeeds: true,
        injury: true,
        categories: ['sexualAbuse', 'physicalViolence'],
      },
    ],
  });
  await handle.executeUpdate(emergencyUpdate, { args: [{ actorId: HANDLER, measures: ['medicalCare'] }] });
  await handle.executeUpdate(judicialNotificationUpdate, { args: [{ actorId: HANDLER, status: 'sent' }] });
  await handle.executeUpdate(judicialNotificationUpdate, {
    args: [{ actorId: HANDLER, status: 'acknowledged' }],
  });
  await handle.executeUpdate(assessmentUpdate, {
    args: [{ actorId: HANDLER, assessmentId: 'assessment-1', risk: 'HIGH' }],
  });
  const plan = await insertPlan(h.db.prisma, caseId, [
    { serviceType: 'medical', partnerId: 'partner-demo-health' },
  ]);
  await handle.executeUpdate(planUpdate, { args: [{ actorId: HANDLER, ...plan }] });
  await handle.executeUpdate(planApprovalUpdate, { args: [{ actorId: SUPERVISOR, decision: 'approve' }] });
  const referral = await referralOf(h, handle);
  await referral.executeUpdate(acknowledgementUpdate, { args: [{ actorId: PARTNER }] });
  await referral.executeUpdate(startUpdate, { args: [{ actorId: PARTNER }] });
  await referral.executeUpdate(outcomeUpdate, { args: [{ actorId: PARTNER, outcome: 'completed' }] });
  await referral.result();
  await waitForDeadline(handle, 'review');
  await handle.executeUpdate(reviewUpdate, {
    args: [{ actorId: HANDLER, reviewId: 'review-1', risk: 'HIGH', decision: 'continue' }],
  });
  await handle.executeUpdate(assignmentUpdate, { args: [{ actorId: SUPERVISOR, assigneeId: HANDLER }] });
  await handle.executeUpdate(transferUpdate, { args: [{ actorId: HANDLER, toProvince: 'OTHR' }] });
  await handle.executeUpdate(transferAcceptanceUpdate, {
    args: [{ actorId: 'staff-othr-supervisor', accept: false }],
  });
  await handle.executeUpdate(closureUpdate, { args: [{ actorId: HANDLER, reason: 'objectivesMet' }] });
  await handle.executeUpdate(closureApprovalUpdate, { args: [{ actorId: SUPERVISOR, decision: 'approve' }] });
  // A HIGH case closes into the 90-day check-back (protocol v1); answering it ends the workflow.
  await waitForDeadline(handle, 'closureCheckBack');
  await handle.executeUpdate(checkBackUpdate, { args: [{ actorId: HANDLER, outcome: 'stable' }] });
  await handle.result();
  await save(h, 'case-full-circuit', handle, handle.firstExecutionRunId);
  const lastRun = (await handle.describe()).runId;
  if (lastRun !== handle.firstExecutionRunId) await save(h, 'case-full-circuit-continued', handle, lastRun);
  await save(h, 'referral-completed', referral);
}

/** An urgent report nobody screens: every rung of the clock-hour ladder fires, then screening. */
async function escalatedScreening(h: Harness): Promise<void> {
  const { handle } = await startCase(h.env.client, h.db.prisma, h.taskQueue, { urgent: true });
  const deadline = await waitForDeadline(handle, 'screening');
  await h.env.sleep(Date.parse(deadline.dueAt) - (await h.env.currentTimeMs()) + 3 * 3_600_000);
  await eventually('every rung', async () => {
    const v: CaseView = await handle.query(caseViewQuery);
    return v.openEscalations.length === 4 ? v : undefined;
  });
  await handle.executeUpdate(screeningUpdate, {
    args: [
      { actorId: HANDLER, screeningId: 's', risk: 'LOW', immediateNeeds: false, categories: ['neglect'] },
    ],
  });
  await save(h, 'case-escalated-screening', handle);
}

/**
 * Issue 13 item 5: the mail server refuses every message from the deadline on; the handler screens
 * while the reminder is being retried. The rung's activity comes back with `stepDone` and the
 * workflow records no escalation for the closed deadline.
 */
async function screenedWhileMailRetried(h: Harness): Promise<void> {
  const { handle } = await startCase(h.env.client, h.db.prisma, h.taskQueue, { urgent: true });
  const deadline = await waitForDeadline(handle, 'screening');
  await eventually('the case-opened notices', async () => h.smtp.messages.length >= 2);
  h.smtp.setFault('tempfail');
  await h.env.sleep(Date.parse(deadline.dueAt) - (await h.env.currentTimeMs()) + 20 * 60_000);
  await handle.executeUpdate(screeningUpdate, {
    args: [
      { actorId: HANDLER, screeningId: 's', risk: 'LOW', immediateNeeds: false, categories: ['neglect'] },
    ],
  });
  h.smtp.setFault(null);
  await h.env.sleep(3 * 3_600_000);
  await eventually('the reminder withdrawn', async () => {
    const v: CaseView = await handle.query(caseViewQuery);
    const rows = await h.db.prisma.notification.findMany({
      where: { escalationId: { not: null }, status: 'pending' },
    });
    return v.openEscalations.length === 0 && rows.length === 0;
  });
  await save(h, 'case-screened-while-mail-retried', handle);
}

/** A partner declines; the handler re-refers on the re-referral deadline. */
async function declinedReferral(h: Harness): Promise<void> {
  const { handle } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
  await driveToFollowUp(h.db.prisma, handle, 'MEDIUM', [
    { serviceType: 'education', partnerId: 'partner-demo-school' },
  ]);
  const referral = await referralOf(h, handle);
  await referral.executeUpdate(declineUpdate, { args: [{ actorId: PARTNER, reason: 'no place this term' }] });
  await referral.result();
  await waitForDeadline(handle, 'referralReassignment');
  await handle.executeUpdate(referralUpdate, {
    args: [
      {
        actorId: HANDLER,
        serviceType: 'schoolSupport',
        partnerId: 'partner-demo-association',
        replaces: referral.workflowId.replace(/^referral-/, ''),
      },
    ],
  });
  await referralOf(h, handle, 1);
  await save(h, 'case-declined-referral', handle);
  await save(h, 'referral-declined', referral);
}

/**
 * A closure awaiting approval when a new concern comes in: withdrawn, the supervisor told, the case
 * screened again; then closed as deceased, with no check-back.
 */
async function closureWithdrawn(h: Harness): Promise<void> {
  const { handle } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
  await waitForDeadline(handle, 'screening');
  await handle.executeUpdate(screeningUpdate, {
    args: [
      { actorId: HANDLER, screeningId: 's1', risk: 'LOW', immediateNeeds: false, categories: ['neglect'] },
    ],
  });
  await handle.executeUpdate(closureUpdate, { args: [{ actorId: HANDLER, reason: 'objectivesMet' }] });
  await handle.signal(concernSignal, {
    reportId: randomUUID(),
    urgent: false,
    receivedAt: new Date(await h.env.currentTimeMs()).toISOString(),
  });
  await eventually('the closure withdrawn', async () => {
    const v: CaseView = await handle.query(caseViewQuery);
    return v.step === 'screening' && v.openDeadlines.some((d) => d.step === 'screening') ? v : undefined;
  });
  await handle.executeUpdate(screeningUpdate, {
    args: [
      { actorId: HANDLER, screeningId: 's2', risk: 'LOW', immediateNeeds: false, categories: ['neglect'] },
    ],
  });
  await handle.executeUpdate(closureUpdate, { args: [{ actorId: HANDLER, reason: 'deceased' }] });
  await handle.executeUpdate(closureApprovalUpdate, { args: [{ actorId: SUPERVISOR, decision: 'approve' }] });
  await handle.result();
  await save(h, 'case-closure-withdrawn', handle);
}

/**
 * A plan revision: the medical referral is kept (now the new plan's item), the education one is
 * cancelled, social assistance is sent; closing the case cancels the two left running.
 */
async function planRevised(h: Harness): Promise<void> {
  const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
  await driveToFollowUp(h.db.prisma, handle, 'MEDIUM', [
    { serviceType: 'medical', partnerId: 'partner-demo-health' },
    { serviceType: 'education', partnerId: 'partner-demo-school' },
  ]);
  const education = await referralOf(h, handle, 1);
  await waitForDeadline(handle, 'review');
  await handle.executeUpdate(reviewUpdate, {
    args: [{ actorId: HANDLER, reviewId: 'review-1', risk: 'MEDIUM', decision: 'revisePlan' }],
  });
  const plan = await insertPlan(h.db.prisma, caseId, [
    { serviceType: 'medical', partnerId: 'partner-demo-health' },
    { serviceType: 'socialAssistance', partnerId: 'partner-demo-association' },
  ]);
  await handle.executeUpdate(planUpdate, { args: [{ actorId: HANDLER, ...plan }] });
  await handle.executeUpdate(planApprovalUpdate, { args: [{ actorId: SUPERVISOR, decision: 'approve' }] });
  await education.result();
  const social = await referralOf(h, handle, 2);
  await handle.executeUpdate(closureUpdate, { args: [{ actorId: HANDLER, reason: 'objectivesMet' }] });
  await handle.executeUpdate(closureApprovalUpdate, { args: [{ actorId: SUPERVISOR, decision: 'approve' }] });
  await handle.result();
  await social.result();
  await save(h, 'case-plan-revised', handle);
  await save(h, 'referral-cancelled-by-revision', education);
  await save(h, 'referral-cancelled-by-closure', social);
}

/**
 * An urgent concern moves a pending screening earlier; the case is planned with a referral, its
 * risk falls at review (the referral's acknowledgement is re-planned), it is transferred and the
 * referral follows it to the receiving province, where the partner completes it.
 */
async function transferWithReferrals(h: Harness): Promise<void> {
  const { handle } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
  await waitForDeadline(handle, 'screening');
  await handle.signal(concernSignal, {
    reportId: randomUUID(),
    urgent: true,
    receivedAt: new Date(await h.env.currentTimeMs()).toISOString(),
  });
  await eventually('the screening moved earlier', async () => {
    const rows = await h.db.prisma.auditEvent.count({
      where: { caseId: handle.workflowId.replace(/^case-/, ''), action: 'deadline.replanned' },
    });
    return rows > 0;
  });
  await driveToFollowUp(h.db.prisma, handle, 'HIGH', [
    { serviceType: 'medical', partnerId: 'partner-demo-health' },
  ]);
  const referral = await referralOf(h, handle);
  await waitForDeadline(handle, 'review');
  await handle.executeUpdate(reviewUpdate, {
    args: [{ actorId: HANDLER, reviewId: 'review-1', risk: 'MEDIUM', decision: 'reassess' }],
  });
  await handle.executeUpdate(transferUpdate, { args: [{ actorId: HANDLER, toProvince: 'OTHR' }] });
  await handle.executeUpdate(transferAcceptanceUpdate, {
    args: [{ actorId: 'staff-othr-supervisor', accept: true }],
  });
  await referral.executeUpdate(acknowledgementUpdate, { args: [{ actorId: PARTNER }] });
  await referral.executeUpdate(startUpdate, { args: [{ actorId: PARTNER }] });
  await referral.executeUpdate(outcomeUpdate, { args: [{ actorId: PARTNER, outcome: 'completed' }] });
  await referral.result();
  await save(h, 'case-transfer-with-referrals', handle);
  await save(h, 'referral-transferred', referral);
}

/** Monthly reviews until the case continues as new; the first run's history is the fixture. */
async function continuedAsNew(h: Harness): Promise<void> {
  const { handle } = await startCase(h.env.client, h.db.prisma, h.taskQueue, { maxHistoryEvents: 150 });
  await driveToFollowUp(h.db.prisma, handle, 'HIGH');
  const firstRun = (await handle.describe()).runId;
  for (let i = 0; (await handle.describe()).runId === firstRun; i += 1) {
    const review = await waitForDeadline(handle, 'review');
    await h.env.sleep(Date.parse(review.dueAt) - (await h.env.currentTimeMs()) - 3_600_000);
    await handle.executeUpdate(reviewUpdate, {
      args: [{ actorId: HANDLER, reviewId: `review-${i}`, risk: 'HIGH', decision: 'continue' }],
    });
  }
  await save(h, 'case-continued-as-new', handle, firstRun);
  // The carried run too: it starts from the state it was given, not from the database.
  const secondRun = (await handle.describe()).runId;
  const review = await waitForDeadline(handle, 'review');
  await h.env.sleep(Date.parse(review.dueAt) - (await h.env.currentTimeMs()) - 3_600_000);
  await handle.executeUpdate(reviewUpdate, {
    args: [{ actorId: HANDLER, reviewId: 'review-carried', risk: 'HIGH', decision: 'continue' }],
  });
  await save(h, 'case-continued-as-new-carried', handle, secondRun);
}

/**
 * A leaving-care pathway of a child enrolled at 16: the programme deadline missed (its rung fires),
 * a mediator assigned and the programme set late, then months of programme reviews climbing their
 * ladders until the run continues as new; both runs saved.
 */
async function leavingCarePathway(h: Harness): Promise<void> {
  const birthDate = birthDateAged(await h.env.currentTimeMs(), 16, 2);
  const { handle } = await startPathway(h.env.client, h.db.prisma, h.taskQueue, {
    birthDate,
    maxHistoryEvents: 120,
  });
  await waitForPhase(handle, 'preparation');
  const firstRun = (await handle.describe()).runId;
  await h.env.sleep(32 * 86_400_000);
  console.log('  programme deadline passed; assigning the mediator');
  await handle.executeUpdate(mediatorAssignmentUpdate, {
    args: [{ actorId: HANDLER, mediatorId: MEDIATOR }],
  });
  // The programme, late: its reviews then fall due, each climbing its ladder, until the run continues.
  await handle.executeUpdate(programmeUpdate, { args: [{ actorId: HANDLER, axes: allAxes('inProgress') }] });
  for (let month = 0; (await handle.describe()).runId === firstRun && month < 36; month += 1) {
    await h.env.sleep(30 * 86_400_000);
    console.log(`  month ${month}: ${(await handle.fetchHistory()).events?.length ?? 0} events`);
  }
  const secondRun = (await handle.describe()).runId;
  if (secondRun === firstRun) throw new Error('the pathway did not continue as new in three years');
  await save(h, 'leaving-care-pathway', handle, firstRun);
  await h.env.sleep(30 * 86_400_000);
  await save(h, 'leaving-care-pathway-continued', handle, secondRun);
}

async function main(): Promise<void> {
  // `tsx test/histories/record.ts leavingCarePathway …` records only the scenarios named.
  const only = process.argv.slice(2);
  await globalSetup();
  const h = await createHarness({ encrypted: false });
  try {
    await h.startWorker();
    for (const scenario of [
      fullCircuit,
      escalatedScreening,
      screenedWhileMailRetried,
      declinedReferral,
      continuedAsNew,
      closureWithdrawn,
      planRevised,
      transferWithReferrals,
      leavingCarePathway,
    ].filter((s) => only.length === 0 || only.includes(s.name))) {
      console.log(scenario.name, new Date(await h.env.currentTimeMs()).toISOString());
      await scenario(h);
    }
  } finally {
    await h.stop();
    await globalTeardown();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
