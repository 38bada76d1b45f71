/**
 * The Temporal UI's remote codec on the API, against real parts (time-skipping Temporal with the
 * worker, PostgreSQL): a real case's encrypted history decoded through POST /codec/decode; who may
 * call it (operations only; bearer or the codec session cookie); CORS for the UI origin including
 * the preflight; key rotation — histories written under the old key still decode, and a worker
 * holding the new key carries the same case on.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { createActivities } from '../../activities';
import { encryptedDataConverter, generateEncryptionKey } from '../../lib/payload-codec';
import { caseWorkflowId } from '../../workflows/case/definitions';
import { newChildReport, startTestApi, waitForOpenStep, type TestApi } from '../support/api';
import { createHarness, type Harness } from '../support/harness';
import {
  encodingOf,
  fromBase64,
  keyIdOf,
  payloadsOf,
  toCodecJson,
  type PayloadJson,
  type RawPayload,
} from '../support/histories';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';
import { workflowBundle } from '../support/workflow-bundle';

const OPERATIONS = 'staff-demo-operations';
const HANDLER = 'staff-demo-handler';
const UI = 'http://localhost:8233';

type Payloads = { payloads: PayloadJson[] };
type Problem = { status: number; detail: string; errors?: { path: string; message: string }[] };

let h: Harness;
let api: TestApi;
let caseId: string;
beforeAll(async () => {
  h = await createHarness();
  // The Java test server never times out a stopped worker's sticky queue: the worker that the key
  // rotation test replaces runs without a workflow cache.
  await h.startWorker({ sticky: false });
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

async function historyPayloads(): Promise<RawPayload[]> {
  const history = await h.env.client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
  return payloadsOf(history.events);
}

async function startedInput(): Promise<RawPayload> {
  const history = await h.env.client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory();
  const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!input) throw new Error('no workflow input in the history');
  return input;
}

const decode = (
  client: TestApi,
  payloads: PayloadJson[],
  options: { as?: string; headers?: Record<string, string> } = {},
) =>
  client.post<Payloads & Problem>('/codec/decode', {
    as: options.as ?? OPERATIONS,
    body: { payloads },
    headers: { 'X-Namespace': 'default', ...options.headers },
  });

describe('POST /codec/decode', () => {
  it('turns a real encrypted history payload back into its plaintext, for operations, audited', async () => {
    const input = await startedInput();
    expect(encodingOf(input)).toBe('binary/encrypted');
    expect(keyIdOf(input)).toBe('test');
    expect(Buffer.from(input.data ?? []).toString('utf8')).not.toContain(caseId);

    const res = await decode(api, [toCodecJson(input)]);
    expect(res.status).toBe(200);
    expect(res.body.payloads).toHaveLength(1);
    const [plain] = res.body.payloads;
    expect(fromBase64(plain?.metadata.encoding)).toBe('json/plain');
    expect(JSON.parse(fromBase64(plain?.data))).toEqual({ caseId });

    // Every encrypted payload of the history decodes (inputs, activity results, memo, updates…).
    const encrypted = (await historyPayloads()).filter((p) => encodingOf(p) === 'binary/encrypted');
    expect(encrypted.length).toBeGreaterThan(5);
    const all = await decode(api, encrypted.map(toCodecJson));
    expect(all.status).toBe(200);
    expect(all.body.payloads.map((p) => fromBase64(p.metadata.encoding))).not.toContain('binary/encrypted');
    expect(all.body.payloads.map((p) => fromBase64(p.data)).join('\n')).toContain(caseId);

    const audit = await api.prisma.auditEvent.findMany({
      where: { action: 'codec.decode', actorId: OPERATIONS },
    });
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(audit.at(-1)).toMatchObject({ actorType: 'staff', entity: 'payload', caseId: null });
    expect(audit.at(-1)?.details).toEqual({ namespace: 'default', payloads: encrypted.length });
  });

  it('item 17: has no encode route: operators read payloads, they never write them', async () => {
    const plain = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('{"a":1}').toString('base64'),
    };
    for (const as of [OPERATIONS, HANDLER]) {
      const encoded = await api.post('/codec/encode', { as, body: { payloads: [plain] } });
      expect([as, encoded.status]).toEqual([as, 404]);
    }
    const spec = await api.get<{ paths: Record<string, unknown> }>('/openapi.json');
    expect(
      Object.keys(spec.body.paths)
        .filter((p) => p.startsWith('/codec'))
        .sort(),
    ).toEqual(['/codec/decode', '/codec/session', '/codec/session/end']);
    // A payload sent around the API (plaintext) decodes as it was sent, so operators can read it.
    const back = await decode(api, [plain]);
    expect(back.status).toBe(200);
    expect(back.body.payloads).toEqual([plain]);
  });

  it('answers 401 without credentials and 403 to every role but operations', async () => {
    const input = toCodecJson(await startedInput());
    const anonymous = await api.post<Problem>('/codec/decode', { body: { payloads: [input] } });
    expect(anonymous.status).toBe(401);
    for (const role of [
      'handler',
      'supervisor',
      'coordinator',
      'committee',
      'partner',
      'mediator',
      'auditor',
    ]) {
      const res = await decode(api, [input], { as: `staff-demo-${role}` });
      expect([role, res.status]).toEqual([role, 403]);
      expect(res.text).not.toContain(caseId);
    }
  });

  it('names a payload it cannot decrypt and another namespace, without echoing content', async () => {
    const input = toCodecJson(await startedInput());
    const tampered = {
      ...input,
      data: Buffer.from(Buffer.from(input.data, 'base64').map((b, i) => (i === 20 ? b ^ 1 : b))).toString(
        'base64',
      ),
    };
    const bad = await decode(api, [input, tampered]);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { path: 'body.payloads[1]', message: 'cannot be decrypted (another key, or altered)' },
    ]);
    const elsewhere = await decode(api, [input], { headers: { 'X-Namespace': 'another' } });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.errors).toEqual([
      { path: 'headers.X-Namespace', message: 'this codec serves namespace default' },
    ]);
    // Temporal's CLI sends an empty X-Namespace when no namespace was named: this one, then.
    expect((await decode(api, [input], { headers: { 'X-Namespace': '' } })).status).toBe(200);
    const notBase64 = await decode(api, [{ metadata: { encoding: 'binary/encrypted!' }, data: '' }]);
    expect(notBase64.status).toBe(400);
    expect(notBase64.body.errors?.[0]?.path).toBe('body.payloads[0].metadata.encoding');
  });
});

describe('the Temporal UI in a browser', () => {
  it('answers the CORS preflight of the UI origin (Authorization allowed), and refuses other origins', async () => {
    const preflight = await api.request('OPTIONS', '/codec/decode', {
      headers: {
        Origin: UI,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,x-namespace',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(UI);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-namespace']));
    expect(preflight.headers.get('vary')).toMatch(/Origin/);

    const evil = await api.request('OPTIONS', '/codec/decode', {
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    // The actual request from another origin gets no CORS grant either (the browser hides the answer).
    const fromEvil = await decode(api, [], { headers: { Origin: 'http://evil.example' } });
    expect(fromEvil.headers.get('access-control-allow-origin')).toBeNull();
    // Other routes are not opened to the UI.
    const cases = await api.get('/cases', { as: HANDLER, headers: { Origin: UI } });
    expect(cases.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('takes the origins from CODEC_CORS_ORIGINS', async () => {
    const other = await startTestApi(h, {
      CODEC_CORS_ORIGINS: 'https://temporal-ui.example, http://127.0.0.1:8080',
    });
    try {
      const preflight = (origin: string) =>
        other.request('OPTIONS', '/codec/decode', {
          headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
        });
      expect((await preflight('https://temporal-ui.example')).status).toBe(204);
      expect((await preflight('http://127.0.0.1:8080')).status).toBe(204);
      expect((await preflight(UI)).status).toBe(403);
    } finally {
      await other.stop();
    }
  });

  it('has its own rate limit, ten times the API one (the UI decodes event by event)', async () => {
    const limited = await startTestApi(h, { API_RATE_LIMIT_PER_MINUTE: '2' });
    try {
      const decodes = [];
      for (let i = 0; i < 12; i += 1) decodes.push((await decode(limited, [])).status);
      expect(decodes).toEqual(Array(12).fill(200));
      const reads = [];
      for (let i = 0; i < 3; i += 1) reads.push((await limited.get('/cases', { as: HANDLER })).status);
      expect(reads).toEqual([200, 200, 429]);
      for (let i = 0; i < 8; i += 1) await decode(limited, []);
      const over = await decode(limited, [], { headers: { Origin: UI } });
      expect(over.status).toBe(429);
      expect(over.headers.get('access-control-allow-origin')).toBe(UI);
    } finally {
      await limited.stop();
    }
  });

  it('opens a cookie session from a bearer token: HttpOnly, SameSite=Lax, /codec only, for operations', async () => {
    const opened = await api.post<{ staffId: string; expiresAt: string }>('/codec/session', {
      as: OPERATIONS,
    });
    expect(opened.status).toBe(200);
    expect(opened.body.staffId).toBe(OPERATIONS);
    const setCookie = opened.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^cpe_codec_session=[\w-]+\.[\w-]+\.[\w-]+; /);
    expect(setCookie).toMatch(/; Path=\/codec(;|$)/);
    expect(setCookie).toMatch(/; HttpOnly(;|$)/);
    expect(setCookie).toMatch(/; SameSite=Lax(;|$)/);
    const maxAge = Number(/Max-Age=(\d+)/.exec(setCookie)?.[1]);
    expect(maxAge).toBeGreaterThan(3600);
    expect(maxAge).toBeLessThanOrEqual(8 * 3600);
    expect(Date.parse(opened.body.expiresAt) - Date.now()).toBeLessThanOrEqual(8 * 3600_000 + 1000);
    const cookie = setCookie.split(';')[0] ?? '';
    const token = cookie.split('=')[1] ?? '';

    // What the UI sends: the cookie, cross-origin, no Authorization header.
    const input = toCodecJson(await startedInput());
    const res = await api.post<Payloads>('/codec/decode', {
      body: { payloads: [input] },
      headers: { Cookie: cookie, Origin: UI, 'X-Namespace': 'default' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(JSON.parse(fromBase64(res.body.payloads[0]?.data))).toEqual({ caseId });

    // The session is good for the codec only: not as a bearer token, not as a cookie elsewhere.
    expect((await api.get('/cases', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await api.get('/cases', { headers: { Cookie: cookie } })).status).toBe(401);
    // …and an API bearer token is no session cookie.
    const bearer = await api.token(OPERATIONS);
    const asCookie = await api.post('/codec/decode', {
      body: { payloads: [] },
      headers: { Cookie: `cpe_codec_session=${bearer}` },
    });
    expect(asCookie.status).toBe(401);

    // Other roles get no session; a deactivated operator's cookie stops working at once.
    expect((await api.post('/codec/session', { as: HANDLER })).status).toBe(403);
    expect((await api.post('/codec/session', { as: 'staff-demo-auditor' })).status).toBe(403);
    await api.prisma.staff.update({ where: { id: OPERATIONS }, data: { active: false } });
    try {
      const refused = await api.post('/codec/decode', {
        body: { payloads: [] },
        headers: { Cookie: cookie },
      });
      expect(refused.status).toBe(401);
    } finally {
      await api.prisma.staff.update({ where: { id: OPERATIONS }, data: { active: true } });
    }

    const ended = await api.post('/codec/session/end', { headers: { Cookie: cookie } });
    expect(ended.status).toBe(204);
    expect(ended.headers.get('set-cookie')).toMatch(/^cpe_codec_session=; Path=\/codec; Max-Age=0/);
    const actions = (
      await api.prisma.auditEvent.findMany({
        where: { actorId: OPERATIONS, action: { startsWith: 'codec.session' } },
      })
    ).map((e) => e.action);
    expect(actions).toEqual(['codec.session.opened', 'codec.session.ended']);
  });
});

describe('key rotation', () => {
  it('decodes histories written under the old key, while a worker with the new key carries the case on', async () => {
    const next = generateEncryptionKey(`next-${randomUUID().slice(0, 8)}`);
    const nextId = next.split(':')[0];
    const rotatedKeys = `${next},${TEST_PAYLOAD_KEYS}`;
    // The worker and the API roll out the new key first; the old one stays to read old payloads.
    await h.stopWorkers();
    const mailer = nodemailer.createTransport(h.smtp.url);
    const worker = await Worker.create({
      connection: h.env.nativeConnection,
      taskQueue: h.taskQueue,
      maxCachedWorkflows: 0, // every task replays the history from the start, old payloads included
      workflowBundle: await workflowBundle(),
      dataConverter: encryptedDataConverter(rotatedKeys),
      activities: createActivities({
        prisma: h.db.prisma,
        mailer,
        config: { MAIL_FROM: 'Child protection <no-reply@test.local>', PUBLIC_URL: 'http://cases.test' },
      }),
    });
    const running = worker.run();
    const rotated = await startTestApi(h, { PAYLOAD_ENCRYPTION_KEYS: rotatedKeys });
    try {
      const screened = await rotated.post<{ case: { step: string } }>(`/cases/${caseId}/screening`, {
        as: HANDLER,
        body: { risk: 'LOW', immediateNeeds: false, categories: ['neglect'] },
      });
      expect(screened.status).toBe(200);
      expect(screened.body.case.step).toBe('assessment');

      const encrypted = (await historyPayloads()).filter((p) => encodingOf(p) === 'binary/encrypted');
      const keyIds = new Set(encrypted.map(keyIdOf));
      expect(keyIds).toEqual(new Set(['test', nextId]));
      const all = await decode(rotated, encrypted.map(toCodecJson));
      expect(all.status).toBe(200);
      expect(all.body.payloads.map((p) => fromBase64(p.metadata.encoding))).not.toContain('binary/encrypted');

      // Once the old key is dropped, what it wrote can no longer be read: the codec says which key.
      const dropped = await startTestApi(h, { PAYLOAD_ENCRYPTION_KEYS: next });
      try {
        const old = encrypted.findIndex((p) => keyIdOf(p) === 'test');
        const res = await decode(dropped, [toCodecJson(encrypted[old] as RawPayload)]);
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([
          { path: 'body.payloads[0]', message: 'payload encrypted with unknown key id "test"' },
        ]);
      } finally {
        await dropped.stop();
      }
    } finally {
      await rotated.stop();
      worker.shutdown();
      await running;
      mailer.close();
    }
  });
});
