/**
 * Bad and odd input against the API on real parts (time-skipping Temporal with the real worker,
 * PostgreSQL, SMTP): bodies that are not objects or nest without end, wrong types, sizes, dates
 * outside any child's life, names in Arabic, Latin, both, with combining marks or with
 * bidirectional overrides, control characters, and strings that look like SQL, HTML or a mail
 * header. Each is answered with a problem document naming the field — or stored exactly as data —
 * and a refused request leaves no row behind. (api-cases / api-http cover the basics: the
 * report's fields, body limit, malformed JSON, another media type.)
 */
import { randomUUID } from 'node:crypto';
import { createHarness, type Harness } from '../support/harness';
import {
  newChildReport,
  settledRowCounts,
  startTestApi,
  waitForOpenStep,
  type ApiResponse,
  type TestApi,
} from '../support/api';

const HANDLER = 'staff-demo-handler';

let h: Harness;
let api: TestApi;
let caseId: string;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
  api = await startTestApi(h);
  const res = await api.post<{ caseId: string }>('/cases', { as: HANDLER, body: newChildReport() });
  expect(res.status).toBe(201);
  caseId = res.body.caseId;
  await waitForOpenStep(api, caseId, 'screening');
});
afterAll(async () => {
  await api?.stop();
  await h?.stop();
});

type Problem = { type: string; title: string; status: number; errors?: { path: string; message: string }[] };

/** A well-formed problem document with this status; the field paths it names. */
function problem(res: ApiResponse<Problem>, status: number): string[] {
  expect([res.status, res.headers.get('content-type')]).toEqual([
    status,
    expect.stringMatching(/^application\/problem\+json/),
  ]);
  expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status });
  expect(res.text).not.toMatch(/\bat .+\.ts:\d+/); // no stack trace
  return (res.body.errors ?? []).map((e) => e.path).sort();
}

/** Runs `requests` and checks that the database is exactly as before. */
async function leavesNoTrace(requests: () => Promise<void>): Promise<void> {
  const before = await settledRowCounts(api.prisma);
  await requests();
  expect(await settledRowCounts(api.prisma)).toEqual(before);
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  api.post<Problem>(path, { as: HANDLER, body, headers: { 'Idempotency-Key': randomUUID(), ...headers } });

describe('shapes and types', () => {
  it('refuses a body that is not an object, and one nested too deeply to walk', async () => {
    await leavesNoTrace(async () => {
      expect(problem(await post('/cases', []), 400)).toEqual(['body']);
      for (const body of ['text', 42, null, true]) {
        // Not an object or array at the top: refused as malformed JSON by the strict parser.
        const res = await post('/cases', body);
        expect(problem(res, 400)).toEqual([]);
        expect(res.body.type).toMatch(/malformedJson$/);
      }
      const deep = `{"report": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
      const nested = await api.post<Problem>('/cases', {
        as: HANDLER,
        rawBody: deep,
        headers: { 'Idempotency-Key': randomUUID() },
      });
      expect(problem(nested, 400)).toEqual(['body']);
      const withoutKey = await api.post<Problem>('/cases', { as: HANDLER, rawBody: deep });
      expect(problem(withoutKey, 400)).toContain('body.report');
    });
  });

  it('names every field of the wrong type, in a report and in a step', async () => {
    await leavesNoTrace(async () => {
      const report = await post('/cases', {
        child: { firstName: 42, lastName: ['X'], birthDate: 20140517, sex: null },
        report: { channel: 'school', urgent: 'true', anonymous: 0, categories: 'neglect' },
      });
      expect(problem(report, 400)).toEqual(
        [
          'body.child.firstName',
          'body.child.lastName',
          'body.child.birthDate',
          'body.child.sex',
          'body.report.urgent',
          'body.report.anonymous',
          'body.report.categories',
        ].sort(),
      );
      const screening = await post(`/cases/${caseId}/screening`, {
        risk: 3,
        immediateNeeds: 'no',
        categories: { neglect: true },
        notes: ['heard'],
      });
      expect(problem(screening, 400)).toEqual(
        ['body.risk', 'body.immediateNeeds', 'body.categories', 'body.notes'].sort(),
      );
      const query = await api.get<Problem>("/cases?province=DEMO'%20OR%20'1'='1&limit=ten&overdue=yes", {
        as: HANDLER,
      });
      expect(problem(query, 400)).toEqual(['query.limit', 'query.overdue', 'query.province']);
      // An identifier with a NUL (which PostgreSQL cannot even compare) is bad input, not a 500.
      const partner = await post(`/cases/${caseId}/referrals`, {
        serviceType: 'medical',
        partnerId: 'partner\u0000demo',
      });
      expect(problem(partner, 400)).toEqual(['body.partnerId']);
      const path = await api.get<Problem>(`/cases/${encodeURIComponent("1' OR '1'='1")}`, { as: HANDLER });
      expect(problem(path, 400)).toEqual(['params.caseId']);
    });
  });

  it('holds sizes: 10,000 categories, a 101-character name, a 20,001-character note', async () => {
    await leavesNoTrace(async () => {
      const body = newChildReport();
      const many = await post('/cases', {
        ...body,
        report: { ...body.report, categories: Array.from({ length: 10_000 }, () => 'neglect') },
      });
      expect(problem(many, 400)).toEqual(['body.report.categories']);
      const long = await post('/cases', { ...body, child: { ...body.child, firstName: 'A'.repeat(101) } });
      expect(problem(long, 400)).toEqual(['body.child.firstName']);
      const note = await post(`/cases/${caseId}/screening`, {
        risk: 'LOW',
        immediateNeeds: false,
        categories: ['neglect'],
        notes: 'n'.repeat(20_001),
      });
      expect(problem(note, 400)).toEqual(['body.notes']);
    });
  });
});

describe('dates', () => {
  it('refuses dates no report or child can have, naming the rule', async () => {
    const body = newChildReport();
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const cases: [Record<string, unknown>, Record<string, unknown>, string, RegExp][] = [
      [{ birthDate: tomorrow }, {}, 'body.child.birthDate', /future/],
      [{ birthDate: '1899-12-31' }, {}, 'body.child.birthDate', /1900/],
      [{ birthDate: '2023-02-29' }, {}, 'body.child.birthDate', /date/i],
      [{ birthDate: '2014-05-17T00:00:00Z' }, {}, 'body.child.birthDate', /date/i],
      [{ birthDate: '0000-01-01' }, {}, 'body.child.birthDate', /1900|date/i],
      [
        {},
        { receivedAt: new Date(Date.now() + 86_400_000).toISOString() },
        'body.report.receivedAt',
        /future/,
      ],
      [{}, { receivedAt: '1899-12-31T23:59:59Z' }, 'body.report.receivedAt', /1900/],
      [{}, { receivedAt: '2026-13-01T00:00:00Z' }, 'body.report.receivedAt', /date|time/i],
    ];
    await leavesNoTrace(async () => {
      for (const [child, report, field, message] of cases) {
        const res = await post('/cases', {
          child: { ...body.child, ...child },
          report: { ...body.report, ...report },
        });
        expect([JSON.stringify(child), JSON.stringify(report), problem(res, 400)]).toEqual([
          JSON.stringify(child),
          JSON.stringify(report),
          [field],
        ]);
        expect(res.body.errors?.[0]?.message).toMatch(message);
      }
    });
  });
});

describe('scripts, directions and marks', () => {
  it('stores Arabic, Latin and mixed names exactly, combining marks composed (NFC)', async () => {
    const names = [
      { firstName: 'أمينة', lastName: `العلوي${randomUUID().slice(0, 6)}`, stored: ['أمينة'] },
      {
        firstName: 'Amina أمينة',
        lastName: `El-Alaoui العلوي ${randomUUID().slice(0, 6)}`,
        stored: ['Amina أمينة'],
      },
      // "Zoé" typed with a combining acute accent is stored like the precomposed one.
      { firstName: 'Zoe\u0301', lastName: `Ben\u200fSaid${randomUUID().slice(0, 6)}`, stored: ['Zoé'] },
    ];
    for (const name of names) {
      const body = newChildReport();
      const res = await post('/cases', {
        ...body,
        child: { ...body.child, firstName: name.firstName, lastName: name.lastName },
      });
      expect(res.status).toBe(201);
      const { childId } = res.body as unknown as { childId: string };
      const child = await api.prisma.child.findUniqueOrThrow({ where: { id: childId } });
      expect([child.firstName, child.lastName]).toEqual([name.stored[0], name.lastName.normalize('NFC')]);
    }
  });

  it('refuses bidirectional overrides, control characters, line breaks and unpaired surrogates', async () => {
    const body = newChildReport();
    const refused: [string, Record<string, unknown>, Record<string, unknown>, RegExp][] = [
      ['body.child.firstName', { firstName: 'Amina\u202Eexe.gnp' }, {}, /bidirectional/],
      ['body.child.lastName', { lastName: 'Ali\u2066x\u2069' }, {}, /bidirectional/],
      ['body.child.lastName', { lastName: 'Doe\r\nBcc: victim@example.org' }, {}, /single line|control/],
      ['body.child.firstName', { firstName: 'Ami\u0000na' }, {}, /control/],
      ['body.report.narrative', {}, { narrative: 'seen at school\u0000' }, /control/],
      ['body.child.firstName', { firstName: 'A\ud800mina' }, {}, /Unicode/],
      ['body.report.reporterName', {}, { reporterName: 'Teacher\u0007' }, /control/],
    ];
    await leavesNoTrace(async () => {
      for (const [field, child, report, message] of refused) {
        const res = await post('/cases', {
          child: { ...body.child, ...child },
          report: { ...body.report, ...report },
        });
        expect([field, problem(res, 400)]).toEqual([field, [field]]);
        expect(res.body.errors?.[0]?.message).toMatch(message);
      }
    });
    // A narrative may span lines and carry embedded direction marks (copied from a word processor).
    const multiline = await post('/cases', {
      ...newChildReport(),
      report: { ...body.report, narrative: 'السطر الأول\r\nsecond line\t\u202Bمقتبس\u202C' },
    });
    expect(multiline.status).toBe(201);
  });
});

describe('injection-like strings', () => {
  it('keeps SQL, HTML and template syntax as data: stored verbatim, tables intact, answers JSON', async () => {
    const strings = [
      "Robert'); DROP TABLE children;--",
      '<script>alert("x")</script>',
      '{{7*7}} ${7*7} <%= 7*7 %>',
      "' OR '1'='1",
    ];
    const childrenBefore = await api.prisma.child.count();
    for (const s of strings) {
      const body = newChildReport();
      const res = await post('/cases', {
        ...body,
        child: { ...body.child, lastName: `${s} ${randomUUID().slice(0, 6)}` },
        report: { ...body.report, narrative: s, reporterName: s },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const created = res.body as unknown as { caseId: string; childId: string };
      const child = await api.prisma.child.findUniqueOrThrow({ where: { id: created.childId } });
      expect(child.lastName?.startsWith(s)).toBe(true);
      const report = await api.prisma.report.findFirstOrThrow({ where: { caseId: created.caseId } });
      expect([report.narrative, report.reporterName]).toEqual([s, s]);
      // The handler reads it back as JSON data, never as markup.
      const read = await api.get<{ child?: { lastName: string } }>(`/cases/${created.caseId}`, {
        as: HANDLER,
      });
      expect(read.status).toBe(200);
      expect(read.headers.get('content-type')).toMatch(/^application\/json/);
    }
    expect(await api.prisma.child.count()).toBe(childrenBefore + strings.length);
  });
});
