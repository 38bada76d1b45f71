/**
 * Every deadline step of the protocol, as a table: how to bring a case to the moment the step
 * opens, how to do the step, and two checks on Temporal's time-skipping server — done just before
 * the deadline: no escalation and no e-mail; left undone: each rung of the ladder at its planned
 * instant (not a minute before), exactly once, with one e-mail per rung recipient.
 *
 * The expected instants are written out by hand from protocol v1 (EXPECTED below), never computed
 * with the protocol package: clock-hour and day-counted spans as hours or days after the step's
 * clock started; working-day spans as the local midnight that ends a day counted from a fixed
 * Monday the step opens on. Those Mondays (2033–2034) begin weekday windows with no holiday and
 * one UTC offset (+01:00), so the count is plain weekday arithmetic; the test server's clock is
 * moved to them. Nothing is read from the workflow but the opening instant (itself checked to
 * fall within the action that opened it, on the chosen Monday).
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { simpleParser } from 'mailparser';
import type { RiskLevel, StepCode } from '../../protocol';
import {
  assessmentUpdate,
  caseViewQuery,
  checkBackUpdate,
  closureApprovalUpdate,
  closureUpdate,
  concernSignal,
  emergencyUpdate,
  judicialNotificationUpdate,
  planApprovalUpdate,
  planUpdate,
  referralUpdate,
  reviewUpdate,
  screeningUpdate,
  transferAcceptanceUpdate,
  transferUpdate,
  type CaseView,
} from '../../workflows/case/definitions';
import {
  acknowledgementUpdate,
  declineUpdate,
  referralWorkflowId,
  startUpdate,
} from '../../workflows/referral/definitions';
import { clockAt, insertPlan, serverNow, startCase } from './cases';
import type { Harness } from './harness';
import { eventually } from './wait';

export const MINUTE = 60_000;
export const DAY = 86_400_000;
const HANDLER = 'staff-demo-handler';
const SUPERVISOR = 'staff-demo-supervisor';
const PARTNER = 'staff-demo-partner';
const SERVICE = { serviceType: 'familySupport', partnerId: 'partner-demo-association' };

/** Who is told at each rung (protocol.md §3), by province: the demo organisation of prisma/seed.sql. */
const MAILBOX: Record<string, Record<string, string>> = {
  DEMO: {
    handler: 'handler@demo.example',
    supervisor: 'supervisor@demo.example',
    coordinator: 'coordinator@demo.example',
    committee: 'committee@demo.example',
    // The referrals' partner (SERVICE): the association's focal address; it has no staff member.
    partner: 'association@partners.demo.example',
  },
  OTHR: {
    handler: 'handler@othr.example',
    supervisor: 'supervisor@othr.example',
    coordinator: 'coordinator@othr.example',
    committee: 'committee@othr.example',
  },
};

/** A case brought to the moment a step opened. */
export interface Reached {
  caseId: string;
  /** The step's open record: its id names the deadline (and its e-mails). */
  record: { id: string; openedAt: Date; dueAt: Date };
  /**
   * The instant the protocol counts from, when the scenario set it itself (a report's receipt);
   * otherwise the step's clock must start within [openedAfter, openedBefore].
   */
  from?: Date;
  /** Server time just before the action that started the step's clock. */
  openedAfter: number;
  /** Server time once that action was done. */
  openedBefore: number;
  /** Does the step. */
  complete(): Promise<void>;
  /** Every workflow started for this case (terminated at the end). */
  workflows: WorkflowHandle[];
}

export interface StepCase {
  name: string;
  step: StepCode;
  /** The case's risk when the step opens. */
  risk: RiskLevel;
  /** Province whose staff the ladder climbs (the receiving one for a transfer). */
  province: string;
  urgent?: boolean;
  service?: string;
  reach(h: Harness): Promise<Reached>;
}

// --- bringing a case to each step ------------------------------------------------------------

async function openRecord(h: Harness, caseId: string, step: string) {
  return eventually(`an open ${step} record`, async () => {
    const row = await h.db.prisma.stepRecord.findFirst({
      where: { caseId, step, completedAt: null },
      orderBy: { openedAt: 'desc' },
    });
    return row ?? undefined;
  });
}

async function waitFor(handle: WorkflowHandle, what: string, test: (view: CaseView) => boolean) {
  return eventually(what, async () => {
    const view: CaseView = await handle.query(caseViewQuery);
    return test(view) ? view : undefined;
  });
}

/** Opens a case and returns it once its screening clock runs. */
async function opened(h: Harness, urgent = false, receivedAt?: Date) {
  const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue, {
    urgent,
    ...(receivedAt ? { receivedAt } : {}),
  });
  await waitFor(handle, 'the screening deadline', (v) => v.openDeadlines.some((d) => d.step === 'screening'));
  return { handle, caseId };
}

const screening = (risk: RiskLevel, categories = ['neglect']) => ({
  actorId: HANDLER,
  screeningId: randomUUID(),
  risk,
  immediateNeeds: false,
  categories,
});

/** Runs `action` and returns the step's record once open, with the server times around it. */
async function opening(
  h: Harness,
  caseId: string,
  step: string,
  action: () => Promise<unknown>,
): Promise<Pick<Reached, 'record' | 'openedAfter' | 'openedBefore'>> {
  const openedAfter = await h.env.currentTimeMs();
  await action();
  const record = await openRecord(h, caseId, step);
  return { record, openedAfter, openedBefore: await h.env.currentTimeMs() };
}

/** Screening, assessment, plan and approval: the case in follow-up with one referral sent. */
async function inFollowUp(h: Harness, risk: RiskLevel) {
  const { handle, caseId } = await opened(h);
  await handle.executeUpdate(screeningUpdate, { args: [screening(risk)] });
  await handle.executeUpdate(assessmentUpdate, { args: [{ actorId: HANDLER, assessmentId: randomUUID() }] });
  const plan = await insertPlan(h.db.prisma, caseId, [SERVICE]);
  await handle.executeUpdate(planUpdate, { args: [{ actorId: HANDLER, ...plan }] });
  return { handle, caseId };
}

async function referralOf(h: Harness, handle: WorkflowHandle) {
  const view = await waitFor(handle, 'the referral', (v) => v.referrals.length > 0);
  const referralId = view.referrals[0]!.referralId;
  await eventually(
    'the referral row',
    async () => (await h.db.prisma.referral.count({ where: { id: referralId } })) > 0,
  );
  return { referralId, referral: h.env.client.workflow.getHandle(referralWorkflowId(referralId)) };
}

/** A report recorded some time after it was received: its clock started at the receipt. */
const screeningStep = (urgent: boolean): StepCase => ({
  name: `screening (${urgent ? 'urgent' : 'normal'})`,
  step: 'screening',
  risk: 'LOW',
  province: 'DEMO',
  urgent,
  reach: async (h) => {
    const openedAfter = await h.env.currentTimeMs();
    const from = new Date((await serverNow(h.env.client)).getTime() - (urgent ? 40 : 5 * 60) * MINUTE);
    const { handle, caseId } = await opened(h, urgent, from);
    const record = await openRecord(h, caseId, 'screening');
    return {
      caseId,
      record,
      from,
      openedAfter,
      openedBefore: await h.env.currentTimeMs(),
      complete: async () => {
        await handle.executeUpdate(screeningUpdate, { args: [screening('LOW')] });
      },
      workflows: [handle],
    };
  },
});

const assessmentStep = (risk: RiskLevel): StepCase => ({
  name: `assessment (${risk})`,
  step: 'assessment',
  risk,
  province: 'DEMO',
  reach: async (h) => {
    const { handle, caseId } = await opened(h);
    const opens = await opening(h, caseId, 'assessment', () =>
      handle.executeUpdate(screeningUpdate, { args: [screening(risk)] }),
    );
    return {
      caseId,
      ...opens,
      complete: async () => {
        await handle.executeUpdate(assessmentUpdate, {
          args: [{ actorId: HANDLER, assessmentId: randomUUID() }],
        });
      },
      workflows: [handle],
    };
  },
});

/** Every deadline step of protocol v1, each reached the way the circuit reaches it. */
export const STEP_CASES: StepCase[] = [
  screeningStep(true),
  screeningStep(false),
  {
    // A new urgent concern about a screened case, received half an hour before it is recorded.
    name: 'screening (new concern, urgent)',
    step: 'screening',
    risk: 'LOW',
    province: 'DEMO',
    urgent: true,
    reach: async (h) => {
      const { handle, caseId } = await opened(h);
      await handle.executeUpdate(screeningUpdate, { args: [screening('LOW')] });
      await openRecord(h, caseId, 'assessment');
      const openedAfter = await h.env.currentTimeMs();
      const from = new Date(openedAfter - 30 * MINUTE);
      await handle.signal(concernSignal, {
        reportId: randomUUID(),
        urgent: true,
        receivedAt: from.toISOString(),
      });
      const record = await openRecord(h, caseId, 'screening');
      return {
        caseId,
        record,
        from,
        openedAfter,
        openedBefore: await h.env.currentTimeMs(),
        complete: async () => {
          await handle.executeUpdate(screeningUpdate, { args: [screening('LOW')] });
        },
        workflows: [handle],
      };
    },
  },
  {
    name: 'emergency',
    step: 'emergency',
    risk: 'IMMEDIATE',
    province: 'DEMO',
    reach: async (h) => {
      const { handle, caseId } = await opened(h);
      const opens = await opening(h, caseId, 'emergency', () =>
        handle.executeUpdate(screeningUpdate, { args: [screening('IMMEDIATE')] }),
      );
      return {
        caseId,
        ...opens,
        complete: async () => {
          await handle.executeUpdate(emergencyUpdate, {
            args: [{ actorId: HANDLER, measures: ['medical'] }],
          });
        },
        workflows: [handle],
      };
    },
  },
  {
    name: 'judicialNotification',
    step: 'judicialNotification',
    risk: 'MEDIUM',
    province: 'DEMO',
    reach: async (h) => {
      const { handle, caseId } = await opened(h);
      const opens = await opening(h, caseId, 'judicialNotification', () =>
        handle.executeUpdate(screeningUpdate, { args: [screening('MEDIUM', ['sexualAbuse'])] }),
      );
      return {
        caseId,
        ...opens,
        // Done when the prosecutor has acknowledged (sending alone keeps the clock running).
        complete: async () => {
          await handle.executeUpdate(judicialNotificationUpdate, {
            args: [{ actorId: HANDLER, status: 'acknowledged' }],
          });
        },
        workflows: [handle],
      };
    },
  },
  assessmentStep('IMMEDIATE'),
  assessmentStep('HIGH'),
  assessmentStep('MEDIUM'),
  assessmentStep('LOW'),
  {
    name: 'planDraft',
    step: 'planDraft',
    risk: 'MEDIUM',
    province: 'DEMO',
    reach: async (h) => {
      const { handle, caseId } = await opened(h);
      await handle.executeUpdate(screeningUpdate, { args: [screening('MEDIUM')] });
      const opens = await opening(h, caseId, 'planDraft', () =>
        handle.executeUpdate(assessmentUpdate, { args: [{ actorId: HANDLER, assessmentId: randomUUID() }] }),
      );
      return {
        caseId,
        ...opens,
        complete: async () => {
          const plan = await insertPlan(h.db.prisma, caseId, [SERVICE]);
          await handle.executeUpdate(planUpdate, { args: [{ actorId: HANDLER, ...plan }] });
        },
        workflows: [handle],
      };
    },
  },
  {
    name: 'planApproval',
    step: 'planApproval',
    risk: 'MEDIUM',
    province: 'DEMO',
    reach: async (h) => {
      const { handle, caseId } = await opened(h);
      await handle.executeUpdate(screeningUpdate, { args: [screening('MEDIUM')] });
      await handle.executeUpdate(assessmentUpdate, {
        args: [{ actorId: HANDLER, assessmentId: randomUUID() }],
      });
      const plan = await insertPlan(h.db.prisma, caseId, [SERVICE]);
      const opens = await opening(h, caseId, 'planApproval', () =>
        handle.executeUpdate(planUpdate, { args: [{ actorId: HANDLER, ...plan }] }),
      );
      const workflows: WorkflowHandle[] = [handle];
      return {
        caseId,
        ...opens,
        complete: async () => {
          await handle.executeUpdate(planApprovalUpdate, {
            args: [{ actorId: SUPERVISOR, decision: 'approve' }],
          });
          workflows.push((await referralOf(h, handle)).referral);
        },
        workflows,
      };
    },
  },
  {
    name: 'referralAcknowledgement',
    step: 'referralAcknowledgement',
    risk: 'HIGH',
    province: 'DEMO',
    reach: async (h) => {
      const { handle, caseId } = await inFollowUp(h, 'HIGH');
      const opens = await opening(h, caseId, 'referralAcknowledgement', () =>
        handle.executeUpdate(planApprovalUpdate, { args: [{ actorId: SUPERVISOR, decision: 'approve' }] }),
      );
      const { referral } = await referralOf(h, handle);
      return {
        caseId,
        ...opens,
        complete: async () => {
          await referral.executeUpdate(acknowledgementUpdate, { args: [{ actorId: PARTNER }] });
        },
        workflows: [handle, referral],
      };
    },
  },
  {
    name: 'serviceStart',
    step: 'serviceStart',
    risk: 'MEDIUM',
    province: 'DEMO',
    service: SERVICE.serviceType,
    // The clock starts when the referral is sent, not when the partner acknowledges it (a day later).
    reach: async (h) => {
      const { handle, caseId } = await inFollowUp(h, 'MEDIUM');
      const openedAfter = await h.env.currentTimeMs();
      await handle.executeUpdate(planApprovalUpdate, {
        args: [{ actorId: SUPERVISOR, decision: 'approve' }],
      });
      const { referral } = await referralOf(h, handle);
      const openedBefore = await h.env.currentTimeMs();
      await h.env.sleep(DAY);
      await referral.executeUpdate(acknowledgementUpdate, { args: [{ actorId: PARTNER }] });
      const record = await openRecord(h, caseId, 'serviceStart');
      return {
        caseId,
        record,
        openedAfter,
        openedBefore,
        complete: async () => {
          await referral.executeUpdate(startUpdate, { args: [{ actorId: PARTNER }] });
        },
        workflows: [handle, referral],
      };
    },
  },
  {
    name: 'referralReassignment',
    step: 'referralReassignment',
    risk: 'MEDIUM',
    province: 'DEMO',
    reach: async (h) => {
      const { handle, caseId } = await inFollowUp(h, 'MEDIUM');
      await handle.executeUpdate(planApprovalUpdate, {
        args: [{ actorId: SUPERVISOR, decision: 'approve' }],
      });
      const { referral, referralId } = await referralOf(h, handle);
      const opens = await opening(h, caseId, 'referralReassignment', () =>
        referral.executeUpdate(declineUpdate, { args: [{ actorId: PARTNER, reason: 'noCapacity' }] }),
      );
      const workflows: WorkflowHandle[] = [handle, referral];
      return {
        caseId,
        ...opens,
        complete: async () => {
          await handle.executeUpdate(referralUpdate, {
            args: [{ actorId: HANDLER, ...SERVICE, replaces: referralId }],
          });
          const view: CaseView = await handle.query(caseViewQuery);
          for (const r of view.referrals.filter((x) => x.referralId !== referralId)) {
            workflows.push(h.env.client.workflow.getHandle(referralWorkflowId(r.referralId)));
          }
        },
        workflows,
      };
    },
  },
  {
    name: 'review',
    step: 'review',
    risk: 'MEDIUM',
    province: 'DEMO',
    reach: async (h) => {
      const { handle, caseId } = await inFollowUp(h, 'MEDIUM');
      const opens = await opening(h, caseId, 'review', () =>
        handle.executeUpdate(planApprovalUpdate, { args: [{ actorId: SUPERVISOR, decision: 'approve' }] }),
      );
      const { referral } = await referralOf(h, handle);
      return {
        caseId,
        ...opens,
        complete: async () => {
          await handle.executeUpdate(reviewUpdate, {
            args: [{ actorId: HANDLER, reviewId: randomUUID(), risk: 'MEDIUM', decision: 'continue' }],
          });
        },
        workflows: [handle, referral],
      };
    },
  },
  {
    name: 'closureApproval',
    step: 'closureApproval',
    risk: 'LOW',
    province: 'DEMO',
    reach: async (h) => {
      const { handle, caseId } = await opened(h);
      await handle.executeUpdate(screeningUpdate, { args: [screening('LOW')] });
      const opens = await opening(h, caseId, 'closureApproval', () =>
        handle.executeUpdate(closureUpdate, { args: [{ actorId: HANDLER, reason: 'objectivesMet' }] }),
      );
      return {
        caseId,
        ...opens,
        complete: async () => {
          await handle.executeUpdate(closureApprovalUpdate, {
            args: [{ actorId: SUPERVISOR, decision: 'approve' }],
          });
        },
        workflows: [handle],
      };
    },
  },
  {
    name: 'transferAcceptance',
    step: 'transferAcceptance',
    risk: 'LOW',
    province: 'OTHR',
    reach: async (h) => {
      const { handle, caseId } = await opened(h);
      await handle.executeUpdate(screeningUpdate, { args: [screening('LOW')] });
      const opens = await opening(h, caseId, 'transferAcceptance', () =>
        handle.executeUpdate(transferUpdate, { args: [{ actorId: HANDLER, toProvince: 'OTHR' }] }),
      );
      return {
        caseId,
        ...opens,
        complete: async () => {
          await handle.executeUpdate(transferAcceptanceUpdate, {
            args: [{ actorId: 'staff-othr-supervisor', accept: true }],
          });
        },
        workflows: [handle],
      };
    },
  },
  {
    name: 'closureCheckBack',
    step: 'closureCheckBack',
    risk: 'HIGH',
    province: 'DEMO',
    reach: async (h) => {
      const { handle, caseId } = await opened(h);
      await handle.executeUpdate(screeningUpdate, { args: [screening('HIGH')] });
      await handle.executeUpdate(closureUpdate, { args: [{ actorId: HANDLER, reason: 'objectivesMet' }] });
      const opens = await opening(h, caseId, 'closureCheckBack', () =>
        handle.executeUpdate(closureApprovalUpdate, { args: [{ actorId: SUPERVISOR, decision: 'approve' }] }),
      );
      return {
        caseId,
        ...opens,
        complete: async () => {
          await handle.executeUpdate(checkBackUpdate, { args: [{ actorId: HANDLER, outcome: 'stable' }] });
        },
        workflows: [handle],
      };
    },
  },
];

export const stepCase = (name: string): StepCase => {
  const found = STEP_CASES.find((c) => c.name === name);
  if (!found) throw new Error(`no step case ${name}`);
  return found;
};

// --- the checks -------------------------------------------------------------------------------

async function sleepUntil(h: Harness, instant: number): Promise<void> {
  const now = await h.env.currentTimeMs();
  if (instant > now) await h.env.sleep(instant - now);
}

// --- the expected deadlines, by hand ------------------------------------------------------------

const HOUR = 60 * MINUTE;
/** An expected instant: a span after the step's clock started, or the end of a local day. */
type At =
  | { hours: number }
  /** Calendar days keeping the local wall-clock time (no change of UTC offset in these windows). */
  | { days: number }
  /** The local midnight that ends day `n` of the window (day 0 is the Monday the step opens on). */
  | { endOfDay: number };

interface Expected {
  /** Working-day steps: the Mondays (local) the step opens on, for each of the two checks. */
  opensOn?: { doneOnTime: string; leftUndone: string };
  due: At;
  /** Each rung: level, role, instant, and the roles it also tells. */
  rungs: Array<[number, string, At, string[]?]>;
}

/** protocol v1's clock-hour ladder: handler, supervisor and coordinator at the deadline, committee 2 h after. */
const clockHours = (h: number): Expected => ({
  due: { hours: h },
  rungs: [
    [0, 'handler', { hours: h }],
    [1, 'supervisor', { hours: h }],
    [2, 'coordinator', { hours: h }],
    [3, 'committee', { hours: h + 2 }],
  ],
});

/**
 * protocol v1's working-day ladder: the handler at the deadline, the supervisor after 1 working
 * day, the coordinator after 3, the committee after 5 (the days each ends, counted by hand below).
 */
const workingDayLadder = (due: At, supervisor: number, coordinator: number, committee: number) =>
  [
    [0, 'handler', due],
    [1, 'supervisor', { endOfDay: supervisor }],
    [2, 'coordinator', { endOfDay: coordinator }],
    [3, 'committee', { endOfDay: committee }],
  ] satisfies Expected['rungs'];

/**
 * Every case's deadline and ladder, from protocol v1 (protocol/versions/v1.json) and the demo
 * province (no overrides of these steps). Days of a window: Mon 0, Tue 1, Wed 2, Thu 3, Fri 4,
 * (Sat 5, Sun 6), Mon 7 … ; "ends day n" is the local midnight starting day n+1.
 */
export const EXPECTED: Record<string, Expected> = {
  // Urgent reports are screened within 2 hours, others within 24; emergency protection within 4;
  // the judicial notification within 24: all on the clock-hour ladder.
  'screening (urgent)': clockHours(2),
  'screening (normal)': clockHours(24),
  'screening (new concern, urgent)': clockHours(2),
  emergency: clockHours(4),
  judicialNotification: clockHours(24),
  // 3 working days from Monday: Tue, Wed, Thu → ends day 3. Rungs: +1 Fri (4); +3 Fri, Mon, Tue
  // (8); +5 Fri, Mon, Tue, Wed, Thu (10).
  'assessment (IMMEDIATE)': {
    opensOn: { doneOnTime: '2033-01-17', leftUndone: '2033-01-31' },
    due: { endOfDay: 3 },
    rungs: workingDayLadder({ endOfDay: 3 }, 4, 8, 10),
  },
  'assessment (HIGH)': {
    opensOn: { doneOnTime: '2033-02-28', leftUndone: '2033-03-14' },
    due: { endOfDay: 3 },
    rungs: workingDayLadder({ endOfDay: 3 }, 4, 8, 10),
  },
  // 7 working days: Tue 1 … Fri 4, Mon 7, Tue 8, Wed 9 → ends day 9. Rungs: +1 Thu (10); +3 Thu,
  // Fri, Mon (14); +5 Thu, Fri, Mon, Tue, Wed (16).
  'assessment (MEDIUM)': {
    opensOn: { doneOnTime: '2033-04-11', leftUndone: '2033-05-02' },
    due: { endOfDay: 9 },
    rungs: workingDayLadder({ endOfDay: 9 }, 10, 14, 16),
  },
  // 15 working days: 4 in the first week, 5, 5, then Mon 21 → ends day 21. Rungs: +1 Tue (22);
  // +3 Tue, Wed, Thu (24); +5 Tue … Fri, Mon 28 (28).
  'assessment (LOW)': {
    opensOn: { doneOnTime: '2033-06-13', leftUndone: '2033-07-18' },
    due: { endOfDay: 21 },
    rungs: workingDayLadder({ endOfDay: 21 }, 22, 24, 28),
  },
  // 5 working days: Tue … Fri, Mon 7 → ends day 7. Rungs: +1 Tue (8); +3 Tue, Wed, Thu (10);
  // +5 Tue … Fri, Mon 14 (14).
  planDraft: {
    opensOn: { doneOnTime: '2033-01-17', leftUndone: '2033-02-07' },
    due: { endOfDay: 7 },
    rungs: workingDayLadder({ endOfDay: 7 }, 8, 10, 14),
  },
  // 2 working days: Tue, Wed → ends day 2. Rungs: +1 Thu (3); +3 Thu, Fri, Mon (7); +5 … Wed (9).
  planApproval: {
    opensOn: { doneOnTime: '2033-03-07', leftUndone: '2033-03-21' },
    due: { endOfDay: 2 },
    rungs: workingDayLadder({ endOfDay: 2 }, 3, 7, 9),
  },
  // HIGH: 1 working day, Tue → ends day 1, on the referral ladder: the partner (and the handler)
  // at the deadline, the coordinator after 1 working day (Wed, 2), the committee after 5 (Wed,
  // Thu, Fri, Mon, Tue: 8).
  referralAcknowledgement: {
    opensOn: { doneOnTime: '2033-04-11', leftUndone: '2033-04-25' },
    due: { endOfDay: 1 },
    rungs: [
      [0, 'partner', { endOfDay: 1 }, ['handler']],
      [2, 'coordinator', { endOfDay: 2 }],
      [3, 'committee', { endOfDay: 8 }],
    ],
  },
  // familySupport starts within 5 working days of the referral: ends day 7; referral ladder:
  // +1 Tue (8), +5 Tue … Fri, Mon 14 (14).
  serviceStart: {
    opensOn: { doneOnTime: '2033-05-16', leftUndone: '2033-06-13' },
    due: { endOfDay: 7 },
    rungs: [
      [0, 'partner', { endOfDay: 7 }, ['handler']],
      [2, 'coordinator', { endOfDay: 8 }],
      [3, 'committee', { endOfDay: 14 }],
    ],
  },
  // 2 working days after the decline: ends day 2; as planApproval.
  referralReassignment: {
    opensOn: { doneOnTime: '2033-07-11', leftUndone: '2033-07-25' },
    due: { endOfDay: 2 },
    rungs: workingDayLadder({ endOfDay: 2 }, 3, 7, 9),
  },
  // MEDIUM: every 60 days, at the same local time: Friday of the ninth week (day 60). Rungs count
  // working days from that Friday: +1 Mon 63 (63); +3 Mon, Tue, Wed (65); +5 Mon … Fri (67).
  review: {
    opensOn: { doneOnTime: '2033-01-10', leftUndone: '2033-03-28' },
    due: { days: 60 },
    rungs: workingDayLadder({ days: 60 }, 63, 65, 67),
  },
  // 2 working days: ends day 2; as planApproval.
  closureApproval: {
    opensOn: { doneOnTime: '2033-06-20', leftUndone: '2033-07-04' },
    due: { endOfDay: 2 },
    rungs: workingDayLadder({ endOfDay: 2 }, 3, 7, 9),
  },
  // 5 working days: ends day 7, on the receiving province's supervisors first, then its
  // coordinator after 1 working day (Tue, 8) and committee after 5 (Tue … Fri, Mon 14: 14).
  transferAcceptance: {
    opensOn: { doneOnTime: '2033-07-25', leftUndone: '2033-08-15' },
    due: { endOfDay: 7 },
    rungs: [
      [0, 'supervisor', { endOfDay: 7 }],
      [2, 'coordinator', { endOfDay: 8 }],
      [3, 'committee', { endOfDay: 14 }],
    ],
  },
  // HIGH closed: a check-back 90 days later, a Sunday (day 90). Rungs from that Sunday: +1 Mon 91
  // (91); +3 Mon, Tue, Wed (93); +5 Mon … Fri (95).
  closureCheckBack: {
    opensOn: { doneOnTime: '2033-12-26', leftUndone: '2034-04-10' },
    due: { days: 90 },
    rungs: workingDayLadder({ days: 90 }, 91, 93, 95),
  },
};

/** The anchor Mondays' UTC offset (outside Ramadan time, Africa/Casablanca is UTC+1). */
const LOCAL_OFFSET_MS = HOUR;

interface Plan {
  dueAt: string;
  ladder: Array<{ level: number; role: string; at: string; alsoTell?: string[] }>;
}

/** The hand-written plan of this case, as instants, from the step's clock start and its Monday. */
export function expectedPlan(c: StepCase, from: Date, monday?: string): Plan {
  const e = EXPECTED[c.name];
  if (!e) throw new Error(`no expected deadline written for ${c.name}`);
  const instant = (at: At): string => {
    if ('hours' in at) return new Date(from.getTime() + at.hours * HOUR).toISOString();
    if ('days' in at) return new Date(from.getTime() + at.days * DAY).toISOString();
    if (!monday) throw new Error(`${c.name}: a working-day span needs the Monday it opened on`);
    return new Date(
      Date.parse(`${monday}T00:00:00.000Z`) - LOCAL_OFFSET_MS + (at.endOfDay + 1) * DAY,
    ).toISOString();
  };
  return {
    dueAt: instant(e.due),
    ladder: e.rungs.map(([level, role, at, alsoTell]) => ({
      level,
      role,
      at: instant(at),
      ...(alsoTell ? { alsoTell } : {}),
    })),
  };
}

const escalationsOf = (h: Harness, reached: Reached) =>
  h.db.prisma.escalation.findMany({ where: { stepRecordId: reached.record.id }, orderBy: { level: 'asc' } });

/** Reminders and escalations sent about this deadline (kind header; the Message-ID names the deadline). */
async function mailsOf(h: Harness, reached: Reached) {
  const parsed = await Promise.all(h.smtp.messages.map((m) => simpleParser(m.raw)));
  return parsed
    .filter((m) => ['reminder', 'escalation'].includes(String(m.headers.get('x-notification-kind'))))
    .filter((m) => (m.messageId ?? '').startsWith(`<escalation.${reached.record.id}.`))
    .map((m) => ({
      level: Number((m.messageId ?? '').split('.')[2]),
      to: m.to && !Array.isArray(m.to) ? m.to.text : '',
      kind: String(m.headers.get('x-notification-kind')),
    }));
}

/** Reaches the step and checks that it opened when it was opened, due when the protocol says. */
async function reachAndPlan(h: Harness, c: StepCase, check: 'doneOnTime' | 'leftUndone') {
  // A working-day step opens on its Monday, 10:00 local: the window its expected days count in.
  const monday = EXPECTED[c.name]?.opensOn?.[check];
  if (monday) await clockAt(h.env, `${monday}T09:00:00.000Z`);
  const reached = await c.reach(h);
  const openedAt = reached.record.openedAt.getTime();
  if (reached.from) {
    expect(reached.record.openedAt.toISOString()).toBe(reached.from.toISOString());
  } else {
    expect(openedAt).toBeGreaterThanOrEqual(reached.openedAfter);
    expect(openedAt).toBeLessThanOrEqual(reached.openedBefore);
  }
  if (monday) expect(reached.record.openedAt.toISOString().slice(0, 10)).toBe(monday);
  const plan = expectedPlan(c, reached.from ?? reached.record.openedAt, monday);
  expect(reached.record.dueAt.toISOString()).toBe(plan.dueAt);
  return { reached, plan };
}

/**
 * Ends the scenario's workflows once each is quiet (no activity and no workflow task outstanding,
 * twice in a row): terminated with either outstanding, a workflow leaves the time-skipping test
 * server's clock locked, and every later sleep then lasts as long in real time.
 */
async function cleanUp(reached: Reached) {
  const quiet = async (w: WorkflowHandle) => {
    const d = await w.describe();
    if (d.status.name !== 'RUNNING') return 'closed';
    const busy = (d.raw.pendingActivities ?? []).length > 0 || d.raw.pendingWorkflowTask != null;
    return busy ? 'busy' : 'quiet';
  };
  for (const w of reached.workflows) {
    const state = await eventually(`${w.workflowId} quiet`, async () => {
      const first = await quiet(w);
      if (first !== 'quiet') return first === 'closed' ? first : undefined;
      await new Promise((r) => setTimeout(r, 200));
      const second = await quiet(w);
      return second === 'busy' ? undefined : second;
    });
    if (state === 'quiet') await w.terminate('test done');
  }
}

/** Done shortly before the deadline: the step closes on time; no rung ever fires, no e-mail goes. */
export async function doneOnTime(h: Harness, c: StepCase): Promise<void> {
  const { reached, plan } = await reachAndPlan(h, c, 'doneOnTime');
  try {
    await sleepUntil(h, Date.parse(plan.dueAt) - 2 * MINUTE);
    expect(await escalationsOf(h, reached)).toEqual([]);
    await reached.complete();
    const record = await h.db.prisma.stepRecord.findUniqueOrThrow({ where: { id: reached.record.id } });
    expect(record.completedAt).not.toBeNull();
    expect(record.completedAt!.getTime()).toBeLessThan(Date.parse(plan.dueAt));
    expect(record.outcome).toBe('done');
    expect(Number(record.lateByMs)).toBe(0);
    // Well past the last rung.
    const last = Math.max(...plan.ladder.map((r) => Date.parse(r.at)));
    await sleepUntil(h, last + 2 * DAY);
    expect(await escalationsOf(h, reached)).toEqual([]);
    expect(await mailsOf(h, reached)).toEqual([]);
  } finally {
    await cleanUp(reached);
  }
}

/** Left undone: each rung at its instant (none a minute before), exactly once, one e-mail per recipient. */
export async function leftUndone(h: Harness, c: StepCase): Promise<void> {
  const { reached, plan } = await reachAndPlan(h, c, 'leftUndone');
  try {
    const rungs = plan.ladder;
    expect(rungs.length).toBeGreaterThan(0);
    const instants = [...new Set(rungs.map((r) => Date.parse(r.at)))].sort((a, b) => a - b);
    for (const at of instants) {
      const before = rungs.filter((r) => Date.parse(r.at) < at).length;
      const upTo = rungs.filter((r) => Date.parse(r.at) <= at).length;
      await sleepUntil(h, at - MINUTE);
      expect((await escalationsOf(h, reached)).length).toBe(before);
      await sleepUntil(h, at + MINUTE);
      await eventually(
        `${c.name}: ${upTo} rung(s) at ${new Date(at).toISOString()}`,
        async () => (await escalationsOf(h, reached)).length === upTo,
      );
    }
    // Well past the last rung: nothing fires again.
    await sleepUntil(h, instants[instants.length - 1]! + 10 * DAY);
    const rows = await escalationsOf(h, reached);
    expect(rows.map((e) => [e.level, e.role, e.firedAt.toISOString(), e.resolvedAt])).toEqual(
      rungs.map((r) => [r.level, r.role, r.at, null]),
    );
    // One e-mail per role of each rung: its own and those it also tells.
    const byLevelThenTo = (a: { level: number; to: string }, b: { level: number; to: string }) =>
      a.level - b.level || a.to.localeCompare(b.to);
    const expectedMails = rungs
      .flatMap((r) =>
        [r.role, ...(r.alsoTell ?? [])].map((role) => ({
          level: r.level,
          to: MAILBOX[c.province]![role]!,
          kind: r.level === 0 ? 'reminder' : 'escalation',
        })),
      )
      .sort(byLevelThenTo);
    await eventually(
      `${c.name}: every e-mail`,
      async () => (await mailsOf(h, reached)).length >= expectedMails.length,
    );
    expect((await mailsOf(h, reached)).sort(byLevelThenTo)).toEqual(expectedMails);
    const record = await h.db.prisma.stepRecord.findUniqueOrThrow({ where: { id: reached.record.id } });
    expect(record.completedAt).toBeNull();
  } finally {
    await cleanUp(reached);
  }
}

/** Which test file runs which step cases (three files, so they run in parallel on their own servers). */
export const STEP_LADDER_FILES = {
  intake: [
    'screening (urgent)',
    'screening (normal)',
    'screening (new concern, urgent)',
    'emergency',
    'judicialNotification',
    'assessment (IMMEDIATE)',
    'assessment (HIGH)',
    'assessment (MEDIUM)',
    'assessment (LOW)',
  ],
  plan: ['planDraft', 'planApproval', 'referralAcknowledgement', 'serviceStart', 'referralReassignment'],
  closure: ['review', 'closureApproval', 'transferAcceptance', 'closureCheckBack'],
} as const;
