/**
 * GET /work, role by role, on the real stack (time-skipping Temporal, the real worker, PostgreSQL,
 * SMTP capture): a handler's open steps on their cases and their unit's unassigned ones (a
 * deactivated colleague's included), a supervisor's approvals, transfers to accept and late steps,
 * a coordinator's rung-2 escalations and late partners, the committee's rung-3 escalations, a
 * partner's referrals to acknowledge, start and close, a mediator's pathway steps; soonest
 * deadline first, overdue marked, counts per kind, cursor pages. The deactivated handler's
 * reminders go to their unit's handlers.
 */
import { newChildReport, startTestApi, waitForOpenStep, type TestApi } from '../support/api';
import { createHarness, type Harness } from '../support/harness';
import { birthDateAged } from '../support/leaving-care';
import { eventually } from '../support/wait';

const HANDLER = 'staff-demo-handler';
const COLLEAGUE = 'staff-demo-handler-b';
const SUPERVISOR = 'staff-demo-supervisor';
const COORDINATOR = 'staff-demo-coordinator';
const COMMITTEE = 'staff-demo-committee';
const PARTNER = 'staff-demo-partner';
const MEDIATOR = 'staff-demo-mediator';
const ADMIN = 'staff-demo-admin';
const HOUR = 3_600_000;

interface Item {
  itemId: string;
  kind: string;
  step: string;
  caseId: string;
  caseReference: string;
  referralId: string | null;
  childId: string | null;
  pathwayId: string | null;
  transferId: string | null;
  escalationLevel: number;
  dueAt: string | null;
  overdue: boolean;
}
interface Page {
  items: Item[];
  counts: { kind: string; total: number; overdue: number }[];
  total: number;
  overdue: number;
  matched: number;
  nextCursor: string | null;
}

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

async function work(as: string, query = ''): Promise<Page> {
  const res = await api.get<Page>(`/work${query}`, { as });
  expect([as, res.status]).toEqual([as, 200]);
  return res.body;
}
/** [kind, case, step, overdue] of each item, in the order given. */
const rows = (page: Page, names: Map<string, string>) =>
  page.items.map((i) => [i.kind, names.get(i.caseId) ?? i.caseId, i.step, i.overdue]);
const counts = (page: Page) =>
  Object.fromEntries(
    page.counts
      .map((c) => [c.kind, [c.total, c.overdue]])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );

async function open(name: string, names: Map<string, string>, as = HANDLER, body = newChildReport()) {
  const res = await api.post<{ caseId: string; childId: string }>('/cases', { as, body });
  expect(res.status).toBe(201);
  await waitForOpenStep(api, res.body.caseId, 'screening', as);
  names.set(res.body.caseId, name);
  return res.body;
}
async function post(caseId: string, as: string, path: string, body: unknown, status = 200) {
  const res = await api.post(`/cases/${caseId}${path}`, { as, body });
  expect([path, res.status]).toEqual([path, status]);
  return res;
}

it('lists what each role must act on, soonest first, overdue marked, counted by kind', async () => {
  const names = new Map<string, string>();
  // A colleague in the same unit, created by the province's administrator.
  const colleague = await api.post('/staff', {
    as: ADMIN,
    body: {
      staffId: COLLEAGUE,
      province: 'DEMO',
      unitId: 'unit-demo-upe',
      role: 'handler',
      displayName: 'Assistant social B',
      email: 'handler-b@demo.example',
    },
  });
  expect(colleague.status).toBe(201);

  const mine = await open('mine', names);
  await post(mine.caseId, SUPERVISOR, '/assignment', { assigneeId: HANDLER });
  const nobodys = await open('nobodys', names);
  const colleagues = await open('colleagues', names);
  await post(colleagues.caseId, SUPERVISOR, '/assignment', { assigneeId: COLLEAGUE });
  const planned = await open('planned', names);
  await post(planned.caseId, HANDLER, '/screening', {
    risk: 'LOW',
    immediateNeeds: false,
    categories: ['neglect'],
  });
  await post(planned.caseId, HANDLER, '/assessment', { social: 'Assessed.' });
  await post(planned.caseId, HANDLER, '/plan', {
    items: [{ serviceType: 'medical', partnerId: 'partner-demo-health' }],
  });
  const incoming = await open('incoming', names, 'staff-othr-handler', {
    ...newChildReport(),
    province: 'OTHR',
  });
  await post(incoming.caseId, 'staff-othr-handler', '/transfer', { toProvince: 'DEMO' });
  // A 16-year-old enrolled in leaving care: preparation begins at once, with no mediator yet.
  const report = newChildReport();
  report.child.birthDate = birthDateAged(await h.env.currentTimeMs(), 16, 0);
  const older = await open('older', names, HANDLER, report);
  expect((await api.post('/leaving-care', { as: HANDLER, body: { caseId: older.caseId } })).status).toBe(201);

  // --- the handler: their case, then the unit's unassigned ones (not the colleague's) ---------
  let page = await work(HANDLER);
  expect(rows(page, names)).toEqual([
    ['caseStep', 'mine', 'screening', false],
    ['unassignedStep', 'nobodys', 'screening', false],
    ['unassignedStep', 'older', 'screening', false],
  ]);
  expect(counts(page)).toEqual({ caseStep: [1, 0], unassignedStep: [2, 0] });
  expect(page.items[0]?.caseReference).toMatch(/^DEMO-\d{4}-\d{6}$/);

  // --- the supervisor: the plan to approve, then the transfer to accept (later deadline) -------
  page = await work(SUPERVISOR);
  expect(rows(page, names)).toEqual([
    ['approval', 'planned', 'planApproval', false],
    ['transferAcceptance', 'incoming', 'transferAcceptance', false],
  ]);
  expect(page.items[1]?.transferId).toEqual(expect.any(String));
  await post(planned.caseId, SUPERVISOR, '/plan/approval', { decision: 'approve' });
  expect(rows(await work(SUPERVISOR), names)).toEqual([
    ['transferAcceptance', 'incoming', 'transferAcceptance', false],
  ]);

  // --- the partner: to acknowledge, then to start, then to close ---------------------------------
  const referral = await eventually('the referral to acknowledge', async () => {
    const p = await work(PARTNER);
    return p.items.length === 1 && p.items[0]?.dueAt ? p : undefined;
  });
  expect(rows(referral, names)).toEqual([
    ['referralToAcknowledge', 'planned', 'referralAcknowledgement', false],
  ]);
  const referralId = referral.items[0]?.referralId ?? '';
  expect((await api.post(`/referrals/${referralId}/acknowledgement`, { as: PARTNER, body: {} })).status).toBe(
    200,
  );
  expect(rows(await work(PARTNER), names)).toEqual([['referralToStart', 'planned', 'serviceStart', false]]);

  // --- the mediator: the pathway's first steps, unassigned, then theirs --------------------------
  page = await work(MEDIATOR);
  expect(rows(page, names).map((r) => r.slice(0, 3))).toEqual([
    ['unassignedPathwayStep', 'older', 'programme'],
    ['unassignedPathwayStep', 'older', 'exitPlan'],
  ]);
  expect(page.items[0]?.childId).toBe(older.childId);
  expect(
    (
      await api.post(`/leaving-care/${older.childId}/mediator`, {
        as: HANDLER,
        body: { mediatorId: MEDIATOR },
      })
    ).status,
  ).toBe(200);
  expect(counts(await work(MEDIATOR))).toEqual({ pathwayStep: [2, 0] });

  // --- the colleague is deactivated: their case goes to the unit, they cannot be assigned -------
  const deactivated = await api.request<{ openCases: { caseId: string }[] }>('PATCH', `/staff/${COLLEAGUE}`, {
    as: ADMIN,
    body: { active: false },
  });
  expect(deactivated.status).toBe(200);
  expect(deactivated.body.openCases.map((c) => c.caseId)).toEqual([colleagues.caseId]);
  const refused = await post(nobodys.caseId, SUPERVISOR, '/assignment', { assigneeId: COLLEAGUE }, 409);
  expect(refused.body).toMatchObject({ status: 409, detail: expect.stringContaining(COLLEAGUE) });
  // (the approved plan's first review is far ahead: last)
  expect(rows(await work(HANDLER), names).map((r) => r[1])).toEqual([
    'mine',
    'nobodys',
    'colleagues',
    'older',
    'planned',
  ]);

  // --- the screenings fall due and climb (clock hours: coordinator at the deadline, committee +2 h)
  const due = Date.parse((await work(HANDLER)).items[3]?.dueAt ?? '');
  await h.env.sleep(due - (await h.env.currentTimeMs()) + 3 * HOUR);
  await eventually('every rung-3 escalation', async () => (await work(COMMITTEE)).total === 4);
  page = await work(HANDLER);
  expect(rows(page, names)).toEqual([
    ['caseStep', 'mine', 'screening', true],
    ['unassignedStep', 'nobodys', 'screening', true],
    ['unassignedStep', 'colleagues', 'screening', true],
    ['unassignedStep', 'older', 'screening', true],
    ['unassignedStep', 'planned', 'review', false],
  ]);
  expect(counts(page)).toEqual({ caseStep: [1, 1], unassignedStep: [4, 3] });
  expect(page.items[0]?.escalationLevel).toBe(3);
  expect(page.matched).toBe(5);
  // Filters on the item (overdue) and on its case (step, risk); the counts still cover everything.
  page = await work(HANDLER, '?overdue=true');
  expect(rows(page, names).map((r) => r[1])).toEqual(['mine', 'nobodys', 'colleagues', 'older']);
  expect([page.matched, page.total]).toEqual([4, 5]);
  expect(counts(page)).toEqual({ caseStep: [1, 1], unassignedStep: [4, 3] });
  expect(rows(await work(HANDLER, '?overdue=false'), names)).toEqual([
    ['unassignedStep', 'planned', 'review', false],
  ]);
  expect(rows(await work(HANDLER, '?step=followUp&risk=LOW'), names)).toEqual([
    ['unassignedStep', 'planned', 'review', false],
  ]);
  expect((await work(HANDLER, '?risk=HIGH')).items).toEqual([]);
  // A kind the handler's list does not hold, with a case filter: nothing matched, no error.
  page = await work(HANDLER, '?kind=unassignedPathwayStep&risk=MEDIUM&overdue=false');
  expect([page.items, page.matched]).toEqual([[], 0]);
  page = await work(HANDLER, '?step=screening&kind=unassignedStep&limit=2');
  expect(rows(page, names).map((r) => r[1])).toEqual(['nobodys', 'colleagues']);
  expect(page.matched).toBe(3);
  // The read's audit row, written by the page's own statement: the filters, the page's cases.
  const lastRead = async (actorId: string) =>
    (
      await api.prisma.auditEvent.findMany({
        where: { actorId, action: 'work.list' },
        orderBy: { id: 'desc' },
        take: 1,
      })
    ).map((a) => [a.actorType, a.entity, a.entityId, a.caseId, a.reason, a.details])[0];
  expect(await lastRead(HANDLER)).toEqual([
    'staff',
    'case',
    null,
    null,
    'GET /work',
    {
      kind: 'unassignedStep',
      step: 'screening',
      risk: null,
      overdue: null,
      caseIds: [nobodys.caseId, colleagues.caseId],
    },
  ]);
  expect(
    rows(await work(HANDLER, `?step=screening&kind=unassignedStep&cursor=${page.nextCursor}`), names),
  ).toEqual([['unassignedStep', 'older', 'screening', true]]);
  // A whole work list in one request, no more.
  expect((await work(HANDLER, '?limit=1000')).items).toHaveLength(5);
  const tooMany = await api.get<{ errors: { path: string }[] }>('/work?limit=1001', { as: HANDLER });
  expect([tooMany.status, tooMany.body.errors.map((e) => e.path)]).toEqual([400, ['query.limit']]);
  const badStep = await api.get<{ errors: { path: string }[] }>('/work?step=lunch', { as: HANDLER });
  expect([badStep.status, badStep.body.errors.map((e) => e.path)]).toEqual([400, ['query.step']]);
  expect(rows(await work(SUPERVISOR), names)).toEqual([
    ['lateStep', 'mine', 'screening', true],
    ['lateStep', 'nobodys', 'screening', true],
    ['lateStep', 'colleagues', 'screening', true],
    ['lateStep', 'older', 'screening', true],
    ['transferAcceptance', 'incoming', 'transferAcceptance', false],
  ]);
  const coordinator = await eventually('every rung-2 escalation', async () => {
    const p = await work(COORDINATOR);
    return p.counts.find((c) => c.kind === 'escalation')?.total === 4 ? p : undefined;
  });
  expect(rows(coordinator, names).map((r) => r.slice(0, 2))).toEqual([
    ['escalation', 'mine'],
    ['escalation', 'nobodys'],
    ['escalation', 'colleagues'],
    ['escalation', 'older'],
  ]);
  expect(coordinator.items.every((i) => i.escalationLevel === 2)).toBe(true);
  expect(rows(await work(COMMITTEE), names).map((r) => r.slice(0, 2))).toEqual([
    ['escalation', 'mine'],
    ['escalation', 'nobodys'],
    ['escalation', 'colleagues'],
    ['escalation', 'older'],
  ]);

  // The deactivated colleague's case was reminded to the unit's handler, never to them.
  const reminders = await api.prisma.notification.findMany({
    where: { caseId: colleagues.caseId, kind: 'reminder' },
    select: { recipientStaffId: true },
  });
  expect(reminders.map((r) => r.recipientStaffId)).toEqual([HANDLER]);
  expect(
    await api.prisma.notification.count({
      where: { recipientStaffId: COLLEAGUE, kind: { not: 'caseOpened' } },
    }),
  ).toBe(0);

  // --- pages: one item at a time gives the same order as one page ---------------------------------
  const whole = await work(SUPERVISOR, '?limit=100');
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const p: Page = await work(SUPERVISOR, `?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    seen.push(...p.items.map((i) => i.itemId));
    expect(p.total).toBe(5);
    cursor = p.nextCursor;
  } while (cursor);
  expect(seen).toEqual(whole.items.map((i) => i.itemId));
  expect(rows(await work(SUPERVISOR, '?kind=transferAcceptance'), names)).toEqual([
    ['transferAcceptance', 'incoming', 'transferAcceptance', false],
  ]);

  // --- a week on: the partner has not started the service; the coordinator sees them late ---------
  await h.env.sleep(7 * 24 * HOUR);
  const late = await eventually('the late partner', async () => {
    const p = await work(COORDINATOR, '?kind=latePartner');
    return p.items.length === 1 ? p : undefined;
  });
  expect(rows(late, names)).toEqual([['latePartner', 'planned', 'serviceStart', true]]);
  expect(late.items[0]?.referralId).toBe(referralId);
  expect((await api.post(`/referrals/${referralId}/start`, { as: PARTNER, body: {} })).status).toBe(200);
  page = await work(PARTNER);
  expect(rows(page, names)).toEqual([['referralToClose', 'planned', 'referralOutcome', false]]);
  expect(page.items[0]?.dueAt).toBeNull();

  // Nobody else waits on operations or inspection for a step.
  for (const as of ['staff-demo-operations', 'staff-demo-auditor', ADMIN]) {
    expect(await work(as)).toEqual({
      items: [],
      counts: [],
      total: 0,
      overdue: 0,
      matched: 0,
      countedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      nextCursor: null,
    });
    // Their (empty) read is audited all the same.
    expect(await lastRead(as)).toEqual([
      'staff',
      'case',
      null,
      null,
      'GET /work',
      { kind: null, step: null, risk: null, overdue: null, caseIds: [] },
    ]);
  }
});

it("counts a list longer than its page once in a while, and again after the person's own change", async () => {
  // A second API process, keeping counts five minutes: what the first one writes is someone else's
  // change to it (each process keeps its own counts).
  const patient = await startTestApi(h, { WORK_COUNTS_TTL_MS: '300000' });
  try {
    const read = async (query: string) => {
      const res = await patient.get<Page & { countedAt: string }>(`/work${query}`, { as: HANDLER });
      expect(res.status).toBe(200);
      const unassigned = res.body.counts.find((c) => c.kind === 'unassignedStep')?.total ?? 0;
      return { unassigned, countedAt: res.body.countedAt, items: res.body.items };
    };
    // One item a page: the unit's unassigned steps are more than a page, so they are counted.
    const before = await read('?limit=1');
    expect(before.unassigned).toBeGreaterThan(1);

    // Another case reported in the unit, through the other process: the long list's count is the
    // one taken before, and says so; the whole list in one page is counted from itself.
    const spare = await open('spare', new Map());
    const kept = await read('?limit=1');
    expect([kept.unassigned, kept.countedAt]).toEqual([before.unassigned, before.countedAt]);
    const whole = await read('?limit=1000');
    expect(whole.unassigned).toBe(before.unassigned + 1);
    expect(whole.items.filter((i) => i.caseId === spare.caseId)).toHaveLength(1);
    expect(Date.parse(whole.countedAt)).toBeGreaterThan(Date.parse(before.countedAt));

    // The supervisor takes the spare case for the handler, elsewhere: the long list keeps the
    // counts of the whole read.
    await post(spare.caseId, SUPERVISOR, '/assignment', { assigneeId: HANDLER });
    expect((await read('?limit=1')).unassigned).toBe(before.unassigned + 1);

    // The handler reports a case through this process: their next list is counted again.
    const reported = await patient.post<{ caseId: string }>('/cases', {
      as: HANDLER,
      body: newChildReport(),
    });
    expect(reported.status).toBe(201);
    await waitForOpenStep(patient, reported.body.caseId, 'screening', HANDLER);
    const after = await read('?limit=1');
    expect(after.unassigned).toBe(before.unassigned + 1);
    expect(Date.parse(after.countedAt)).toBeGreaterThan(Date.parse(whole.countedAt));
  } finally {
    await patient.stop();
  }
});
