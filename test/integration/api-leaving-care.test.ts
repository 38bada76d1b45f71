/**
 * The leaving-care API against real parts: the time-skipping Temporal server with the real worker,
 * a fresh PostgreSQL database, an SMTP capture. Enrolment, each step of the pathway, reads and
 * lists, validation, out-of-order steps, "nothing half-written", Idempotency-Key, and one young
 * person taken through the API from enrolment at 17 to the outcome a year after exit.
 */
import { leavingCareViewQuery, leavingCareWorkflowId } from '../../workflows/leaving-care/definitions';
import { createHarness, type Harness } from '../support/harness';
import { newChildReport, startTestApi, waitForOpenStep, type TestApi } from '../support/api';
import { birthDateAged, DAY, MINUTE, sleepUntil } from '../support/leaving-care';
import { eventually } from '../support/wait';

const HANDLER = 'staff-demo-handler';
const SUPERVISOR = 'staff-demo-supervisor';
const MEDIATOR = 'staff-demo-mediator';
const COMMITTEE = 'staff-demo-committee';
const OTHR_HANDLER = 'staff-othr-handler';
const AXES = ['health', 'educationTraining', 'employment', 'socialAssistance', 'socialParticipation'];
const ITEMS = ['housing', 'incomeOrTraining', 'identityDocuments', 'healthCoverage'];

let h: Harness;
let api: TestApi;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
  api = await startTestApi(h);
});
afterAll(async () => {
  await api?.stop();
  await h?.stop();
});

type Problem = {
  type: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
  childId?: string;
};
interface Deadline {
  step: string;
  dueAt: string;
  overdue: boolean;
  month?: number;
}
interface Pathway {
  pathwayId: string;
  childId: string;
  caseId: string;
  province: string;
  phase: string;
  notEnrolledReason: string | null;
  mediatorId: string | null;
  milestones: {
    preparationAt: string;
    exitPlanDueAt: string;
    exitAt: string;
    contactDueAt: string[];
    accompanimentEndsAt: string;
  } | null;
  accompanimentMonths: number;
  programmeAt: string | null;
  reviews: number;
  exitPlanAt: string | null;
  contacts: number;
  openDeadlines: Deadline[];
  stepsOnTime: number;
  stepsLate: number;
}
interface Details extends Pathway {
  trigger: string;
  axes: { axis: string; status: string; objectives?: string[] }[];
  child?: { firstName: string; birthDate: string };
}

/** A child of the given age on the server's clock, with an open case in the province. */
async function childAged(years: number, months = 0, as = HANDLER, province?: 'OTHR') {
  const report = newChildReport(province ? { province } : {});
  const birthDate = birthDateAged(await h.env.currentTimeMs(), years, months);
  const res = await api.post<{ caseId: string; childId: string }>('/cases', {
    as,
    body: { ...report, child: { ...report.child, birthDate } },
  });
  expect(res.status).toBe(201);
  await waitForOpenStep(api, res.body.caseId, 'screening', province ? 'staff-othr-committee' : COMMITTEE);
  return { ...res.body, firstName: report.child.firstName, birthDate };
}

async function enrol(
  caseId: string | { childId: string },
  as = HANDLER,
  extra: Record<string, unknown> = {},
) {
  const ids = typeof caseId === 'string' ? { caseId } : caseId;
  const res = await api.post<{ pathway: Pathway }>('/leaving-care', { as, body: { ...ids, ...extra } });
  expect(res.status).toBe(201);
  return res.body.pathway;
}

const programme = (status = 'inProgress') => ({
  axes: AXES.map((axis) => ({
    axis,
    status,
    objectives: [`Objective 1 for ${axis}`, `Objective 2 for ${axis}`],
  })),
});
const exitPlan = (status = 'achieved') => ({ items: ITEMS.map((item) => ({ item, status })) });

/** Rows of the pathway tables and the audit trail ("nothing half-written" compares two of these). */
async function pathwayRows(pathwayId: string) {
  const p = api.prisma;
  return {
    objectives: await p.leavingCareObjective.count({ where: { pathwayId } }),
    reviews: await p.leavingCareReview.count({ where: { pathwayId } }),
    exitPlans: await p.leavingCareExitPlan.count({ where: { pathwayId } }),
    contacts: await p.leavingCareContact.count({ where: { pathwayId } }),
    outcomes: await p.leavingCareOutcome.count({ where: { pathwayId } }),
    axes: (await p.leavingCareAxis.findMany({ where: { pathwayId }, orderBy: { axis: 'asc' } })).map(
      (a) => a.status,
    ),
    audit: await p.auditEvent.count({ where: { entityId: pathwayId } }),
    steps: await p.stepRecord.count({ where: { subjectId: pathwayId } }),
    mediator: (await p.leavingCarePathway.findUniqueOrThrow({ where: { id: pathwayId } })).mediatorId,
  };
}

describe('POST /leaving-care', () => {
  it('enrols a 16-year-old at once (preparation), records who enrolled, and refuses a second enrolment (409 with the childId)', async () => {
    const { caseId, childId } = await childAged(16, 2);
    const pathway = await enrol(caseId, HANDLER, { accompanimentMonths: 18 });
    expect(pathway).toMatchObject({
      childId,
      caseId,
      province: 'DEMO',
      phase: 'preparation',
      accompanimentMonths: 18,
    });
    expect(pathway.openDeadlines.map((d) => d.step).sort()).toEqual(['exitPlan', 'programme']);
    expect(pathway.milestones?.contactDueAt).toHaveLength(18);
    const row = await api.prisma.leavingCarePathway.findUniqueOrThrow({ where: { childId } });
    expect(row).toMatchObject({
      id: pathway.pathwayId,
      trigger: 'api',
      workflowId: leavingCareWorkflowId(childId),
      accompanimentMonths: 18,
    });
    const audit = await api.prisma.auditEvent.findMany({
      where: { entityId: row.id, action: 'leavingCare.enrolled' },
    });
    expect(audit).toEqual([expect.objectContaining({ actorId: HANDLER, caseId })]);

    for (const body of [{ caseId }, { childId }, { caseId, childId }]) {
      const again = await api.post<Problem>('/leaving-care', { as: SUPERVISOR, body });
      expect(again.status).toBe(409);
      expect(again.body.childId).toBe(childId);
      expect(again.body.detail).toContain(`GET /leaving-care/${childId}`);
    }
    expect(await api.prisma.leavingCarePathway.count({ where: { childId } })).toBe(1);
  });

  it("enrols by childId alone (the child's open case), waits for a 12-year-old's 15th birthday, and records why a 19-year-old is not enrolled", async () => {
    const young = await childAged(12, 0);
    const waiting = await enrol({ childId: young.childId });
    expect(waiting).toMatchObject({
      childId: young.childId,
      caseId: young.caseId,
      phase: 'waiting',
      openDeadlines: [],
    });
    expect(Date.parse(waiting.milestones?.preparationAt ?? '')).toBeGreaterThan(await h.env.currentTimeMs());

    const adult = await childAged(19, 0);
    const res = await api.post<{ pathway: Pathway }>('/leaving-care', {
      as: HANDLER,
      body: { caseId: adult.caseId },
    });
    expect(res.status).toBe(201);
    expect(res.body.pathway).toMatchObject({
      phase: 'notEnrolled',
      notEnrolledReason: 'pastExitAge',
      milestones: null,
    });
    // Nothing more can be recorded on it.
    const step = await api.post<Problem>(`/leaving-care/${adult.childId}/mediator`, {
      as: HANDLER,
      body: { mediatorId: MEDIATOR },
    });
    expect(step.status).toBe(409);
    expect(step.body.detail).toBe('the pathway is notEnrolled: nothing more can be recorded');
    const read = await api.get<Details>(`/leaving-care/${adult.childId}`, { as: HANDLER });
    expect(read.status).toBe(200);
    expect(read.body.phase).toBe('notEnrolled');
  });

  it('names every bad field (400), hides cases it may not see (404), and enrols nothing', async () => {
    const { caseId, childId } = await childAged(16);
    const before = await api.prisma.leavingCarePathway.count();
    const empty = await api.post<Problem>('/leaving-care', { as: HANDLER, body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.errors).toEqual([{ path: 'body.caseId', message: 'give caseId, childId or both' }]);
    const bad = await api.post<Problem>('/leaving-care', {
      as: HANDLER,
      body: { caseId: 'nope', childId: 42, accompanimentMonths: 25, extra: true },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.path).sort()).toEqual(
      ['body.accompanimentMonths', 'body.caseId', 'body.childId', 'body.extra'].sort(),
    );
    const other = await childAged(16, 0, HANDLER);
    const mismatch = await api.post<Problem>('/leaving-care', {
      as: HANDLER,
      body: { caseId, childId: other.childId },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.errors).toEqual([
      { path: 'body.childId', message: `case ${caseId} is not about this child` },
    ]);
    const unknown = await api.post<Problem>('/leaving-care', {
      as: HANDLER,
      body: { caseId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(unknown.status).toBe(404);
    const elsewhere = await childAged(16, 0, OTHR_HANDLER, 'OTHR');
    const hidden = await api.post<Problem>('/leaving-care', {
      as: HANDLER,
      body: { caseId: elsewhere.caseId },
    });
    expect(hidden.status).toBe(404);
    expect(hidden.body.detail).toBe(
      unknown.body.detail.replace('00000000-0000-4000-8000-000000000000', elsewhere.caseId),
    );
    const byChild = await api.post<Problem>('/leaving-care', {
      as: HANDLER,
      body: { childId: elsewhere.childId },
    });
    expect(byChild.status).toBe(404);
    // The committee may see the case but not enrol from it.
    expect((await api.post('/leaving-care', { as: COMMITTEE, body: { caseId } })).status).toBe(403);
    expect(await api.prisma.leavingCarePathway.count()).toBe(before);
    expect(await api.prisma.leavingCarePathway.count({ where: { childId } })).toBe(0);
  });
});

describe('pathway steps', () => {
  it('takes the programme (objectives in the database, never the workflow), reviews, the mediator, the exit plan and the accompaniment through the API', async () => {
    const { caseId, childId, firstName, birthDate } = await childAged(16, 0);
    const { pathwayId } = await enrol(caseId);

    const set = await api.post<{ reviewId: string; pathway: Pathway }>(`/leaving-care/${childId}/programme`, {
      as: MEDIATOR,
      body: programme(),
    });
    expect(set.status).toBe(200);
    expect(set.body.pathway.programmeAt).not.toBeNull();
    expect(set.body.pathway.openDeadlines.map((d) => d.step).sort()).toEqual(['exitPlan', 'programmeReview']);
    const objectives = await api.prisma.leavingCareObjective.findMany({
      where: { pathwayId },
      orderBy: [{ axis: 'asc' }, { position: 'asc' }],
    });
    expect(objectives).toHaveLength(10);
    expect(objectives.every((o) => o.reviewId === set.body.reviewId && o.recordedById === MEDIATOR)).toBe(
      true,
    );
    expect(objectives.slice(0, 2).map((o) => [o.axis, o.position, o.objective])).toEqual([
      ['educationTraining', 1, 'Objective 1 for educationTraining'],
      ['educationTraining', 2, 'Objective 2 for educationTraining'],
    ]);
    const assessment = await api.prisma.leavingCareReview.findUniqueOrThrow({
      where: { id: set.body.reviewId },
    });
    expect(assessment).toMatchObject({ pathwayId, kind: 'assessment', reviewedById: MEDIATOR });
    // The workflow's history carries counts, never an objective's text.
    const history = JSON.stringify(
      await h.env.client.workflow.getHandle(leavingCareWorkflowId(childId)).fetchHistory(),
    );
    expect(history).not.toContain('Objective 1');

    // A review changes one axis's objectives; the others keep theirs.
    const reviewed = await api.post<{ reviewId: string; pathway: Pathway }>(
      `/leaving-care/${childId}/programme/reviews`,
      {
        as: MEDIATOR,
        body: {
          axes: AXES.map((axis) =>
            axis === 'employment'
              ? { axis, status: 'achieved', objectives: ['Keep the apprenticeship'] }
              : { axis, status: 'inProgress' },
          ),
        },
      },
    );
    expect(reviewed.status).toBe(200);
    expect(reviewed.body.pathway.reviews).toBe(1);
    const mediatorView = await api.get<Details>(`/leaving-care/${childId}`, { as: MEDIATOR });
    expect(mediatorView.status).toBe(200);
    expect(mediatorView.body.axes.map((a) => a.axis)).toEqual(AXES);
    expect(mediatorView.body.axes.find((a) => a.axis === 'employment')).toEqual({
      axis: 'employment',
      status: 'achieved',
      objectives: ['Keep the apprenticeship'],
    });
    expect(mediatorView.body.axes.find((a) => a.axis === 'health')).toEqual({
      axis: 'health',
      status: 'inProgress',
      objectives: ['Objective 1 for health', 'Objective 2 for health'],
    });
    expect(mediatorView.body.child).toMatchObject({ firstName, birthDate });
    expect(
      await api.prisma.auditEvent.findMany({ where: { caseId, action: 'child.identity.read' } }),
    ).toEqual([expect.objectContaining({ actorId: MEDIATOR, reason: 'GET /leaving-care/{childId}' })]);
    // The committee follows the pathway without the identity or the objectives.
    const committee = await api.get<Details>(`/leaving-care/${childId}`, { as: COMMITTEE });
    expect(committee.status).toBe(200);
    expect(committee.body.reviews).toBe(1);
    expect(committee.body.child).toBeUndefined();
    expect(committee.body.axes.every((a) => a.objectives === undefined)).toBe(true);
    expect(committee.text).not.toContain(firstName);
    expect(committee.text).not.toContain('apprenticeship');

    // The exit plan needs a mediator; the mediator must be one of the province's.
    const early = await api.post<Problem>(`/leaving-care/${childId}/exit-plan`, {
      as: MEDIATOR,
      body: exitPlan(),
    });
    expect(early.status).toBe(409);
    expect(early.body.detail).toBe('mediatorId: assign a mediator before recording the exit plan');
    const notMediator = await api.post<Problem>(`/leaving-care/${childId}/mediator`, {
      as: HANDLER,
      body: { mediatorId: SUPERVISOR },
    });
    expect(notMediator.status).toBe(400);
    expect(notMediator.body.errors).toEqual([
      { path: 'body.mediatorId', message: 'no mediator with this id' },
    ]);
    const assigned = await api.post<{ pathway: Pathway }>(`/leaving-care/${childId}/mediator`, {
      as: HANDLER,
      body: { mediatorId: MEDIATOR },
    });
    expect(assigned.body.pathway.mediatorId).toBe(MEDIATOR);
    const planned = await api.post<{ pathway: Pathway }>(`/leaving-care/${childId}/exit-plan`, {
      as: MEDIATOR,
      body: exitPlan('inProgress'),
    });
    expect(planned.status).toBe(200);
    expect(planned.body.pathway.exitPlanAt).not.toBeNull();
    expect(await api.prisma.leavingCareExitPlan.findUnique({ where: { pathwayId } })).toMatchObject({
      mediatorId: MEDIATOR,
      recordedById: MEDIATOR,
    });
    const longer = await api.post<{ pathway: Pathway }>(`/leaving-care/${childId}/accompaniment`, {
      as: SUPERVISOR,
      body: { months: 24 },
    });
    expect(longer.status).toBe(200);
    expect(longer.body.pathway.accompanimentMonths).toBe(24);
    expect(longer.body.pathway.milestones?.contactDueAt).toHaveLength(24);
    // Before exit there is no contact to record and no outcome.
    const contact = await api.post<Problem>(`/leaving-care/${childId}/contacts`, { as: MEDIATOR, body: {} });
    expect(contact.status).toBe(409);
    expect(contact.body.detail).toBe(
      "the pathway is in phase 'preparation'; contacts are recorded during accompaniment, after exit",
    );
    const outcome = await api.post<Problem>(`/leaving-care/${childId}/outcome`, {
      as: MEDIATOR,
      body: { outcomes: AXES.map((axis) => ({ axis, outcome: 'integrated' })) },
    });
    expect(outcome.status).toBe(409);
    expect(outcome.body.detail).toBe("the pathway is in phase 'preparation'; this action needs 'outcome'");
  });

  it("answers an out-of-order step with 409 and the workflow's reason, and writes nothing (objectives included)", async () => {
    const young = await childAged(13, 0);
    const { pathwayId } = await enrol(young.caseId);
    /** The rows once the workflow's own writes have settled (two equal reads in a row). */
    const settled = async (id: string) =>
      eventually('settled rows', async () => {
        const a = JSON.stringify(await pathwayRows(id));
        await new Promise((r) => setTimeout(r, 300));
        return a === JSON.stringify(await pathwayRows(id)) ? (JSON.parse(a) as unknown) : undefined;
      });
    const before = await settled(pathwayId);
    const early = await api.post<Problem>(`/leaving-care/${young.childId}/programme`, {
      as: MEDIATOR,
      body: programme(),
    });
    expect(early.status).toBe(409);
    expect(early.body.type).toMatch(/stepRejected$/);
    expect(early.body.detail).toBe("the pathway is in phase 'waiting'; this action needs 'preparation'");
    expect(await pathwayRows(pathwayId)).toEqual(before);

    const { childId, caseId } = await childAged(16, 6);
    const started = await enrol(caseId);
    expect(
      (await api.post(`/leaving-care/${childId}/programme`, { as: MEDIATOR, body: programme() })).status,
    ).toBe(200);
    const set = await settled(started.pathwayId);
    const twice = await api.post<Problem>(`/leaving-care/${childId}/programme`, {
      as: MEDIATOR,
      body: programme(),
    });
    expect(twice.status).toBe(409);
    expect(twice.body.detail).toBe('the programme is already set; record a review instead');
    expect(await pathwayRows(started.pathwayId)).toEqual(set);
    const view = await h.env.client.workflow
      .getHandle(leavingCareWorkflowId(childId))
      .query(leavingCareViewQuery);
    expect(view.reviews).toBe(0);
  });

  it('lists every invalid field of a step (400) before anything is written', async () => {
    const { caseId, childId } = await childAged(16, 0);
    const { pathwayId } = await enrol(caseId);
    const before = await pathwayRows(pathwayId);
    const res = await api.post<Problem>(`/leaving-care/${childId}/programme`, {
      as: MEDIATOR,
      body: {
        axes: [
          { axis: 'health', status: 'inProgress', objectives: ['Check-ups'] },
          { axis: 'health', status: 'inProgress', objectives: ['Again'] },
          { axis: 'employment', status: 'done', objectives: [] },
          { axis: 'housing', status: 'inProgress', objectives: ['A flat'] },
          { axis: 'socialAssistance', status: 'inProgress', objectives: ['  '], note: 'x' },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'body.axes[1].axis', message: 'given twice' },
        { path: 'body.axes[2].status', message: expect.any(String) },
        { path: 'body.axes[2].objectives', message: expect.any(String) },
        { path: 'body.axes[3].axis', message: expect.any(String) },
        { path: 'body.axes[4].objectives[0]', message: expect.any(String) },
        { path: 'body.axes[4].note', message: 'unknown field' },
        { path: 'body.axes', message: 'missing educationTraining, socialParticipation' },
      ]),
    );
    expect(res.body.errors).toHaveLength(7);
    const others = await Promise.all([
      api.post<Problem>(`/leaving-care/${childId}/exit-plan`, { as: MEDIATOR, body: { items: [] } }),
      api.post<Problem>(`/leaving-care/${childId}/accompaniment`, { as: MEDIATOR, body: { months: 0 } }),
      api.post<Problem>(`/leaving-care/${childId}/contacts`, { as: MEDIATOR, body: { when: 'today' } }),
      api.post<Problem>(`/leaving-care/${childId}/mediator`, { as: HANDLER, body: {} }),
      api.post<Problem>('/leaving-care/not-a-uuid/outcome', { as: MEDIATOR, body: { outcomes: [] } }),
    ]);
    expect(others.map((r) => [r.status, r.body.errors?.map((e) => e.path)])).toEqual([
      [400, ['body.items']],
      [400, ['body.months']],
      [400, ['body.when']],
      [400, ['body.mediatorId']],
      [400, ['params.childId', 'body.outcomes']],
    ]);
    expect(await pathwayRows(pathwayId)).toEqual(before);
  });

  it('replays a step sent twice with the same Idempotency-Key, with one effect only', async () => {
    const { caseId, childId } = await childAged(16, 0);
    const { pathwayId } = await enrol(caseId);
    await api.post(`/leaving-care/${childId}/programme`, { as: MEDIATOR, body: programme() });
    const headers = { 'Idempotency-Key': `review-${childId}` };
    const body = { axes: AXES.map((axis) => ({ axis, status: 'achieved', objectives: [`New ${axis}`] })) };
    const first = await api.post<{ reviewId: string }>(`/leaving-care/${childId}/programme/reviews`, {
      as: MEDIATOR,
      body,
      headers,
    });
    const second = await api.post<{ reviewId: string }>(`/leaving-care/${childId}/programme/reviews`, {
      as: MEDIATOR,
      body,
      headers,
    });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(await api.prisma.leavingCareReview.count({ where: { pathwayId, kind: 'review' } })).toBe(1);
    expect(await api.prisma.leavingCareObjective.count({ where: { pathwayId } })).toBe(15);
    // The same key with another body is refused.
    const reused = await api.post<Problem>(`/leaving-care/${childId}/programme/reviews`, {
      as: MEDIATOR,
      body: { axes: AXES.map((axis) => ({ axis, status: 'inProgress' })) },
      headers,
    });
    expect(reused.status).toBe(422);
  });
});

describe('reads', () => {
  it('lists the pathways of the province page by page, filtered by phase and mediator; hides unknown and other provinces’ pathways', async () => {
    const a = await childAged(16, 0);
    const b = await childAged(12, 0);
    await enrol(a.caseId);
    await enrol(b.caseId);
    await api.post(`/leaving-care/${a.childId}/mediator`, { as: HANDLER, body: { mediatorId: MEDIATOR } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        status: number;
        body: { items: { childId: string; province: string }[]; nextCursor: string | null };
      } = await api.get(`/leaving-care?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { as: MEDIATOR });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      expect(page.body.items.every((p) => p.province === 'DEMO')).toBe(true);
      seen.push(...page.body.items.map((p) => p.childId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining([a.childId, b.childId]));
    const mine = await api.get<{
      items: { childId: string; mediatorId: string; phase: string; nextDueAt: string | null }[];
    }>(`/leaving-care?mediator=${MEDIATOR}&phase=preparation&limit=100`, { as: COMMITTEE });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((p) => p.childId)).toContain(a.childId);
    expect(mine.body.items.map((p) => p.childId)).not.toContain(b.childId);
    expect(mine.body.items.every((p) => p.mediatorId === MEDIATOR && p.phase === 'preparation')).toBe(true);
    expect(mine.body.items.find((p) => p.childId === a.childId)?.nextDueAt).not.toBeNull();
    const waiting = await api.get<{ items: { childId: string }[] }>('/leaving-care?phase=waiting&limit=100', {
      as: MEDIATOR,
    });
    expect(waiting.body.items.map((p) => p.childId)).toContain(b.childId);
    expect((await api.get('/leaving-care?province=OTHR', { as: MEDIATOR })).status).toBe(403);
    const bad = await api.get<Problem>('/leaving-care?phase=gone&limit=0&colour=red', { as: MEDIATOR });
    expect(bad.body.errors?.map((e) => e.path).sort()).toEqual([
      'query.colour',
      'query.limit',
      'query.phase',
    ]);

    const unknown = await api.get<Problem>('/leaving-care/00000000-0000-4000-8000-000000000000', {
      as: MEDIATOR,
    });
    expect(unknown.status).toBe(404);
    const elsewhere = await childAged(16, 0, OTHR_HANDLER, 'OTHR');
    await enrol(elsewhere.caseId, OTHR_HANDLER);
    const hidden = await api.get<Problem>(`/leaving-care/${elsewhere.childId}`, { as: MEDIATOR });
    expect(hidden.status).toBe(404);
    expect(hidden.body.detail).toBe(
      unknown.body.detail.replace('00000000-0000-4000-8000-000000000000', elsewhere.childId),
    );
  });
});

// Last: it moves the shared server clock forward by more than a year.
describe('a whole pathway through the API', () => {
  it('enrols at 17 years 11 months, leaves care at 18, records twelve monthly contacts and the outcome; then the pathway takes nothing more', async () => {
    const { caseId, childId } = await childAged(17, 11);
    const enrolled = await enrol(caseId);
    const m = enrolled.milestones!;
    const { pathwayId } = enrolled;
    expect(
      (
        await api.post(`/leaving-care/${childId}/mediator`, {
          as: SUPERVISOR,
          body: { mediatorId: MEDIATOR },
        })
      ).status,
    ).toBe(200);
    expect(
      (await api.post(`/leaving-care/${childId}/programme`, { as: MEDIATOR, body: programme() })).status,
    ).toBe(200);
    expect(
      (await api.post(`/leaving-care/${childId}/exit-plan`, { as: MEDIATOR, body: exitPlan() })).status,
    ).toBe(200);

    await sleepUntil(h.env, Date.parse(m.exitAt) + MINUTE);
    await eventually('accompaniment', async () => {
      const res = await api.get<Details>(`/leaving-care/${childId}`, { as: MEDIATOR });
      return (
        res.body.phase === 'accompaniment' && res.body.openDeadlines.some((d) => d.step === 'mediatorContact')
      );
    });
    // A contact a day before each month ends.
    for (const [k, due] of m.contactDueAt.entries()) {
      await sleepUntil(h.env, Date.parse(due) - DAY);
      const res = await api.post<{ pathway: Pathway }>(`/leaving-care/${childId}/contacts`, {
        as: MEDIATOR,
        body: {},
      });
      expect(res.status).toBe(200);
      expect(res.body.pathway.contacts).toBe(k + 1);
      expect(res.body.pathway.openDeadlines.filter((d) => d.step === 'mediatorContact')).toEqual([]);
    }
    const contacts = await api.prisma.leavingCareContact.findMany({
      where: { pathwayId },
      orderBy: { month: 'asc' },
    });
    expect(contacts.map((c) => c.month)).toEqual(Array.from({ length: 12 }, (_, k) => k + 1));
    // Every pathway step on time: nothing escalated (the case's own unscreened report did).
    const pathwaySteps = await api.prisma.stepRecord.findMany({ where: { subjectId: pathwayId } });
    expect(pathwaySteps.length).toBeGreaterThanOrEqual(15);
    expect(pathwaySteps.every((r) => r.completedAt !== null && Number(r.lateByMs) === 0)).toBe(true);
    expect(
      await api.prisma.escalation.count({ where: { stepRecordId: { in: pathwaySteps.map((r) => r.id) } } }),
    ).toBe(0);

    await sleepUntil(h.env, Date.parse(m.accompanimentEndsAt) + MINUTE);
    await eventually('the outcome phase', async () => {
      const res = await api.get<Details>(`/leaving-care/${childId}`, { as: MEDIATOR });
      return res.body.phase === 'outcome';
    });
    const done = await api.post<{ pathway: Pathway }>(`/leaving-care/${childId}/outcome`, {
      as: MEDIATOR,
      body: {
        outcomes: AXES.map((axis, i) => ({ axis, outcome: i === 0 ? 'partlyIntegrated' : 'integrated' })),
      },
    });
    expect(done.status).toBe(200);
    expect(done.body.pathway).toMatchObject({ phase: 'completed', openDeadlines: [], stepsLate: 0 });
    const outcomes = await api.prisma.leavingCareOutcome.findMany({
      where: { pathwayId },
      orderBy: { axis: 'asc' },
    });
    expect(outcomes.map((o) => [o.axis, o.outcome, o.provinceCode])).toEqual(
      [...AXES].sort().map((axis) => [axis, axis === 'health' ? 'partlyIntegrated' : 'integrated', 'DEMO']),
    );
    const after = await api.post<Problem>(`/leaving-care/${childId}/contacts`, { as: MEDIATOR, body: {} });
    expect(after.status).toBe(409);
    expect(after.body.detail).toBe('the pathway is completed: nothing more can be recorded');
    const read = await api.get<Details>(`/leaving-care/${childId}`, { as: COMMITTEE });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ phase: 'completed', contacts: 12, trigger: 'api' });
  });
});
