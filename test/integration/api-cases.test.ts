/**
 * The case API against real parts: the time-skipping Temporal server with the real worker, a
 * fresh PostgreSQL database, an SMTP capture. Behaviour of POST /cases, the steps, the reads,
 * validation, idempotency and "nothing half-written".
 */
import pg from 'pg';
import { caseViewQuery, caseWorkflowId, type CaseView } from '../../workflows/case/definitions';
import { createHarness, type Harness } from '../support/harness';
import {
  newChildReport,
  rowCounts,
  settledRowCounts,
  startTestApi,
  waitForOpenStep,
  type TestApi,
} from '../support/api';

const HANDLER = 'staff-demo-handler';
const SUPERVISOR = 'staff-demo-supervisor';
const OTHR_HANDLER = 'staff-othr-handler';

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

type Created = { caseId: string; reference: string; childId: string; reportId: string; joined: boolean };
type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: { path: string; message: string }[];
  childId?: string;
};

async function openCase(body = newChildReport(), as = HANDLER): Promise<Created> {
  const res = await api.post<Created>('/cases', { as, body });
  expect(res.status).toBe(201);
  await waitForOpenStep(
    api,
    res.body.caseId,
    'screening',
    as === OTHR_HANDLER ? 'staff-othr-committee' : 'staff-demo-committee',
  );
  return res.body;
}

const screening = {
  risk: 'MEDIUM',
  immediateNeeds: false,
  categories: ['neglect'],
  notes: 'Heard the child at school.',
};

describe('POST /cases', () => {
  it('opens the case (child, case, report in the database; workflow running) and audits who reported', async () => {
    const body = newChildReport({ urgent: true });
    const res = await api.post<Created>('/cases', { as: HANDLER, body });
    expect(res.status).toBe(201);
    expect(res.body.joined).toBe(false);
    expect(res.body.reference).toMatch(/^DEMO-\d{4}-\d{6}$/);
    const row = await api.prisma.case.findUniqueOrThrow({
      where: { id: res.body.caseId },
      include: { reports: true, child: true },
    });
    expect(row).toMatchObject({
      reference: res.body.reference,
      provinceCode: 'DEMO',
      unitId: 'unit-demo-upe',
      status: 'open',
      urgent: true,
      protocolVersion: 1,
      workflowId: caseWorkflowId(res.body.caseId),
    });
    expect(row.child.firstName).toBe(body.child.firstName);
    expect(row.reports).toHaveLength(1);
    expect(row.reports[0]).toMatchObject({
      id: res.body.reportId,
      narrative: body.report.narrative,
      createdById: HANDLER,
    });
    const description = await h.env.client.workflow.getHandle(caseWorkflowId(res.body.caseId)).describe();
    expect(description.status.name).toBe('RUNNING');
    const audit = await api.prisma.auditEvent.findMany({
      where: { caseId: res.body.caseId, action: 'case.reported' },
    });
    expect(audit).toEqual([expect.objectContaining({ actorId: HANDLER, entityId: res.body.reportId })]);
    // The urgent report gets the 2-hour screening clock.
    const view = await waitForOpenStep(api, res.body.caseId, 'screening');
    const due = (view.openDeadlines ?? []).find((d) => d.step === 'screening') as
      { dueAt: string } | undefined;
    expect(Date.parse(due?.dueAt ?? '') - Date.parse(row.openedAt.toISOString())).toBeLessThanOrEqual(
      2 * 3600_000 + 60_000,
    );
  });

  it('joins a repeat report about the same child to the open case as a new concern (200), screened again', async () => {
    const body = newChildReport();
    const first = await openCase(body);
    expect(
      (await api.post(`/cases/${first.caseId}/screening`, { as: HANDLER, body: screening })).status,
    ).toBe(200);
    // Same identity, other spelling of the case: still the same child.
    const again = {
      ...body,
      child: {
        ...body.child,
        firstName: body.child.firstName.toUpperCase(),
        lastName: ` ${body.child.lastName} `,
      },
      report: {
        ...body.report,
        channel: 'hotline',
        anonymous: true,
        reporterName: undefined,
        reporterContact: undefined,
      },
    };
    const byIdentity = await api.post<Created>('/cases', { as: HANDLER, body: again });
    expect(byIdentity.status).toBe(200);
    expect(byIdentity.body).toMatchObject({ caseId: first.caseId, childId: first.childId, joined: true });
    const byId = await api.post<Created>('/cases', {
      as: HANDLER,
      body: { childId: first.childId, report: { channel: 'family', categories: ['neglect'] } },
    });
    expect(byId.status).toBe(200);
    expect(byId.body.caseId).toBe(first.caseId);
    expect(await api.prisma.report.count({ where: { caseId: first.caseId } })).toBe(3);
    expect(await api.prisma.child.count({ where: { lastName: body.child.lastName } })).toBe(1);
    // The screening had been done: the new concern opens a new one.
    await waitForOpenStep(api, first.caseId, 'screening');
  });

  it('answers 409 naming the childId when the identity is a child of the province without an open case', async () => {
    const body = newChildReport();
    const first = await openCase(body);
    // Its case closed (as the workflow records a closure).
    await api.prisma.case.update({ where: { id: first.caseId }, data: { status: 'closed', step: 'closed' } });
    const again = await api.post<Problem>('/cases', { as: HANDLER, body });
    expect(again.status).toBe(409);
    expect(again.body.childId).toBe(first.childId);
    expect(again.body.detail).toContain(first.childId);
    const withId = await api.post<Created>('/cases', {
      as: HANDLER,
      body: { childId: first.childId, report: body.report },
    });
    expect(withId.status).toBe(201);
    expect(withId.body.caseId).not.toBe(first.caseId);
    expect(withId.body.childId).toBe(first.childId);
    expect(await api.prisma.child.count({ where: { lastName: body.child.lastName } })).toBe(1);
    // Another province's handler is told nothing about this child (test/integration/child-visibility).
    const elsewhere = await api.post<Created>('/cases', {
      as: OTHR_HANDLER,
      body: { ...body, province: 'OTHR' },
    });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.childId).not.toBe(first.childId);
  });

  it('lists every invalid field of a report, and writes nothing', async () => {
    const before = await settledRowCounts(api.prisma);
    const res = await api.post<Problem>('/cases', {
      as: HANDLER,
      body: {
        province: 'not a code!',
        child: { firstName: '', lastName: 'X', birthDate: '2999-01-01', sex: 'girl', extra: true },
        report: {
          channel: 'pigeon',
          categories: ['neglect', 'notACategory'],
          receivedAt: 'yesterday',
          urgent: 'yes',
        },
      },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.errors?.map((e) => e.path).sort()).toEqual(
      [
        'body.province',
        'body.child.firstName',
        'body.child.birthDate',
        'body.child.sex',
        'body.child.extra',
        'body.report.channel',
        'body.report.categories[1]',
        'body.report.receivedAt',
        'body.report.urgent',
      ].sort(),
    );
    expect(JSON.stringify(res.body)).not.toContain('2999');
    expect(await rowCounts(api.prisma)).toEqual(before);
  });

  it('refuses a birth date before 1900, both childId and child, a named anonymous reporter', async () => {
    const body = newChildReport();
    const old = await api.post<Problem>('/cases', {
      as: HANDLER,
      body: { ...body, child: { ...body.child, birthDate: '1899-12-31' } },
    });
    expect(old.body.errors).toEqual([
      { path: 'body.child.birthDate', message: 'must not be before 1900-01-01' },
    ]);
    const both = await api.post<Problem>('/cases', {
      as: HANDLER,
      body: { ...body, childId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(both.body.errors?.map((e) => e.path)).toEqual(['body.child']);
    const neither = await api.post<Problem>('/cases', { as: HANDLER, body: { report: body.report } });
    expect(neither.body.errors?.map((e) => e.path)).toEqual(['body.child']);
    const anonymous = await api.post<Problem>('/cases', {
      as: HANDLER,
      body: { ...body, report: { ...body.report, anonymous: true } },
    });
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.errors?.map((e) => e.path)).toEqual(['body.report.anonymous']);
  });

  it('refuses an impossible birth date and a known identity without an open case, leaving no row behind', async () => {
    const body = newChildReport();
    const first = await openCase(body);
    await waitForOpenStep(api, first.caseId, 'screening');
    const before = await settledRowCounts(api.prisma);
    for (const birthDate of ['2014-02-30', '2015-02-29', '2014-13-01', '17/05/2014']) {
      const res = await api.post<Problem>('/cases', {
        as: HANDLER,
        body: { ...newChildReport(), child: { ...newChildReport().child, birthDate } },
      });
      expect([birthDate, res.status, res.body.errors?.map((e) => e.path)]).toEqual([
        birthDate,
        400,
        ['body.child.birthDate'],
      ]);
    }
    // The same identity (names in another case, spaces around), its case closed in this province.
    await api.prisma.case.update({ where: { id: first.caseId }, data: { status: 'closed', step: 'closed' } });
    const duplicate = await api.post<Problem>('/cases', {
      as: HANDLER,
      body: {
        ...body,
        child: {
          ...body.child,
          firstName: ` ${body.child.firstName.toUpperCase()} `,
          lastName: body.child.lastName.toLowerCase(),
        },
      },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.childId).toBe(first.childId);
    expect(await rowCounts(api.prisma)).toEqual(before);
  });

  it('names the field for an unknown province (400); an unknown child is 404; another province is 403', async () => {
    const unknown = await api.post<Problem>('/cases', {
      as: HANDLER,
      body: newChildReport({ province: 'NOPE' }),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ path: 'body.province', message: 'unknown province' }]);
    const child = await api.post<Problem>('/cases', {
      as: HANDLER,
      body: { childId: '00000000-0000-4000-8000-000000000000', report: { channel: 'school' } },
    });
    expect(child.status).toBe(404);
    expect(child.body.detail).toBe('no child 00000000-0000-4000-8000-000000000000');
    const other = await api.post<Problem>('/cases', {
      as: HANDLER,
      body: newChildReport({ province: 'OTHR' }),
    });
    expect(other.status).toBe(403);
  });
});

describe('steps', () => {
  it('writes the step row and moves the workflow (screening → assessment → plan)', async () => {
    const { caseId } = await openCase();
    const screened = await api.post<{ screeningId: string; case: CaseView }>(`/cases/${caseId}/screening`, {
      as: HANDLER,
      body: screening,
    });
    expect(screened.status).toBe(200);
    expect(screened.body.case).toMatchObject({ step: 'assessment', risk: 'MEDIUM' });
    const row = await api.prisma.screening.findUniqueOrThrow({ where: { id: screened.body.screeningId } });
    expect(row).toMatchObject({ caseId, risk: 'MEDIUM', notes: screening.notes, screenedById: HANDLER });
    const assessed = await api.post<{ assessmentId: string; case: CaseView }>(`/cases/${caseId}/assessment`, {
      as: HANDLER,
      body: { social: 'Family situation described.', risk: 'HIGH' },
    });
    expect(assessed.status).toBe(200);
    expect(assessed.body.case).toMatchObject({ step: 'planDraft', risk: 'HIGH' });
    expect(
      await api.prisma.assessment.findUnique({ where: { id: assessed.body.assessmentId } }),
    ).toMatchObject({
      social: 'Family situation described.',
      riskAfter: 'HIGH',
    });
    const plan = await api.post<{ planId: string; items: { planItemId: string }[]; case: CaseView }>(
      `/cases/${caseId}/plan`,
      {
        as: HANDLER,
        body: {
          items: [{ serviceType: 'medical', partnerId: 'partner-demo-health', objective: 'Check-up' }],
        },
      },
    );
    expect(plan.status).toBe(200);
    expect(plan.body.case.step).toBe('planApproval');
    const stored = await api.prisma.plan.findUniqueOrThrow({
      where: { id: plan.body.planId },
      include: { items: true },
    });
    expect(stored).toMatchObject({ status: 'submitted', version: 1 });
    expect(stored.items.map((i) => i.id)).toEqual(plan.body.items.map((i) => i.planItemId));
    const returned = await api.post<{ case: CaseView }>(`/cases/${caseId}/plan/approval`, {
      as: SUPERVISOR,
      body: { decision: 'return', reason: 'Add a school service.' },
    });
    expect(returned.body.case.step).toBe('planDraft');
    expect(await api.prisma.plan.findUnique({ where: { id: plan.body.planId } })).toMatchObject({
      status: 'returned',
      decidedById: SUPERVISOR,
      returnReason: 'Add a school service.',
    });
  });

  it("answers an out-of-order step with 409 and the validator's reason, leaving no trace", async () => {
    const { caseId } = await openCase();
    const before = await settledRowCounts(api.prisma);
    const res = await api.post<Problem>(`/cases/${caseId}/assessment`, {
      as: HANDLER,
      body: { social: 'Too early.' },
    });
    expect(res.status).toBe(409);
    expect(res.body.type).toMatch(/stepRejected$/);
    expect(res.body.detail).toBe("the case is at step 'screening'; this action needs step 'assessment'");
    const plan = await api.post<Problem>(`/cases/${caseId}/plan`, {
      as: HANDLER,
      body: { items: [{ serviceType: 'medical', partnerId: 'partner-demo-health' }] },
    });
    expect(plan.status).toBe(409);
    expect(await rowCounts(api.prisma)).toEqual(before);
    const view: CaseView = await h.env.client.workflow.getHandle(caseWorkflowId(caseId)).query(caseViewQuery);
    expect(view.step).toBe('screening');
  });

  it('refuses bad step input with every field named, before anything is written', async () => {
    const { caseId } = await openCase();
    const before = await settledRowCounts(api.prisma);
    const res = await api.post<Problem>(`/cases/${caseId}/screening`, {
      as: HANDLER,
      body: { risk: 'SEVERE', immediateNeeds: 'no', categories: [] },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors?.map((e) => e.path).sort()).toEqual(
      ['body.categories', 'body.immediateNeeds', 'body.risk'].sort(),
    );
    const unknownPartner = await api.post<Problem>(`/cases/${caseId}/plan`, {
      as: HANDLER,
      body: {
        items: [
          { serviceType: 'medical', partnerId: 'partner-demo-health' },
          { serviceType: 'legal', partnerId: 'nobody' },
        ],
      },
    });
    expect(unknownPartner.status).toBe(400);
    expect(unknownPartner.body.errors).toEqual([
      { path: 'body.items[1].partnerId', message: 'unknown partner' },
    ]);
    const badParam = await api.post<Problem>('/cases/not-a-uuid/screening', { as: HANDLER, body: screening });
    expect(badParam.status).toBe(400);
    expect(badParam.body.errors?.[0]?.path).toBe('params.caseId');
    expect(await rowCounts(api.prisma)).toEqual(before);
  });

  it('answers 404 for an unknown case and for a case of another province (existence not revealed)', async () => {
    const unknown = await api.post<Problem>('/cases/00000000-0000-4000-8000-000000000000/screening', {
      as: HANDLER,
      body: screening,
    });
    expect(unknown.status).toBe(404);
    const other = await openCase(newChildReport({ province: 'OTHR' }), OTHR_HANDLER);
    const hidden = await api.post<Problem>(`/cases/${other.caseId}/screening`, {
      as: HANDLER,
      body: screening,
    });
    expect(hidden.status).toBe(404);
    expect(hidden.body.detail).toBe(
      unknown.body.detail.replace('00000000-0000-4000-8000-000000000000', other.caseId),
    );
  });

  it('records a new concern on an open case (202) and refuses one on a closed case (409)', async () => {
    const { caseId } = await openCase();
    const res = await api.post<{ reportId: string }>(`/cases/${caseId}/concerns`, {
      as: HANDLER,
      body: { channel: 'police', urgent: true, categories: ['physicalViolence'] },
    });
    expect(res.status).toBe(202);
    expect(await api.prisma.report.findUnique({ where: { id: res.body.reportId } })).toMatchObject({
      caseId,
      urgent: true,
    });
    await api.prisma.$executeRaw`UPDATE cases SET status = 'closed' WHERE id = ${caseId}`;
    const closed = await api.post<Problem>(`/cases/${caseId}/concerns`, {
      as: HANDLER,
      body: { channel: 'police' },
    });
    expect(closed.status).toBe(409);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer for the same key and body, with one effect only', async () => {
    const body = newChildReport();
    const headers = { 'Idempotency-Key': `report-${Date.now()}` };
    const before = await settledRowCounts(api.prisma);
    const first = await api.post<Created>('/cases', { as: HANDLER, body, headers });
    const second = await api.post<Created>('/cases', { as: HANDLER, body, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const after = await rowCounts(api.prisma);
    expect(after.cases - before.cases).toBe(1);
    expect(after.children - before.children).toBe(1);
    expect(after.reports - before.reports).toBe(1);
    // Keys are per actor: another staff member's same key is another request.
    const other = await api.post<Created>('/cases', { as: SUPERVISOR, body: newChildReport(), headers });
    expect(other.status).toBe(201);
    expect(other.body.caseId).not.toBe(first.body.caseId);
  });

  it('refuses the same key with a different body (422) and an ill-formed key (400)', async () => {
    const headers = { 'Idempotency-Key': `reuse-${Date.now()}` };
    const first = await api.post<Created>('/cases', { as: HANDLER, body: newChildReport(), headers });
    expect(first.status).toBe(201);
    await waitForOpenStep(api, first.body.caseId, 'screening'); // the workflow's own writes are done
    const before = await settledRowCounts(api.prisma);
    const reused = await api.post<Problem>('/cases', { as: HANDLER, body: newChildReport(), headers });
    expect(reused.status).toBe(422);
    expect(await rowCounts(api.prisma)).toEqual(before);
    const bad = await api.post<Problem>('/cases', {
      as: HANDLER,
      body: newChildReport(),
      headers: { 'Idempotency-Key': 'with space' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.path).toBe('headers.Idempotency-Key');
  });

  it('answers 409 to a duplicate while the first is in flight, then replays the first answer', async () => {
    const { caseId } = await openCase();
    const headers = { 'Idempotency-Key': `screen-${caseId}` };
    const lock = new pg.Client({ connectionString: h.db.url });
    await lock.connect();
    try {
      // Hold the case row: the screening insert (its foreign key) waits, so the first request stays in flight.
      await lock.query('BEGIN');
      await lock.query('SELECT id FROM cases WHERE id = $1 FOR UPDATE', [caseId]);
      const first = api.post<{ screeningId: string }>(`/cases/${caseId}/screening`, {
        as: HANDLER,
        body: screening,
        headers,
      });
      await eventuallyInFlight(caseId);
      const duplicate = await api.post<Problem>(`/cases/${caseId}/screening`, {
        as: HANDLER,
        body: screening,
        headers,
      });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.type).toMatch(/idempotencyInFlight$/);
      await lock.query('COMMIT');
      const done = await first;
      expect(done.status).toBe(200);
      const replay = await api.post<{ screeningId: string }>(`/cases/${caseId}/screening`, {
        as: HANDLER,
        body: screening,
        headers,
      });
      expect(replay.status).toBe(200);
      expect(replay.body.screeningId).toBe(done.body.screeningId);
      expect(await api.prisma.screening.count({ where: { caseId } })).toBe(1);
    } finally {
      await lock.end();
    }
  });

  it('releases the key of a failed request, so the same key works once the step is allowed', async () => {
    const { caseId } = await openCase();
    const headers = { 'Idempotency-Key': `assess-${caseId}` };
    const body = { social: 'Assessed.' };
    expect((await api.post(`/cases/${caseId}/assessment`, { as: HANDLER, body, headers })).status).toBe(409);
    expect((await api.post(`/cases/${caseId}/screening`, { as: HANDLER, body: screening })).status).toBe(200);
    expect((await api.post(`/cases/${caseId}/assessment`, { as: HANDLER, body, headers })).status).toBe(200);
  });
});

async function eventuallyInFlight(caseId: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const row = await api.prisma.apiIdempotency.findFirst({
      where: { key: `screen-${caseId}`, statusCode: 0 },
    });
    if (row) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the first request never claimed its key');
}

describe('reads', () => {
  it("shows the child's identity to the handler (audited), never to the committee or operations", async () => {
    const body = newChildReport();
    const { caseId, childId } = await openCase(body);
    const handler = await api.get<{ child?: { firstName: string }; reports: { narrative?: string }[] }>(
      `/cases/${caseId}`,
      { as: HANDLER },
    );
    expect(handler.body.child?.firstName).toBe(body.child.firstName);
    expect(handler.body.reports[0]?.narrative).toBe(body.report.narrative);
    const reads = await api.prisma.auditEvent.findMany({ where: { caseId, action: 'child.identity.read' } });
    expect(reads).toEqual([
      expect.objectContaining({ actorId: HANDLER, entityId: childId, reason: 'GET /cases/{caseId}' }),
    ]);
    for (const as of ['staff-demo-committee', 'staff-demo-operations']) {
      const res = await api.get(`/cases/${caseId}`, { as });
      expect(res.status).toBe(200);
      expect(res.body.step).toBe('screening');
      expect(res.text).not.toContain(body.child.firstName);
      expect(res.text).not.toContain(body.child.lastName);
      expect(res.text).not.toContain(body.report.narrative);
      expect(res.text).not.toContain(body.report.reporterName);
      expect(res.text).not.toContain(childId);
    }
    expect(await api.prisma.auditEvent.count({ where: { caseId, action: 'child.identity.read' } })).toBe(1);
  });

  it('lists cases with filters and a stable cursor', async () => {
    const mine = [await openCase(), await openCase(), await openCase()];
    await api.post(`/cases/${mine[1]?.caseId}/screening`, {
      as: HANDLER,
      body: { ...screening, risk: 'LOW' },
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        status: number;
        body: { items: { caseId: string; province: string }[]; nextCursor: string | null };
      } = await api.get(`/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { as: HANDLER });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      expect(page.body.items.every((c) => c.province === 'DEMO')).toBe(true);
      seen.push(...page.body.items.map((c) => c.caseId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const c of mine) expect(seen).toContain(c.caseId);
    const low = await api.get<{ items: { caseId: string; risk: string }[] }>(
      '/cases?risk=LOW&step=assessment',
      { as: HANDLER },
    );
    expect(low.body.items.map((c) => c.caseId)).toContain(mine[1]?.caseId);
    expect(low.body.items.every((c) => c.risk === 'LOW')).toBe(true);
    // Overdue: an open step past its deadline (the screening clock of case 0, moved into the past).
    await api.prisma.stepRecord.updateMany({
      where: { caseId: mine[0]?.caseId, step: 'screening', completedAt: null },
      data: { dueAt: new Date(Date.now() - 60_000) },
    });
    const overdue = await api.get<{ items: { caseId: string; overdue: boolean }[] }>('/cases?overdue=true', {
      as: HANDLER,
    });
    expect(overdue.body.items.map((c) => c.caseId)).toEqual([mine[0]?.caseId]);
    const onTime = await api.get<{ items: { caseId: string }[] }>('/cases?overdue=false&limit=100', {
      as: HANDLER,
    });
    expect(onTime.body.items.map((c) => c.caseId)).not.toContain(mine[0]?.caseId);
    const bad = await api.get<Problem>('/cases?cursor=garbage&risk=SEVERE&limit=0&colour=red', {
      as: HANDLER,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.path).sort()).toEqual(
      ['query.colour', 'query.cursor', 'query.limit', 'query.risk'].sort(),
    );
    const otherProvince = await api.get<Problem>('/cases?province=OTHR', { as: HANDLER });
    expect(otherProvince.status).toBe(403);
  });

  it("gives the supervisor the case's audit trail, page by page", async () => {
    const { caseId } = await openCase();
    await api.post(`/cases/${caseId}/screening`, { as: HANDLER, body: screening });
    const actions: string[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        status: number;
        body: { items: { action: string; actorId: string | null }[]; nextCursor: string | null };
      } = await api.get(`/cases/${caseId}/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        as: SUPERVISOR,
      });
      expect(page.status).toBe(200);
      actions.push(...page.body.items.map((e) => e.action));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(actions).toEqual(expect.arrayContaining(['case.opened', 'case.reported', 'screening']));
    expect((await api.get(`/cases/${caseId}/audit`, { as: HANDLER })).status).toBe(403);
  });
});

describe('logs', () => {
  it('carry request id and actor, never a child identity or narrative', async () => {
    const body = newChildReport();
    const res = await api.post<Created>('/cases', {
      as: HANDLER,
      body,
      headers: { 'X-Request-Id': 'trace-me-123' },
    });
    expect(res.headers.get('x-request-id')).toBe('trace-me-123');
    await api.get(`/cases/${res.body.caseId}`, { as: HANDLER });
    expect((await api.get('/healthz')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const line = api.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => (l.req as { id?: string } | undefined)?.id === 'trace-me-123');
    expect(line).toMatchObject({ actorId: HANDLER, route: '/cases', res: { statusCode: 201 } });
    const all = api.logs.join('\n');
    for (const secret of [
      body.child.firstName,
      body.child.lastName,
      body.report.narrative,
      body.report.reporterName,
      body.report.reporterContact,
    ]) {
      expect(all).not.toContain(secret);
    }
    expect(all).not.toMatch(/authorization|bearer/i);
  });
});
