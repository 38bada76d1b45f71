/**
 * An Idempotency-Key's claim is a lease renewed by the request that holds it: a client retrying
 * after the API died mid-request proceeds as soon as the lease runs out, while a request that is
 * still running keeps its key however long it takes. Real API, PostgreSQL and Temporal.
 */
import pg from 'pg';
import { requestHash } from '../../api/http/idempotency';
import { createHarness, type Harness } from '../support/harness';
import { newChildReport, startTestApi, waitForOpenStep, type TestApi } from '../support/api';

const HANDLER = 'staff-demo-handler';
const LEASE_MS = 1_000;
const screening = { risk: 'MEDIUM', immediateNeeds: false, categories: ['neglect'] };

let h: Harness;
let api: TestApi;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
  api = await startTestApi(h, { API_IDEMPOTENCY_LEASE_MS: String(LEASE_MS) });
});
afterAll(async () => {
  await api?.stop();
  await h?.stop();
});

async function openCase(): Promise<string> {
  const res = await api.post<{ caseId: string }>('/cases', { as: HANDLER, body: newChildReport() });
  expect(res.status).toBe(201);
  await waitForOpenStep(api, res.body.caseId, 'screening', 'staff-demo-committee');
  return res.body.caseId;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('idempotency claims are leases', () => {
  it('takes over the claim of a request whose process died, once its lease has run out', async () => {
    const caseId = await openCase();
    const path = `/cases/${caseId}/screening`;
    const key = `dead-${caseId}`;
    // What an API killed in the middle of this request leaves behind: a claim nobody renews.
    await api.prisma.$executeRaw`
      INSERT INTO "api_idempotency" ("actor_id", "key", "request_hash", "status_code", "response_body", "created_at")
      VALUES (${HANDLER}, ${key}, ${requestHash('POST', path, screening)}, 0, 'null'::jsonb, now() - interval '3 seconds')`;
    const retry = await api.post<{ screeningId: string }>(path, {
      as: HANDLER,
      body: screening,
      headers: { 'Idempotency-Key': key },
    });
    expect(retry.status).toBe(200);
    expect(await api.prisma.screening.count({ where: { caseId } })).toBe(1);
  });

  it('keeps the claim of a request that runs longer than the lease: a duplicate is still in flight', async () => {
    const caseId = await openCase();
    const path = `/cases/${caseId}/screening`;
    const headers = { 'Idempotency-Key': `slow-${caseId}` };
    const lock = new pg.Client({ connectionString: h.db.url });
    await lock.connect();
    try {
      // Hold the case row: the screening's insert (its foreign key) waits, so the request runs on.
      await lock.query('BEGIN');
      await lock.query('SELECT id FROM cases WHERE id = $1 FOR UPDATE', [caseId]);
      const first = api.post<{ screeningId: string }>(path, { as: HANDLER, body: screening, headers });
      await sleep(3 * LEASE_MS);
      const duplicate = await api.post<{ type: string }>(path, { as: HANDLER, body: screening, headers });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.type).toMatch(/idempotencyInFlight$/);
      await lock.query('COMMIT');
      const done = await first;
      expect(done.status).toBe(200);
      const replay = await api.post<{ screeningId: string }>(path, { as: HANDLER, body: screening, headers });
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.screeningId).toBe(done.body.screeningId);
      expect(await api.prisma.screening.count({ where: { caseId } })).toBe(1);
    } finally {
      await lock.end();
    }
  });
});
