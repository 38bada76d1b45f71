/**
 * Issue 13 item 14: who may know a child. A handler sees the children of their own province; the
 * duplicate-child check of POST /cases must never tell them that a child is known in another
 * province, and a `childId` they could not see is refused like an unknown one. A possible match
 * across provinces goes to the coordinators of both provinces instead (IDs and references only),
 * exactly once, to decide on a transfer. Real parts: time-skipping Temporal, the worker, the API,
 * PostgreSQL, the SMTP capture.
 */
import { randomUUID } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { caseWorkflowId } from '../../workflows/case/definitions';
import { startTestApi, waitForOpenStep, type TestApi } from '../support/api';
import { createHarness, type Harness } from '../support/harness';
import { eventually } from '../support/wait';

const DEMO_HANDLER = 'staff-demo-handler';
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

type Created = { caseId: string; childId: string; reference: string; joined: boolean };
type Problem = { status: number; detail: string; childId?: string };

const CHILD = {
  firstName: 'Zineb',
  lastName: `Crossprovince${process.pid}`,
  birthDate: '2013-04-02',
  sex: 'female',
};
const REPORT = { channel: 'school', urgent: false, anonymous: true, categories: ['neglect'] };

const report = (as: string, body: Record<string, unknown>) =>
  api.post<Created & Problem>('/cases', { as, body: { report: REPORT, ...body } });

async function childMatchMails() {
  const parsed = await Promise.all(h.smtp.messages.map((m) => simpleParser(m.raw)));
  return parsed
    .filter((m) => String(m.headers.get('x-notification-kind') ?? '') === 'childMatch')
    .map((m) => ({
      to: m.to && !Array.isArray(m.to) ? m.to.text : '',
      subject: m.subject ?? '',
      text: m.text ?? '',
      messageId: m.messageId ?? '',
    }));
}

describe('the duplicate-child check across provinces', () => {
  it('item 14: a child known only in another province is never revealed; the coordinators of both provinces are told once', async () => {
    const known = await report(DEMO_HANDLER, { child: CHILD });
    expect(known.status).toBe(201);
    await waitForOpenStep(api, known.body.caseId, 'screening');

    // The same identity reported in another province: a new child and case, nothing about DEMO's.
    const elsewhere = await report(OTHR_HANDLER, { child: CHILD });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.childId).not.toBe(known.body.childId);
    expect(elsewhere.body.joined).toBe(false);
    expect(JSON.stringify(elsewhere.body)).not.toContain(known.body.childId);
    expect(JSON.stringify(elsewhere.body)).not.toContain(known.body.caseId);

    // A childId the handler may not see answers like an unknown one, and nothing is written.
    const cases = await h.db.prisma.case.count();
    for (const childId of [known.body.childId, randomUUID()]) {
      const guessed = await report(OTHR_HANDLER, { childId });
      expect([childId, guessed.status]).toEqual([childId, 404]);
      expect(guessed.body.detail).toBe(`no child ${childId}`);
    }
    expect(await h.db.prisma.case.count()).toBe(cases);
    // The handler of the child's own province still reports with it, and joins the open case.
    const again = await report(DEMO_HANDLER, { childId: known.body.childId });
    expect(again.status).toBe(200);
    expect(again.body.caseId).toBe(known.body.caseId);

    // The possible match, for the work list (IDs only), and in the audit trail.
    const alerts = await h.db.prisma.childMatchAlert.findMany({ where: { caseId: elsewhere.body.caseId } });
    expect(alerts).toEqual([
      expect.objectContaining({
        kind: 'identity',
        caseId: elsewhere.body.caseId,
        childId: elsewhere.body.childId,
        provinceCode: 'OTHR',
        knownCaseId: known.body.caseId,
        knownChildId: known.body.childId,
        knownProvinceCode: 'DEMO',
        resolvedAt: null,
      }),
    ]);
    const audit = await h.db.prisma.auditEvent.findMany({ where: { action: 'child.possibleMatch' } });
    expect(audit).toEqual([
      expect.objectContaining({
        actorType: 'system',
        caseId: null,
        entity: 'childMatchAlert',
        entityId: alerts[0]?.id,
      }),
    ]);

    // One mail to each province's coordinator, in their language, with references only.
    const mails = await eventually('the two coordinators told', async () => {
      const found = await childMatchMails();
      return found.length >= 2 ? found : undefined;
    });
    expect(mails.map((m) => m.to).sort()).toEqual(['coordinator@demo.example', 'coordinator@othr.example']);
    const demo = mails.find((m) => m.to === 'coordinator@demo.example');
    expect(demo?.subject).toBe(
      `[${known.body.reference}] Enfant peut-être signalé ailleurs : Autre province (OTHR)`,
    );
    expect(demo?.text).toContain(elsewhere.body.reference);
    for (const m of mails) {
      for (const secret of [
        CHILD.firstName,
        CHILD.lastName,
        CHILD.birthDate,
        known.body.childId,
        elsewhere.body.childId,
      ]) {
        expect(`${m.subject}\n${m.text}`).not.toContain(secret);
      }
    }
    // Exactly once: the workflow's retries and a later run write and send nothing more.
    await h.env.sleep(60 * 60_000);
    expect(await childMatchMails()).toHaveLength(2);
    expect(await h.db.prisma.notification.count({ where: { kind: 'childMatch' } })).toBe(2);
    const history = JSON.stringify(
      await h.env.client.workflow.getHandle(caseWorkflowId(elsewhere.body.caseId)).fetchHistory(),
    );
    for (const secret of [CHILD.firstName, CHILD.lastName]) expect(history).not.toContain(secret);
  });

  it('item 14: a case opened for a child with an open case in another province is flagged too', async () => {
    // A child first known in DEMO (open case), and known in OTHR through an old, closed case.
    const child = { ...CHILD, firstName: 'Nadia', birthDate: '2012-09-09' };
    const open = await report(DEMO_HANDLER, { child });
    expect(open.status).toBe(201);
    await waitForOpenStep(api, open.body.caseId, 'screening');
    const oldCaseId = randomUUID();
    await h.db.prisma.case.create({
      data: {
        id: oldCaseId,
        reference: `OTHR-OLD-${oldCaseId.slice(0, 6)}`,
        workflowId: caseWorkflowId(oldCaseId),
        childId: open.body.childId,
        provinceCode: 'OTHR',
        unitId: 'unit-othr-upe',
        step: 'closed',
        status: 'closed',
        closedAt: new Date('2025-06-01T00:00:00Z'),
        protocolVersion: 1,
      },
    });
    const reported = await report(OTHR_HANDLER, { childId: open.body.childId });
    expect(reported.status).toBe(201);
    expect(reported.body.childId).toBe(open.body.childId);
    const alerts = await h.db.prisma.childMatchAlert.findMany({ where: { caseId: reported.body.caseId } });
    expect(alerts.map((a) => [a.kind, a.knownCaseId, a.knownProvinceCode])).toEqual([
      ['sameChild', open.body.caseId, 'DEMO'],
    ]);
  });
});
