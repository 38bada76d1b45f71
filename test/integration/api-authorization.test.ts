/**
 * The authorisation matrix, exhaustively: every role × every action × own/other province, each
 * as a real HTTP request against the real stack (time-skipping Temporal, worker, PostgreSQL).
 * The expected answers are written below from protocol.md §2, independently of
 * api/auth/policy.ts, so a wrong cell in the policy table fails this test.
 */
import { ACTIONS, ROLES, type Action } from '../../api/auth/policy';
import { createHarness, type Harness } from '../support/harness';
import { newChildReport, startTestApi, waitForOpenStep, type TestApi } from '../support/api';

type Role = (typeof ROLES)[number];
type Side = 'own' | 'other';

const READ_CASES: Action[] = ['case.list', 'case.read', 'case.readTimeline'];
/** What every form needs: the province's units, staff and partners. */
const ORGANISATION: Action[] = ['unit.list', 'staff.list', 'partner.list'];
/** Everyone, for every province: the list of provinces; their own work list. */
const EVERYONE: Action[] = ['province.list', 'work.list'];
const ADMINISTER: Action[] = [
  'unit.create',
  'unit.update',
  'staff.create',
  'staff.update',
  'partner.create',
  'partner.update',
];
const FOLLOW_PATHWAYS: Action[] = ['leavingCare.list', 'leavingCare.read', 'leavingCare.readIdentity'];
const OPERATIONS_READ: Action[] = [
  ...READ_CASES,
  ...ORGANISATION,
  'referral.list',
  'referral.read',
  'leavingCare.list',
  'leavingCare.read',
  'codec.decode',
];
const MEDIATOR_WORK: Action[] = [
  'leavingCare.programme',
  'leavingCare.exitPlan',
  'leavingCare.contact',
  'leavingCare.accompaniment',
  'leavingCare.outcome',
];
const HANDLE_CASES: Action[] = [
  'case.report',
  ...READ_CASES,
  'case.readIdentity',
  'case.readContent',
  'case.rectifyIdentity',
  'case.screening',
  'case.emergency',
  'case.judicialNotification',
  'case.assessment',
  'case.plan',
  'case.review',
  'case.concern',
  'case.referral',
  'case.transfer',
  'case.closure',
  'case.checkBack',
  'referral.list',
  'referral.read',
];

/**
 * protocol.md §2, as expected answers. `own`: the actor's province (for a transfer acceptance,
 * the province the transfer goes to; for a partner, a referral addressed to its service).
 * Leaving care (§4): the mediator carries the pathway; the case's handler and supervisor enrol the
 * child and assign the mediator; the supervisor may also set the length of accompaniment.
 */
const EXPECTED: Record<Role, Record<Side, Action[]>> = {
  // acts on the cases of their province, sees the child; enrols in leaving care, assigns the mediator
  handler: {
    own: [
      ...HANDLE_CASES,
      ...FOLLOW_PATHWAYS,
      'leavingCare.enrol',
      'leavingCare.mediatorAssignment',
      ...ORGANISATION,
      ...EVERYONE,
    ],
    other: [...EVERYONE],
  },
  // a handler's work, plus approvals, reassignment, the audit trail; accepts transfers into the
  // province; decides the length of accompaniment
  supervisor: {
    own: [
      ...HANDLE_CASES,
      'case.planApproval',
      'case.closureApproval',
      'case.assignment',
      'case.readAudit',
      'case.transferAcceptance',
      'report.provincial',
      ...FOLLOW_PATHWAYS,
      'leavingCare.enrol',
      'leavingCare.mediatorAssignment',
      'leavingCare.accompaniment',
      ...ORGANISATION,
      ...EVERYONE,
    ],
    other: [...EVERYONE],
  },
  // reads the province's cases (escalations, blockages) and may reassign; follows its pathways;
  // reads its statistics
  coordinator: {
    own: [
      ...READ_CASES,
      'case.readIdentity',
      'case.readContent',
      'case.assignment',
      'referral.list',
      'referral.read',
      'report.provincial',
      ...FOLLOW_PATHWAYS,
      ...ORGANISATION,
      ...EVERYONE,
    ],
    other: [...EVERYONE],
  },
  // reads the province's cases and pathways, never an identity; receives the province's statistics (§6)
  committee: {
    own: [
      ...READ_CASES,
      'leavingCare.list',
      'leavingCare.read',
      'report.provincial',
      ...ORGANISATION,
      ...EVERYONE,
    ],
    other: [...EVERYONE],
  },
  // only referrals addressed to its own service; its list is always filtered to them
  partner: {
    own: [
      'referral.list',
      'referral.read',
      'referral.acknowledgement',
      'referral.decline',
      'referral.start',
      'referral.outcome',
      ...EVERYONE,
    ],
    other: ['referral.list', ...EVERYONE],
  },
  // carries the leaving-care pathways of their province (may take one over); nothing on protection cases
  mediator: {
    own: [
      ...FOLLOW_PATHWAYS,
      'leavingCare.mediatorAssignment',
      ...MEDIATOR_WORK,
      ...ORGANISATION,
      ...EVERYONE,
    ],
    other: [...EVERYONE],
  },
  // technical staff: case and pathway views of every province, never an identity; the Temporal UI's codec
  operations: {
    own: [...OPERATIONS_READ, ...EVERYONE],
    other: [...OPERATIONS_READ, ...EVERYONE],
  },
  // inspection: reads everything, writes nothing
  auditor: {
    own: [
      ...READ_CASES,
      'case.readIdentity',
      'case.readContent',
      'case.readAudit',
      'referral.list',
      'referral.read',
      'report.provincial',
      ...FOLLOW_PATHWAYS,
      ...ORGANISATION,
      ...EVERYONE,
    ],
    other: [
      ...READ_CASES,
      'case.readIdentity',
      'case.readContent',
      'case.readAudit',
      'referral.list',
      'referral.read',
      'report.provincial',
      ...FOLLOW_PATHWAYS,
      ...ORGANISATION,
      ...EVERYONE,
    ],
  },
  // the organisation of their province: reads and administers it; never a case or a pathway
  admin: {
    own: [...ORGANISATION, ...EVERYONE, ...ADMINISTER],
    other: [...EVERYONE],
  },
  // the ministry's administrator: the organisation of every province
  nationalAdmin: {
    own: [...ORGANISATION, ...EVERYONE, ...ADMINISTER],
    other: [...ORGANISATION, ...EVERYONE, ...ADMINISTER],
  },
};

interface Fixtures {
  caseDemo: string;
  caseOthr: string;
  screenedDemo: string; // a screened DEMO case (the one with referralDemoHealth): content to read
  screenedOthr: string;
  transferToDemo: string; // a case of OTHR with a pending transfer to DEMO
  transferToOthr: string; // a case of DEMO with a pending transfer to OTHR
  referralDemoHealth: string; // a DEMO case's referral to partner-demo-health (the demo partner's service)
  referralOthrSchool: string; // an OTHR case's referral to partner-demo-school
  referralDemoToDecline: string; // another DEMO referral to partner-demo-health, for the decline
  pathwayDemo: string; // the childId of a DEMO case's child enrolled in leaving care
  pathwayOthr: string; // the childId of an OTHR case's child enrolled in leaving care
}

interface Probe {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  body?: unknown;
  /** What a refusal looks like: a resource the actor may read (403) or not (404), or no resource (403). */
  resource:
    | { kind: 'case' | 'referral' | 'pathway' | 'unit' | 'staff' | 'partner'; province: 'DEMO' | 'OTHR' }
    | { kind: 'none' };
}

/** The action that reads a resource of this kind (a refusal on one the actor may read is a 403). */
const READ_ACTION = {
  case: 'case.read',
  referral: 'referral.read',
  pathway: 'leavingCare.read',
  unit: 'unit.list',
  staff: 'staff.list',
  partner: 'partner.list',
} as const satisfies Record<string, Action>;
let unique = 0;

const province = (side: Side) => (side === 'own' ? 'DEMO' : 'OTHR');

/** One request per action and side. Typed by Action: a new action without a probe does not compile. */
function probes(f: Fixtures): Record<Action, (side: Side) => Probe> {
  const onCase =
    (path: string, body?: unknown) =>
    (side: Side): Probe => {
      const caseId = side === 'own' ? f.caseDemo : f.caseOthr;
      return {
        method: body === undefined ? 'GET' : 'POST',
        path: `/cases/${caseId}${path}`,
        body,
        resource: { kind: 'case', province: province(side) },
      };
    };
  const onReferral =
    (path: string, body?: unknown) =>
    (side: Side): Probe => ({
      method: body === undefined ? 'GET' : 'POST',
      path: `/referrals/${side === 'own' ? f.referralDemoHealth : f.referralOthrSchool}${path}`,
      body,
      resource: { kind: 'referral', province: province(side) },
    });
  const onPathway =
    (path: string, body?: unknown) =>
    (side: Side): Probe => ({
      method: body === undefined ? 'GET' : 'POST',
      path: `/leaving-care/${side === 'own' ? f.pathwayDemo : f.pathwayOthr}${path}`,
      body,
      resource: { kind: 'pathway', province: province(side) },
    });
  const everyAxis = ['health', 'educationTraining', 'employment', 'socialAssistance', 'socialParticipation'];
  return {
    'case.report': (side) => ({
      method: 'POST',
      path: '/cases',
      body: newChildReport({ province: province(side) }),
      resource: { kind: 'none' },
    }),
    'case.list': (side) => ({
      method: 'GET',
      path: `/cases?province=${province(side)}`,
      resource: { kind: 'none' },
    }),
    'case.read': onCase(''),
    'case.readIdentity': onCase(''),
    // The same GET on a screened case: its screening's notes are there (null), or the key is absent.
    'case.readContent': (side) => ({
      method: 'GET',
      path: `/cases/${side === 'own' ? f.screenedDemo : f.screenedOthr}`,
      resource: { kind: 'case', province: province(side) },
    }),
    'case.readTimeline': onCase('/timeline'),
    'case.rectifyIdentity': onCase('/child/rectification', {
      reason: 'Birth certificate presented.',
      nationality: 'MA',
    }),
    'case.readAudit': onCase('/audit'),
    'case.screening': onCase('/screening', { risk: 'LOW', immediateNeeds: false, categories: ['neglect'] }),
    'case.emergency': onCase('/emergency', { measures: ['medical'] }),
    'case.judicialNotification': onCase('/judicial-notification', { status: 'sent' }),
    'case.assessment': onCase('/assessment', { social: 'Assessment text.' }),
    'case.plan': onCase('/plan', { items: [{ serviceType: 'medical', partnerId: 'partner-demo-health' }] }),
    'case.planApproval': onCase('/plan/approval', { decision: 'return' }),
    'case.review': onCase('/reviews', { risk: 'LOW', decision: 'continue' }),
    'case.concern': onCase('/concerns', { channel: 'family', categories: ['neglect'] }),
    'case.referral': onCase('/referrals', {
      serviceType: 'familySupport',
      partnerId: 'partner-demo-association',
    }),
    'case.assignment': (side) =>
      onCase('/assignment', { assigneeId: side === 'own' ? 'staff-demo-handler' : 'staff-othr-handler' })(
        side,
      ),
    'case.transfer': (side) => onCase('/transfer', { toProvince: side === 'own' ? 'OTHR' : 'DEMO' })(side),
    'case.transferAcceptance': (side) => {
      // own: the transfer comes INTO the actor's province (the case itself is in the other one).
      const caseId = side === 'own' ? f.transferToDemo : f.transferToOthr;
      return {
        method: 'POST',
        path: `/cases/${caseId}/transfer/acceptance`,
        body: { accept: false },
        resource: { kind: 'case', province: side === 'own' ? 'OTHR' : 'DEMO' },
      };
    },
    'case.closure': onCase('/closure', { reason: 'objectivesMet' }),
    'case.closureApproval': onCase('/closure/approval', { decision: 'return' }),
    'case.checkBack': onCase('/closure/check-back', { outcome: 'stable' }),
    'referral.list': (side) => ({
      method: 'GET',
      path: `/referrals?province=${province(side)}`,
      resource: { kind: 'none' },
    }),
    'referral.read': onReferral(''),
    'referral.acknowledgement': onReferral('/acknowledgement', {}),
    // Declined on a referral of its own: a declined referral's workflow ends, and start and outcome
    // must still reach a live one (a workflow gone answers 409 before any step is judged).
    'referral.decline': (side) => ({
      method: 'POST',
      path: `/referrals/${side === 'own' ? f.referralDemoToDecline : f.referralOthrSchool}/decline`,
      body: { reason: 'noCapacity' },
      resource: { kind: 'referral', province: province(side) },
    }),
    'referral.start': onReferral('/start', {}),
    'referral.outcome': onReferral('/outcome', { outcome: 'completed' }),
    'report.provincial': (side) => ({
      method: 'GET',
      path: `/reports/provincial?province=${province(side)}&from=2026-10-01&to=2026-11-01`,
      resource: { kind: 'none' },
    }),
    // Not about a province: the same request on both sides.
    'codec.decode': () => ({
      method: 'POST',
      path: '/codec/decode',
      body: { payloads: [] },
      resource: { kind: 'none' },
    }),
    // Enrolment names a case (the one the child was placed under): refused like an action on it.
    'leavingCare.enrol': (side) => ({
      method: 'POST',
      path: '/leaving-care',
      body: { caseId: side === 'own' ? f.caseDemo : f.caseOthr },
      resource: { kind: 'case', province: province(side) },
    }),
    'leavingCare.list': (side) => ({
      method: 'GET',
      path: `/leaving-care?province=${province(side)}`,
      resource: { kind: 'none' },
    }),
    'leavingCare.read': onPathway(''),
    'leavingCare.readIdentity': onPathway(''),
    'leavingCare.mediatorAssignment': onPathway('/mediator', { mediatorId: 'staff-demo-mediator' }),
    'leavingCare.programme': onPathway('/programme', {
      axes: everyAxis.map((axis) => ({ axis, status: 'inProgress', objectives: ['An objective.'] })),
    }),
    'leavingCare.exitPlan': onPathway('/exit-plan', {
      items: ['housing', 'incomeOrTraining', 'identityDocuments', 'healthCoverage'].map((item) => ({
        item,
        status: 'inProgress',
      })),
    }),
    'leavingCare.contact': onPathway('/contacts', {}),
    'leavingCare.accompaniment': onPathway('/accompaniment', { months: 12 }),
    'leavingCare.outcome': onPathway('/outcome', {
      outcomes: everyAxis.map((axis) => ({ axis, outcome: 'integrated' })),
    }),
    // Not about a province: the caller's own work, the country's provinces.
    'work.list': () => ({ method: 'GET', path: '/work', resource: { kind: 'none' } }),
    'province.list': () => ({ method: 'GET', path: '/provinces', resource: { kind: 'none' } }),
    'unit.list': (side) => ({
      method: 'GET',
      path: `/units?province=${province(side)}`,
      resource: { kind: 'none' },
    }),
    'staff.list': (side) => ({
      method: 'GET',
      path: `/staff?province=${province(side)}`,
      resource: { kind: 'none' },
    }),
    'partner.list': (side) => ({
      method: 'GET',
      path: `/partners?province=${province(side)}`,
      resource: { kind: 'none' },
    }),
    // A mobile unit, never the duty unit that new cases of the province go to.
    'unit.create': (side) => ({
      method: 'POST',
      path: '/units',
      body: { province: province(side), kind: 'mobileUnit', name: 'Unité mobile (matrice)' },
      resource: { kind: 'none' },
    }),
    'unit.update': (side) => ({
      method: 'PATCH',
      path: `/units/${side === 'own' ? 'unit-demo-mobile' : 'unit-othr-mobile'}`,
      body: { name: 'Unité mobile' },
      resource: { kind: 'unit', province: province(side) },
    }),
    'staff.create': (side) => {
      unique += 1;
      return {
        method: 'POST',
        path: '/staff',
        body: {
          province: province(side),
          unitId: side === 'own' ? 'unit-demo-upe' : 'unit-othr-upe',
          role: 'handler',
          displayName: 'Assistante sociale (matrice)',
          email: `matrix-${unique}-${process.pid}@demo.example`,
        },
        resource: { kind: 'none' },
      };
    },
    'staff.update': (side) => ({
      method: 'PATCH',
      path: `/staff/${side === 'own' ? 'staff-demo-coordinator' : 'staff-othr-coordinator'}`,
      body: { language: 'fr' },
      resource: { kind: 'staff', province: province(side) },
    }),
    'partner.create': (side) => ({
      method: 'POST',
      path: '/partners',
      body: {
        province: province(side),
        partnerType: 'association',
        name: 'Association (matrice)',
        focalEmail: 'matrix@partners.example',
      },
      resource: { kind: 'none' },
    }),
    'partner.update': (side) => ({
      method: 'PATCH',
      path: `/partners/${side === 'own' ? 'partner-demo-mobileUnit' : 'partner-othr-health'}`,
      body: { name: 'Unité mobile (démo)' },
      resource: { kind: 'partner', province: province(side) },
    }),
  };
}

let h: Harness;
let api: TestApi;
let fixtures: Fixtures;

async function open(as: string, provinceCode: 'DEMO' | 'OTHR'): Promise<string> {
  const res = await api.post<{ caseId: string }>('/cases', {
    as,
    body: newChildReport({ province: provinceCode }),
  });
  expect(res.status).toBe(201);
  await waitForOpenStep(
    api,
    res.body.caseId,
    'screening',
    provinceCode === 'DEMO' ? 'staff-demo-committee' : 'staff-othr-committee',
  );
  return res.body.caseId;
}

async function referral(
  as: string,
  provinceCode: 'DEMO' | 'OTHR',
  serviceType: string,
  partnerId: string,
): Promise<{ referralId: string; caseId: string }> {
  const caseId = await open(as, provinceCode);
  const screened = await api.post(`/cases/${caseId}/screening`, {
    as,
    body: { risk: 'LOW', immediateNeeds: false, categories: ['neglect'] },
  });
  expect(screened.status).toBe(200);
  const res = await api.post<{ referralId: string }>(`/cases/${caseId}/referrals`, {
    as,
    body: { serviceType, partnerId },
  });
  expect(res.status).toBe(201);
  // The referral's row is written by its workflow's first activity.
  const deadline = Date.now() + 20_000;
  while ((await api.get(`/referrals/${res.body.referralId}`, { as })).status !== 200) {
    if (Date.now() > deadline) throw new Error('the referral row never appeared');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { referralId: res.body.referralId, caseId };
}

async function transfer(as: string, from: 'DEMO' | 'OTHR', to: 'DEMO' | 'OTHR'): Promise<string> {
  const caseId = await open(as, from);
  expect((await api.post(`/cases/${caseId}/transfer`, { as, body: { toProvince: to } })).status).toBe(200);
  return caseId;
}

/** A case's child enrolled in leaving care through the API. */
async function pathway(as: string, provinceCode: 'DEMO' | 'OTHR'): Promise<string> {
  const caseId = await open(as, provinceCode);
  const res = await api.post<{ pathway: { childId: string; province: string } }>('/leaving-care', {
    as,
    body: { caseId },
  });
  expect(res.status).toBe(201);
  expect(res.body.pathway.province).toBe(provinceCode);
  return res.body.pathway.childId;
}

beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
  api = await startTestApi(h);
  // The other province's own mobile unit and partner, for the administrators' probes.
  await api.prisma.unit.create({
    data: { id: 'unit-othr-mobile', provinceCode: 'OTHR', kind: 'mobileUnit', name: 'Unité mobile' },
  });
  await api.prisma.partner.create({
    data: {
      id: 'partner-othr-health',
      provinceCode: 'OTHR',
      partnerType: 'health',
      name: 'Centre de santé (autre)',
      focalEmail: 'health@partners.othr.example',
    },
  });
  const demoReferral = await referral('staff-demo-handler', 'DEMO', 'medical', 'partner-demo-health');
  const othrReferral = await referral('staff-othr-handler', 'OTHR', 'education', 'partner-demo-school');
  const declinedReferral = await referral('staff-demo-handler', 'DEMO', 'medical', 'partner-demo-health');
  fixtures = {
    caseDemo: await open('staff-demo-handler', 'DEMO'),
    caseOthr: await open('staff-othr-handler', 'OTHR'),
    screenedDemo: demoReferral.caseId,
    screenedOthr: othrReferral.caseId,
    transferToDemo: await transfer('staff-othr-handler', 'OTHR', 'DEMO'),
    transferToOthr: await transfer('staff-demo-handler', 'DEMO', 'OTHR'),
    referralDemoHealth: demoReferral.referralId,
    referralOthrSchool: othrReferral.referralId,
    referralDemoToDecline: declinedReferral.referralId,
    pathwayDemo: await pathway('staff-demo-handler', 'DEMO'),
    pathwayOthr: await pathway('staff-othr-handler', 'OTHR'),
  };
});
afterAll(async () => {
  await api?.stop();
  await h?.stop();
});

it('has an expectation and a probe for every action of the policy', () => {
  const probeTable = probes(fixtures);
  for (const action of ACTIONS) expect(typeof probeTable[action]).toBe('function');
  const expected = new Set(Object.values(EXPECTED).flatMap((e) => [...e.own, ...e.other]));
  for (const action of expected) expect(ACTIONS).toContain(action);
  expect(Object.keys(EXPECTED).sort()).toEqual([...ROLES].sort());
});

/**
 * A refusal that can only come after the policy let the request through, so it counts as allowed.
 * Nothing else does: not a generic 409 (a workflow no longer running is answered before any
 * workflow judges the step), not a 400, not an idempotency conflict.
 *  - 409 stepRejected with a reason code: the step's workflow validator judged the request, and a
 *    request reaches the workflow only once the route has authorised it (api/http/errors.ts maps
 *    only a validator's StepRejected failure to it);
 *  - for leavingCare.enrol, 409 conflict naming the child: the one-pathway-per-child check runs
 *    after loadCase(…, 'leavingCare.enrol') authorised the case (api/leaving-care/routes.ts).
 */
function passedThePolicy(action: Action, status: number, body: unknown): boolean {
  if (status !== 409 || typeof body !== 'object' || body === null) return false;
  const problem = body as { type?: unknown; code?: unknown; childId?: unknown; detail?: unknown };
  const type = typeof problem.type === 'string' ? problem.type.replace(/^.*\/problems\//, '') : '';
  if (type === 'stepRejected')
    return typeof problem.code === 'string' && /^(case|pathway|referral)\./.test(problem.code);
  return (
    action === 'leavingCare.enrol' &&
    type === 'conflict' &&
    problem.code === undefined &&
    typeof problem.childId === 'string' &&
    String(problem.detail).includes('already has a leaving-care pathway')
  );
}

it('answers every role × action × own/other province as protocol.md §2 says', async () => {
  const probeTable = probes(fixtures);
  const mismatches: string[] = [];
  let requests = 0;
  for (const role of ROLES) {
    const as = `staff-demo-${role}`;
    for (const action of ACTIONS) {
      for (const side of ['own', 'other'] as const) {
        const probe = probeTable[action](side);
        const res = await api.request<{ child?: unknown; screenings?: Record<string, unknown>[] }>(
          probe.method,
          probe.path,
          {
            as,
            ...(probe.body === undefined ? {} : { body: probe.body }),
          },
        );
        requests += 1;
        const allowed = EXPECTED[role][side].includes(action);
        const readSide: Side | undefined =
          probe.resource.kind === 'none' ? undefined : probe.resource.province === 'DEMO' ? 'own' : 'other';
        const readable =
          probe.resource.kind !== 'none' &&
          readSide !== undefined &&
          EXPECTED[role][readSide].includes(READ_ACTION[probe.resource.kind]);
        let ok: boolean;
        let wanted: string;
        if (action === 'case.readIdentity' || action === 'leavingCare.readIdentity') {
          // The same GET as case.read: the identity is in the answer, or not.
          const hasChild = res.status === 200 && res.body.child !== undefined;
          wanted = allowed ? '200 with the child' : readable ? '200 without the child' : '404';
          ok = allowed ? hasChild : readable ? res.status === 200 && !hasChild : res.status === 404;
        } else if (action === 'case.readContent') {
          // The same GET as case.read: the screening's notes key is in the answer, or not.
          const screening = res.status === 200 ? res.body.screenings?.[0] : undefined;
          const hasNotes = screening !== undefined && 'notes' in screening;
          wanted = allowed ? '200 with the notes' : readable ? '200 without the notes' : '404';
          ok = allowed
            ? hasNotes
            : readable
              ? res.status === 200 && screening !== undefined && !hasNotes
              : res.status === 404;
        } else if (allowed) {
          wanted = '2xx, or a 409 given only past the policy check';
          ok = [200, 201, 202].includes(res.status) || passedThePolicy(action, res.status, res.body);
        } else {
          wanted = readable || probe.resource.kind === 'none' ? '403' : '404';
          ok = res.status === Number(wanted);
        }
        if (!ok)
          mismatches.push(
            `${role} ${action} (${side}): expected ${wanted}, got ${res.status} ${probe.method} ${probe.path}`,
          );
      }
    }
  }
  expect(requests).toBe(ROLES.length * ACTIONS.length * 2);
  expect(mismatches).toEqual([]);
});
