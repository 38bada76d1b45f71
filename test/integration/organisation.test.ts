/**
 * The organisation through the API (real PostgreSQL, the time-skipping Temporal server for the
 * cases it touches): the country's prefectures and provinces as seed data, the read routes every
 * form needs, and the administrators' writes — created, edited, deactivated, audited without a
 * person's details; an unknown province, unit or partner is a 400 naming it; a deactivated person
 * cannot sign in or be assigned (409); a deactivated partner is refused in a plan (409).
 */
import { newChildReport, startTestApi, waitForOpenStep, type TestApi } from '../support/api';
import { createHarness, type Harness } from '../support/harness';

const ADMIN = 'staff-demo-admin';
const NATIONAL = 'staff-demo-nationalAdmin';
const HANDLER = 'staff-demo-handler';
const SUPERVISOR = 'staff-demo-supervisor';

type Problem = { status: number; detail: string; errors?: { path: string; message: string }[] };

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

const patch = <T = Record<string, unknown>>(path: string, as: string, body: unknown) =>
  api.request<T>('PATCH', path, { as, body });
const paths = (p: Problem) => (p.errors ?? []).map((e) => `${e.path}: ${e.message}`).sort();

describe('the provinces', () => {
  it('has every prefecture and province of the 2015 division, in its region, and the demo ones', async () => {
    type P = {
      code: string;
      nameFr: string;
      nameAr: string;
      kind: string | null;
      region: { code: string; nameFr: string } | null;
    };
    const res = await api.get<{ items: P[] }>('/provinces', { as: 'staff-demo-partner' });
    expect(res.status).toBe(200);
    const official = res.body.items.filter((p) => p.region !== null);
    expect(official).toHaveLength(75);
    expect(official.filter((p) => p.kind === 'prefecture')).toHaveLength(13);
    const perRegion: Record<string, number> = {};
    for (const p of official) perRegion[p.region?.code ?? ''] = (perRegion[p.region?.code ?? ''] ?? 0) + 1;
    // Decree 2-15-40: the prefectures and provinces that make up each region.
    expect(perRegion).toEqual({
      '01': 8,
      '02': 8,
      '03': 9,
      '04': 7,
      '05': 5,
      '06': 9,
      '07': 8,
      '08': 5,
      '09': 6,
      '10': 4,
      '11': 4,
      '12': 2,
    });
    expect(res.body.items.find((p) => p.code === 'RAB')).toEqual({
      code: 'RAB',
      nameFr: 'Rabat',
      nameAr: 'الرباط',
      kind: 'prefecture',
      region: { code: '04', nameFr: 'Rabat-Salé-Kénitra', nameAr: 'الرباط - سلا - القنيطرة' },
    });
    expect(res.body.items.filter((p) => p.region === null).map((p) => p.code)).toEqual(['DEMO', 'OTHR']);
    const region = await api.get<{ items: P[] }>('/provinces?region=04', { as: HANDLER });
    expect(region.body.items.map((p) => p.code)).toEqual(['KEN', 'KHE', 'RAB', 'SAL', 'SIK', 'SIL', 'SKH']);
    const bad = await api.get<Problem>('/provinces?region=4', { as: HANDLER });
    expect([bad.status, paths(bad.body)]).toEqual([400, ['query.region: must be a region code (01-12)']]);
  });
});

describe('what every form needs', () => {
  it("lists the province's units, staff (role, unit, active) and partners (type)", async () => {
    const units = await api.get<{ items: { unitId: string; kind: string }[] }>('/units', { as: HANDLER });
    expect(units.body.items.map((u) => [u.unitId, u.kind])).toEqual([
      ['unit-demo-cape', 'supportCentre'],
      ['unit-demo-mobile', 'mobileUnit'],
      ['unit-demo-upe', 'protectionUnit'],
    ]);
    const staff = await api.get<{
      items: { staffId: string; role: string; unitId: string; active: boolean }[];
    }>('/staff?role=supervisor', { as: HANDLER });
    expect(staff.body.items).toEqual([
      expect.objectContaining({
        staffId: SUPERVISOR,
        role: 'supervisor',
        unitId: 'unit-demo-upe',
        active: true,
      }),
    ]);
    const page1 = await api.get<{ items: { staffId: string }[]; nextCursor: string }>('/staff?limit=3', {
      as: HANDLER,
    });
    const page2 = await api.get<{ items: { staffId: string }[] }>(
      `/staff?limit=3&cursor=${page1.body.nextCursor}`,
      {
        as: HANDLER,
      },
    );
    expect(page1.body.items.map((s) => s.staffId)).toEqual([
      'staff-demo-admin',
      'staff-demo-auditor',
      'staff-demo-committee',
    ]);
    expect(page2.body.items[0]?.staffId).toBe('staff-demo-coordinator');
    const partners = await api.get<{ items: { partnerId: string; partnerType: string }[] }>(
      '/partners?type=health',
      {
        as: HANDLER,
      },
    );
    expect(partners.body.items.map((p) => [p.partnerId, p.partnerType])).toEqual([
      ['partner-demo-health', 'health'],
    ]);
    // By the service referred: v1 gives psychological care to health, school support to associations.
    const byService = async (query: string) =>
      (
        await api.get<{ items: { partnerId: string }[] }>(`/partners?${query}`, { as: HANDLER })
      ).body.items.map((p) => p.partnerId);
    expect(await byService('serviceType=psychological')).toEqual(['partner-demo-health']);
    expect(await byService('serviceType=schoolSupport')).toEqual(['partner-demo-association']);
    expect(await byService('serviceType=legal&type=prosecutor')).toEqual(['partner-demo-prosecutor']);
    expect(await byService('serviceType=legal&type=health')).toEqual([]);
    const noService = await api.get<Problem>('/partners?serviceType=haircut', { as: HANDLER });
    expect([noService.status, paths(noService.body).map((p) => p.split(':')[0])]).toEqual([
      400,
      ['query.serviceType'],
    ]);

    // Another province's: refused; an unknown one: named.
    expect((await api.get('/units?province=OTHR', { as: HANDLER })).status).toBe(403);
    const unknown = await api.get<Problem>('/staff?province=NOPE', { as: HANDLER });
    expect([unknown.status, paths(unknown.body)]).toEqual([400, ['query.province: unknown province']]);
    // National roles read every province.
    const all = await api.get<{ items: { province: string }[] }>('/units', { as: 'staff-demo-auditor' });
    expect([...new Set(all.body.items.map((u) => u.province))].sort()).toEqual(['DEMO', 'OTHR']);
  });
});

describe('administration', () => {
  it('creates a unit and a person in a real province (national), not in another province (provincial)', async () => {
    const refused = await api.post('/units', {
      as: ADMIN,
      body: { province: 'RAB', kind: 'protectionUnit', name: 'UPE Rabat' },
    });
    expect(refused.status).toBe(403);
    const unit = await api.post<{ unit: { unitId: string; province: string; active: boolean } }>('/units', {
      as: NATIONAL,
      body: { unitId: 'unit-rab-upe', province: 'RAB', kind: 'protectionUnit', name: 'UPE Rabat' },
    });
    expect([unit.status, unit.body.unit]).toEqual([
      201,
      { unitId: 'unit-rab-upe', province: 'RAB', kind: 'protectionUnit', name: 'UPE Rabat', active: true },
    ]);
    const person = await api.post<{ staff: { staffId: string; language: string } }>('/staff', {
      as: NATIONAL,
      body: {
        staffId: 'staff-rab-handler',
        province: 'RAB',
        unitId: 'unit-rab-upe',
        role: 'handler',
        displayName: 'Assistante sociale Rabat',
        email: 'handler@rab.example',
        language: 'ar',
      },
    });
    expect([person.status, person.body.staff]).toMatchObject([
      201,
      { staffId: 'staff-rab-handler', language: 'ar' },
    ]);
    // The new person reports in their province, which now has a duty unit.
    const reported = await api.post<{ reference: string }>('/cases', {
      as: 'staff-rab-handler',
      body: newChildReport(),
    });
    expect([reported.status, reported.body.reference]).toEqual([
      201,
      expect.stringMatching(/^RAB-\d{4}-\d{6}$/),
    ]);
    // The province's administrator of DEMO does not see RAB's people.
    expect((await patch('/staff/staff-rab-handler', ADMIN, { language: 'fr' })).status).toBe(404);
    // Only the ministry appoints the ministry's administrators.
    const national = await api.post('/staff', {
      as: ADMIN,
      body: { province: 'DEMO', role: 'nationalAdmin', displayName: 'X', email: 'x@ministry.example' },
    });
    expect(national.status).toBe(403);
  });

  it('names every bad field, then every unknown unit and partner (400), and a used e-mail (409)', async () => {
    const shape = await api.post<Problem>('/staff', {
      as: ADMIN,
      body: { province: 'DEMO', role: 'chief', displayName: '', email: 'not-an-address', extra: 1 },
    });
    expect([shape.status, shape.body.errors?.map((e) => e.path).sort()]).toEqual([
      400,
      ['body.displayName', 'body.email', 'body.extra', 'body.role'],
    ]);
    const unknown = await api.post<Problem>('/staff', {
      as: ADMIN,
      body: {
        province: 'DEMO',
        unitId: 'unit-nowhere',
        role: 'partner',
        partnerId: 'partner-nowhere',
        displayName: 'Focal point',
        email: 'focal@demo.example',
      },
    });
    expect([unknown.status, paths(unknown.body)]).toEqual([
      400,
      ['body.partnerId: unknown partner', 'body.unitId: unknown unit'],
    ]);
    const elsewhere = await api.post<Problem>('/staff', {
      as: ADMIN,
      body: {
        province: 'DEMO',
        unitId: 'unit-othr-upe',
        role: 'handler',
        displayName: 'X',
        email: 'x2@demo.example',
      },
    });
    expect([elsewhere.status, paths(elsewhere.body)]).toEqual([
      400,
      ['body.unitId: must be a unit of the same province'],
    ]);
    const province = await api.post<Problem>('/units', {
      as: NATIONAL,
      body: { province: 'NOPE', kind: 'mobileUnit', name: 'X' },
    });
    expect([province.status, paths(province.body)]).toEqual([400, ['body.province: unknown province']]);
    const used = await api.post<Problem>('/staff', {
      as: ADMIN,
      body: { province: 'DEMO', role: 'handler', displayName: 'X', email: 'HANDLER@demo.example' },
    });
    expect([used.status, used.body.detail]).toEqual([409, expect.stringContaining(HANDLER)]);
  });

  it('deactivates a person: their open cases listed, no sign-in, no assignment (409), audited without details', async () => {
    const created = await api.post('/staff', {
      as: ADMIN,
      body: {
        staffId: 'staff-demo-leaving',
        province: 'DEMO',
        unitId: 'unit-demo-upe',
        role: 'handler',
        displayName: 'Salma Leaving',
        email: 'salma.leaving@demo.example',
      },
    });
    expect(created.status).toBe(201);
    const { caseId, reference } = (
      await api.post<{ caseId: string; reference: string }>('/cases', {
        as: HANDLER,
        body: newChildReport(),
      })
    ).body;
    await waitForOpenStep(api, caseId, 'screening', HANDLER);
    expect(
      (
        await api.post(`/cases/${caseId}/assignment`, {
          as: SUPERVISOR,
          body: { assigneeId: 'staff-demo-leaving' },
        })
      ).status,
    ).toBe(200);
    expect((await api.get('/work', { as: 'staff-demo-leaving' })).status).toBe(200);

    expect((await patch<Problem>('/staff/staff-demo-admin', ADMIN, { active: false })).status).toBe(409);
    const gone = await patch<{
      staff: { active: boolean };
      openCases: { caseId: string; reference: string; step: string }[];
    }>('/staff/staff-demo-leaving', ADMIN, { active: false });
    expect(gone.status).toBe(200);
    expect(gone.body.staff.active).toBe(false);
    expect(gone.body.openCases).toEqual([{ caseId, reference, step: 'screening', unitId: 'unit-demo-upe' }]);
    expect((await api.get('/work', { as: 'staff-demo-leaving' })).status).toBe(401);
    const assign = await api.post<Problem>(`/cases/${caseId}/assignment`, {
      as: SUPERVISOR,
      body: { assigneeId: 'staff-demo-leaving' },
    });
    expect([assign.status, assign.body.detail]).toEqual([409, expect.stringContaining('deactivated')]);
    const unknown = await api.post<Problem>(`/cases/${caseId}/assignment`, {
      as: SUPERVISOR,
      body: { assigneeId: 'staff-nobody' },
    });
    expect([unknown.status, paths(unknown.body)]).toEqual([400, ['body.assigneeId: unknown staff member']]);
    // The case file shows who holds it, and that they left.
    const file = await api.get<{ assignee: { staffId: string; active: boolean } }>(`/cases/${caseId}`, {
      as: HANDLER,
    });
    expect(file.body.assignee).toMatchObject({ staffId: 'staff-demo-leaving', active: false });

    const events = await api.prisma.auditEvent.findMany({
      where: { entity: 'staff', entityId: 'staff-demo-leaving' },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => [e.action, e.actorId])).toEqual([
      ['staff.created', ADMIN],
      ['staff.deactivated', ADMIN],
    ]);
    expect(events[1]?.details).toMatchObject({ fields: ['active'], active: false });
    expect(JSON.stringify(events.map((e) => ({ ...e, id: String(e.id) })))).not.toMatch(
      /Salma|salma\.leaving/,
    );

    const back = await patch<{ staff: { active: boolean }; openCases: unknown[] }>(
      '/staff/staff-demo-leaving',
      ADMIN,
      {
        active: true,
      },
    );
    expect([back.status, back.body.staff.active, back.body.openCases]).toEqual([200, true, []]);
  });

  it('refuses to deactivate a unit that still has people; a deactivated partner is refused in a plan (409)', async () => {
    const busy = await patch<Problem>('/units/unit-demo-upe', ADMIN, { active: false });
    expect([busy.status, busy.body.detail]).toEqual([409, expect.stringMatching(/active staff member/)]);
    const empty = await patch<{ unit: { active: boolean } }>('/units/unit-demo-mobile', ADMIN, {
      active: false,
    });
    expect([empty.status, empty.body.unit.active]).toEqual([200, false]);
    const placed = await api.post<Problem>('/staff', {
      as: ADMIN,
      body: {
        province: 'DEMO',
        unitId: 'unit-demo-mobile',
        role: 'handler',
        displayName: 'X',
        email: 'x3@demo.example',
      },
    });
    expect([placed.status, paths(placed.body)]).toEqual([400, ['body.unitId: this unit is deactivated']]);

    const { caseId } = (await api.post<{ caseId: string }>('/cases', { as: HANDLER, body: newChildReport() }))
      .body;
    await waitForOpenStep(api, caseId, 'screening', HANDLER);
    for (const [path, body] of [
      ['/screening', { risk: 'LOW', immediateNeeds: false, categories: ['neglect'] }],
      ['/assessment', { social: 'Assessed.' }],
    ] as const) {
      expect((await api.post(`/cases/${caseId}${path}`, { as: HANDLER, body })).status).toBe(200);
    }
    const closed = await patch<{ partner: { active: boolean }; openReferrals: unknown[] }>(
      '/partners/partner-demo-police',
      ADMIN,
      { active: false },
    );
    expect([closed.status, closed.body.partner.active, closed.body.openReferrals]).toEqual([200, false, []]);
    const plan = await api.post<Problem>(`/cases/${caseId}/plan`, {
      as: HANDLER,
      body: { items: [{ serviceType: 'legal', partnerId: 'partner-demo-police' }] },
    });
    expect([plan.status, plan.body.detail]).toEqual([409, expect.stringContaining('partner-demo-police')]);
    const active = await api.get<{ items: { partnerId: string }[] }>('/partners?active=false', {
      as: HANDLER,
    });
    expect(active.body.items.map((p) => p.partnerId)).toEqual(['partner-demo-police']);
  });

  it('gives administrators no case, no pathway, no child', async () => {
    for (const as of [ADMIN, NATIONAL]) {
      expect([as, (await api.get('/cases', { as })).status]).toEqual([as, 403]);
      expect([as, (await api.get('/leaving-care', { as })).status]).toEqual([as, 403]);
      expect([as, (await api.get('/referrals', { as })).status]).toEqual([as, 403]);
    }
  });
});
