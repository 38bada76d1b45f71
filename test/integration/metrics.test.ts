/**
 * /metrics: gauges read from the case database at scrape time (open cases per step and province,
 * overdue steps, unresolved escalations per rung, e-mails by status) and the worker's counters
 * (failed activity attempts, mail not delivered) — with the worker in the same process, as in
 * `npm start`, and on a standalone worker's own endpoint.
 */
import { randomUUID } from 'node:crypto';
import { serveWorkerMetrics } from '../../worker/metrics';
import { startTestApi, type TestApi } from '../support/api';
import { insertCase, startCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';
import { eventually } from '../support/wait';

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

const HOUR = 3_600_000;
const scrape = async () => (await api.get('/metrics')).text.split('\n');

async function step(caseId: string, step: string, dueInMs: number, completed = false) {
  const id = randomUUID();
  await h.db.prisma.stepRecord.create({
    data: {
      id,
      caseId,
      step,
      openedAt: new Date(Date.now() - 48 * HOUR),
      dueAt: new Date(Date.now() + dueInMs),
      ...(completed ? { completedAt: new Date(), outcome: 'done' } : {}),
    },
  });
  return id;
}

async function escalation(
  caseId: string,
  stepRecordId: string,
  level: number,
  role: string,
  resolved = false,
) {
  await h.db.prisma.escalation.create({
    data: {
      id: randomUUID(),
      idempotencyKey: randomUUID(),
      caseId,
      step: 'screening',
      stepRecordId,
      level,
      role,
      firedAt: new Date(Date.now() - HOUR),
      ...(resolved ? { resolvedAt: new Date() } : {}),
    },
  });
}

async function notification(kind: string, status: 'sent' | 'failed') {
  await h.db.prisma.notification.create({
    data: {
      id: randomUUID(),
      kind,
      recipientEmail: 'supervisor@demo.example',
      language: 'fr',
      subject: 's',
      bodyText: 't',
      bodyHtml: 'h',
      messageId: `<${randomUUID()}@test.local>`,
      status,
    },
  });
}

describe('/metrics', () => {
  it('gives open cases per province and step, overdue steps, open escalations per rung and e-mails by status', async () => {
    const a = await insertCase(h.db.prisma); // DEMO, screening
    const b = await insertCase(h.db.prisma); // DEMO, moved on to assessment below
    const c = await insertCase(h.db.prisma, { province: 'OTHR' });
    const e = await insertCase(h.db.prisma); // DEMO, closed below
    await h.db.prisma.case.update({ where: { id: b.caseId }, data: { step: 'assessment' } });
    await h.db.prisma.case.update({ where: { id: e.caseId }, data: { step: 'closed', status: 'closed' } });

    const aScreening = await step(a.caseId, 'screening', -HOUR); // overdue
    await step(a.caseId, 'emergency', -HOUR, true); // overdue once, but done
    await step(b.caseId, 'assessment', 24 * HOUR); // not due yet
    const cScreening = await step(c.caseId, 'screening', -2 * HOUR); // overdue
    await escalation(a.caseId, aScreening, 0, 'handler');
    await escalation(a.caseId, aScreening, 1, 'supervisor');
    await escalation(c.caseId, cScreening, 1, 'supervisor', true); // resolved
    await escalation(c.caseId, cScreening, 2, 'coordinator');
    await notification('digest', 'failed');
    await notification('digest', 'sent');
    await notification('digest', 'sent');

    const lines = await scrape();
    for (const expected of [
      'cases_open{province="DEMO",step="screening"} 1', // a (e is closed)
      'cases_open{province="DEMO",step="assessment"} 1', // b
      'cases_open{province="OTHR",step="screening"} 1', // c
      'steps_overdue{province="DEMO",step="screening"} 1', // a's screening; its emergency is done
      'steps_overdue{province="OTHR",step="screening"} 1',
      'escalations_open{province="DEMO",level="0",role="handler"} 1',
      'escalations_open{province="DEMO",level="1",role="supervisor"} 1',
      'escalations_open{province="OTHR",level="2",role="coordinator"} 1', // its level 1 is resolved
      'notifications{kind="digest",status="failed"} 1',
      'notifications{kind="digest",status="sent"} 2',
    ]) {
      expect(lines).toContain(expected);
    }
    expect(lines.some((l) => l.startsWith('steps_overdue{province="DEMO",step="assessment"}'))).toBe(false);
    expect(lines.some((l) => l.startsWith('escalations_open{province="OTHR",level="1"'))).toBe(false);

    // The gauges follow the database: a's screening is done.
    await h.db.prisma.stepRecord.update({ where: { id: aScreening }, data: { completedAt: new Date() } });
    await h.db.prisma.escalation.updateMany({
      where: { stepRecordId: aScreening },
      data: { resolvedAt: new Date() },
    });
    const after = await scrape();
    expect(after.some((l) => l.startsWith('steps_overdue{province="DEMO"'))).toBe(false);
    expect(after.some((l) => l.startsWith('escalations_open{province="DEMO"'))).toBe(false);
  });

  it('counts failed activity attempts and mail that did not go, in the API and on the worker endpoint', async () => {
    const before = await scrape();
    expect(before.some((l) => l.startsWith('activity_failures_total{'))).toBe(false);
    // The next two SMTP transactions answer 451: the case-opened notice to the DEMO unit's
    // supervisor and handler fails once (one activity attempt, two messages), then goes.
    h.smtp.setFault('tempfail', 2);
    const { caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    await eventually('the case-opened notices after the retry', async () => {
      await h.env.sleep(5_000);
      const sent = await h.db.prisma.notification.count({
        where: { caseId, kind: 'caseOpened', status: 'sent' },
      });
      return sent === 2 ? sent : undefined;
    });
    const lines = await scrape();
    expect(lines).toContain(
      'activity_failures_total{activity="notifyCaseOpened",type="NotificationNotDelivered"} 1',
    );
    expect(lines).toContain('notification_delivery_failures_total{kind="caseOpened",outcome="retry"} 2');
    expect(lines).toContain('notifications{kind="caseOpened",status="sent"} 2');

    const worker = await serveWorkerMetrics(0);
    try {
      const res = await fetch(`http://127.0.0.1:${worker.port}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain(
        'activity_failures_total{activity="notifyCaseOpened",type="NotificationNotDelivered"} 1',
      );
      expect(text).not.toContain('cases_open'); // the database gauges are the API's
      // Node's own: resident memory and the heap, what a worker container is sized by.
      expect(text).toMatch(/^process_resident_memory_bytes [1-9]\d*$/m);
      expect(text).toMatch(/^nodejs_heap_size_used_bytes [1-9]\d*$/m);
    } finally {
      await worker.close();
    }
  });
});
