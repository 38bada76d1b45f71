/**
 * Issue 13 item 16: children the service cannot name yet. A street child or an unaccompanied
 * migrant child is often reported with no known name or birth date: an alias or a description and
 * an estimated age are enough (protocol.md §3 step 1). Against real parts (time-skipping Temporal,
 * the worker, the API, PostgreSQL): the report, what is stored and shown, the refusals naming the
 * field, no duplicate matching without a name, and the parts that read the birth date — the
 * committee's age bands and the leaving-care pathway.
 */
import { newChildReport, startTestApi, waitForOpenStep, type TestApi } from '../support/api';
import { createHarness, type Harness } from '../support/harness';

const HANDLER = 'staff-demo-handler';

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

type Problem = { status: number; errors?: { path: string; message: string }[] };
type Created = { caseId: string; childId: string; joined: boolean };

const report = (receivedAt: string) => ({
  ...newChildReport().report,
  receivedAt,
  categories: ['streetSituation'],
});

async function reportChild(child: Record<string, unknown>, receivedAt = '2026-11-20T10:00:00Z') {
  return api.post<Created & Problem>('/cases', { as: HANDLER, body: { child, report: report(receivedAt) } });
}

describe('a child reported without a name or a birth date', () => {
  it('item 16: an alias and an estimated age are enough; the birth year is estimated and marked approximate', async () => {
    const alias = 'Boy of about 12, sleeps near the bus station';
    const res = await reportChild({ alias, estimatedAge: 12, sex: 'male', migrantStatus: 'unaccompanied' });
    expect(res.status).toBe(201);
    const child = await h.db.prisma.child.findUniqueOrThrow({ where: { id: res.body.childId } });
    // 2026 (the report's year) − 12 = 2014, on 1 January: the age at the report is the estimate.
    expect(child).toMatchObject({
      firstName: null,
      lastName: null,
      alias,
      birthDate: new Date('2014-01-01T00:00:00Z'),
      birthDateApproximate: true,
      migrantStatus: 'unaccompanied',
    });
    await waitForOpenStep(api, res.body.caseId, 'screening');
    const read = await api.get<{ child: Record<string, unknown> }>(`/cases/${res.body.caseId}`, {
      as: HANDLER,
    });
    expect(read.status).toBe(200);
    expect(read.body.child).toMatchObject({
      childId: res.body.childId,
      firstName: null,
      lastName: null,
      alias,
      birthDate: '2014-01-01',
      birthDateApproximate: true,
    });

    // A first name alone, with an estimated age; a description alone (no name, no alias needed).
    const firstOnly = await reportChild(
      { firstName: 'Youssef', estimatedAge: 16, sex: 'male' },
      '2026-11-21T09:00:00Z',
    );
    expect(firstOnly.status).toBe(201);
    expect(
      await h.db.prisma.child.findUniqueOrThrow({ where: { id: firstOnly.body.childId } }),
    ).toMatchObject({
      firstName: 'Youssef',
      lastName: null,
      alias: null,
      birthDate: new Date('2010-01-01T00:00:00Z'),
      birthDateApproximate: true,
    });
    // An exact birth date still works as before (and is not approximate).
    const dated = await reportChild({ alias: 'Girl at the market', birthDate: '2020-06-15', sex: 'female' });
    expect(dated.status).toBe(201);
    expect(await h.db.prisma.child.findUniqueOrThrow({ where: { id: dated.body.childId } })).toMatchObject({
      birthDate: new Date('2020-06-15T00:00:00Z'),
      birthDateApproximate: false,
    });
  });

  it('item 16: duplicate matching skips children without both names', async () => {
    const alias = 'Girl of about 9 selling tissues at the lights';
    const first = await reportChild({ alias, estimatedAge: 9, sex: 'female' });
    const second = await reportChild({ alias, estimatedAge: 9, sex: 'female' });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.childId).not.toBe(first.body.childId);
    expect(second.body.joined).toBe(false);
    const firstName = { firstName: 'Karim', estimatedAge: 10, sex: 'male' };
    const a = await reportChild(firstName);
    const b = await reportChild(firstName);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.childId).not.toBe(a.body.childId);
    // Both names and the same (estimated) birth date: the same child, as before.
    const named = { firstName: 'Samira', lastName: `Unnamed${process.pid}`, estimatedAge: 13, sex: 'female' };
    const c = await reportChild(named);
    expect(c.status).toBe(201);
    await waitForOpenStep(api, c.body.caseId, 'screening');
    const d = await reportChild(named);
    expect(d.status).toBe(200);
    expect([d.body.childId, d.body.caseId, d.body.joined]).toEqual([c.body.childId, c.body.caseId, true]);
  });

  it('item 16: refuses a child with neither a name nor an alias, or without any age, naming the field', async () => {
    const before = await h.db.prisma.child.count();
    const nameless = await reportChild({ estimatedAge: 10, sex: 'male' });
    expect(nameless.status).toBe(400);
    expect(nameless.body.errors).toEqual([
      {
        path: 'body.child',
        message: 'give the child’s names, or an alias or description when they are not known',
      },
    ]);
    const ageless = await reportChild({ alias: 'Boy at the port', sex: 'male' });
    expect(ageless.status).toBe(400);
    expect(ageless.body.errors).toEqual([
      {
        path: 'body.child.birthDate',
        message: 'give the birth date, or an estimated age (estimatedAge) when it is not known',
      },
    ]);
    const both = await reportChild({
      alias: 'Boy at the port',
      sex: 'male',
      birthDate: '2015-01-01',
      estimatedAge: 11,
    });
    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual([
      { path: 'body.child.estimatedAge', message: 'give birthDate or estimatedAge, not both' },
    ]);
    const old = await reportChild({ alias: 'Young man at the port', sex: 'male', estimatedAge: 21 });
    expect(old.status).toBe(400);
    expect(old.body.errors?.map((e) => e.path)).toEqual(['body.child.estimatedAge']);
    const blank = await reportChild({ alias: '   ', sex: 'male', estimatedAge: 11 });
    expect(blank.status).toBe(400);
    expect(blank.body.errors?.map((e) => e.path)).toEqual(['body.child.alias']);
    expect(await h.db.prisma.child.count()).toBe(before);
  });

  it('item 16: the API documents the fields', async () => {
    const spec = await api.get<{
      components: { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> };
    }>('/openapi.json');
    const input = spec.body.components.schemas.ChildIdentityInput;
    expect(Object.keys(input?.properties ?? {})).toEqual(
      expect.arrayContaining(['alias', 'estimatedAge', 'firstName']),
    );
    expect(input?.required ?? []).not.toContain('firstName');
    expect(input?.required ?? []).not.toContain('birthDate');
  });

  it('item 16: age bands and leaving care read the estimated birth date', async () => {
    // Its own province's numbers: only the children reported in this test.
    const body = { alias: 'Boy of about 16 at the station', estimatedAge: 16, sex: 'male' };
    const res = await api.post<Created>('/cases', {
      as: 'staff-othr-handler',
      body: { child: body, report: report('2026-11-24T10:00:00Z') },
    });
    expect(res.status).toBe(201);
    const stats = await api.get<{ reports: { byAgeBand: { key: string; count: number }[] } }>(
      '/reports/provincial?province=OTHR&from=2026-11-01&to=2026-12-01',
      { as: 'staff-othr-committee' },
    );
    expect(stats.status).toBe(200);
    expect(stats.body.reports.byAgeBand.filter((b) => b.count > 0)).toEqual([{ key: '15-17', count: 1 }]);

    // Born "in 2010": preparation has begun (15 counted from 1 January 2010); the young person
    // leaves care at 18 counted from 31 December 2010 — in doubt, presumed a minor.
    await waitForOpenStep(api, res.body.caseId, 'screening', 'staff-othr-committee');
    const enrolled = await api.post<{ pathway: { phase: string; milestones: { exitAt: string } } }>(
      '/leaving-care',
      {
        as: 'staff-othr-handler',
        body: { caseId: res.body.caseId },
      },
    );
    expect(enrolled.status).toBe(201);
    expect(enrolled.body.pathway.phase).toBe('preparation');
    expect(enrolled.body.pathway.milestones.exitAt).toBe('2028-12-30T23:00:00.000Z');
  });
});
