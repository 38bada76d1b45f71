/**
 * GET /reports/provincial over real HTTP: the seeded October (test/support/report-seed.ts) as JSON
 * and as CSV, who may read it, bad periods, and its place in the OpenAPI document.
 */
import { createHarness, type Harness } from '../support/harness';
import { startTestApi, type TestApi } from '../support/api';
import { seedOctober2026 } from '../support/report-seed';

let h: Harness;
let api: TestApi;
beforeAll(async () => {
  h = await createHarness();
  api = await startTestApi(h);
  await seedOctober2026(h.db.prisma);
});
afterAll(async () => {
  await api?.stop();
  await h?.stop();
});

const OCTOBER = 'from=2026-10-01&to=2026-11-01';

describe('GET /reports/provincial', () => {
  it("answers the statistics as JSON: the seed's figures, worked out by hand in report-statistics.test.ts", async () => {
    const res = await api.get<Record<string, unknown>>(`/reports/provincial?${OCTOBER}`, {
      as: 'staff-demo-committee',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = res.body as {
      steps: { step: string }[];
      referrals: { partnerType: string }[];
      reports: { byChannel: { key: string; count: number }[] };
    };
    expect(res.body).toMatchObject({
      province: 'DEMO',
      period: {
        from: '2026-10-01',
        to: '2026-11-01',
        fromInstant: '2026-09-30T23:00:00.000Z',
        toInstant: '2026-10-31T23:00:00.000Z',
      },
      reports: { total: 6 },
      cases: { opened: 4, closed: 1 },
      escalations: {
        total: 20,
        byLevel: [
          { level: 0, count: 6 },
          { level: 1, count: 5 },
          { level: 2, count: 5 },
          { level: 3, count: 4 },
        ],
      },
      judicialNotifications: { required: 3, acknowledged: 2, onTime: 1, onTimeShare: 0.3333, pending: 1 },
    });
    // hotline R1 + R3b + R4 = 3; school R2; police R3; family R5; every channel listed, zeros too.
    expect(body.reports.byChannel).toHaveLength(9);
    expect(
      Object.fromEntries(body.reports.byChannel.filter((c) => c.count > 0).map((c) => [c.key, c.count])),
    ).toEqual({ hotline: 3, school: 1, police: 1, family: 1 });
    // screening: S1 6 h, S2 30 h, S3 10 h, S3b 2 h, S4 36 h → median 10; on time S1 S3 S3b of 6.
    expect(body.steps.find((x) => x.step === 'screening')).toEqual({
      step: 'screening',
      openAtEnd: 1,
      opened: 6,
      completed: 5,
      medianHours: 10,
      due: 6,
      onTime: 3,
      onTimeShare: 0.5,
    });
    // health: RA1 24 h and RA5 12 h in time, RA3 unanswered → median 18 h, 2 of 3 within the deadline.
    expect(body.referrals.find((r) => r.partnerType === 'health')).toEqual({
      partnerType: 'health',
      requested: 3,
      acknowledged: 2,
      declined: 0,
      unanswered: 1,
      medianAcknowledgementHours: 18,
      acknowledgedWithinDeadline: 2,
      withinDeadlineShare: 0.6667,
    });
    const audit = await h.db.prisma.auditEvent.findFirst({
      where: { action: 'report.provincial.read', actorId: 'staff-demo-committee' },
    });
    expect(audit?.details).toEqual({
      province: 'DEMO',
      from: '2026-10-01',
      to: '2026-11-01',
      format: 'json',
    });
  });

  it('answers CSV, one figure per line, for format=csv and for Accept: text/csv', async () => {
    const byQuery = await api.get(`/reports/provincial?${OCTOBER}&format=csv`, {
      as: 'staff-demo-supervisor',
    });
    const byAccept = await api.get(`/reports/provincial?${OCTOBER}`, {
      as: 'staff-demo-supervisor',
      headers: { accept: 'text/csv' },
    });
    for (const res of [byQuery, byAccept]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe(
        'attachment; filename="provincial-DEMO-2026-10-01-2026-11-01.csv"',
      );
    }
    expect(byAccept.text).toBe(byQuery.text);
    const lines = byQuery.text.split('\r\n');
    expect(lines[0]).toBe('province,from,to,section,key,detail,measure,value');
    expect(lines[lines.length - 1]).toBe(''); // ends with a line break
    const row = (s: string) => `DEMO,2026-10-01,2026-11-01,${s}`;
    for (const expected of [
      'reports,,,total,6',
      'reports.channel,hotline,,count,3',
      'reports.ageBand,6-11,,count,1',
      'reports.category,unspecified,,count,1',
      'steps,screening,,medianHours,10',
      'steps,screening,,onTimeShare,0.5',
      'steps,planApproval,,onTimeShare,', // nothing fell due: empty, not 0
      'escalations.rung,3,committee,count,4',
      'referrals,health,,withinDeadlineShare,0.6667',
      'referrals,association,,medianAcknowledgementHours,',
      'judicialNotifications,,,pending,1',
      'leavingCare,health,integrated,count,2',
    ]) {
      expect(lines).toContain(row(expected));
    }
    // Every line has the eight columns.
    expect(lines.slice(0, -1).every((l) => l.split(',').length === 8)).toBe(true);
  });

  it('lets the committee, coordinator and supervisors read their province, inspection any, nobody else', async () => {
    const status = async (as: string, province: string) =>
      (await api.get(`/reports/provincial?province=${province}&${OCTOBER}`, { as })).status;
    for (const role of ['committee', 'coordinator', 'supervisor']) {
      expect([role, await status(`staff-demo-${role}`, 'DEMO')]).toEqual([role, 200]);
      expect([role, await status(`staff-demo-${role}`, 'OTHR')]).toEqual([role, 403]);
    }
    expect(await status('staff-demo-auditor', 'OTHR')).toBe(200);
    for (const role of ['handler', 'partner', 'mediator', 'operations']) {
      expect([role, await status(`staff-demo-${role}`, 'DEMO')]).toEqual([role, 403]);
    }
    expect((await api.get(`/reports/provincial?${OCTOBER}`)).status).toBe(401);
    // Without `province`: the caller's own.
    const own = await api.get<{ province: string }>(`/reports/provincial?${OCTOBER}`, {
      as: 'staff-othr-committee',
    });
    expect(own.body.province).toBe('OTHR');
  });

  it('refuses a bad period or province with the field at fault', async () => {
    const problem = async (query: string) => {
      const res = await api.get<{ errors?: { path: string; message: string }[] }>(
        `/reports/provincial?${query}`,
        {
          as: 'staff-demo-auditor',
        },
      );
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      return res.body.errors;
    };
    expect(await problem('from=2026-11-01&to=2026-10-01')).toEqual([
      { path: 'query.to', message: 'must be after from (the period is [from, to))' },
    ]);
    expect(await problem('to=2026-10-01')).toEqual([{ path: 'query.from', message: 'required' }]);
    expect(await problem('from=2026-10-32&to=2026-11-01')).toEqual([
      { path: 'query.from', message: 'expected an existing date YYYY-MM-DD' },
    ]);
    expect(await problem('from=2025-01-01&to=2026-11-01')).toEqual([
      { path: 'query.to', message: 'the period may span at most 366 days' },
    ]);
    expect(await problem(`province=NOPE&${OCTOBER}`)).toEqual([
      { path: 'query.province', message: 'unknown province' },
    ]);
    expect(await problem(`${OCTOBER}&format=xml`)).toEqual([
      expect.objectContaining({ path: 'query.format' }),
    ]);
    expect(await problem(`${OCTOBER}&childId=x`)).toEqual([
      { path: 'query.childId', message: 'unknown field' },
    ]);
  });

  it('is in the OpenAPI document with its JSON and CSV answers', async () => {
    const doc = (await api.get<{ paths: Record<string, Record<string, unknown>> }>('/openapi.json')).body;
    const op = doc.paths['/reports/provincial']?.get as {
      operationId: string;
      parameters: { name: string }[];
      responses: Record<string, { content: Record<string, unknown> }>;
    };
    expect(op.operationId).toBe('provincialReport');
    expect(op.parameters.map((p) => p.name).sort()).toEqual(['format', 'from', 'province', 'to']);
    expect(Object.keys(op.responses['200']?.content ?? {})).toEqual(['application/json', 'text/csv']);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '401', '403']));
  });
});
