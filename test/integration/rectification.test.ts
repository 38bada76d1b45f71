/**
 * Rectification of a child's identity (law 09-08) through the API, on the time-skipping server
 * with the real worker and PostgreSQL: the identity is corrected with a reason, the audit trail
 * names the fields and never a value, and a running leaving-care pathway moves with a corrected
 * date of birth — the 15th birthday a year earlier, and the workflow's own timer with it.
 */
import {
  leavingCareViewQuery,
  leavingCareWorkflowId,
  type LeavingCareView,
} from '../../workflows/leaving-care/definitions';
import { newChildReport, startTestApi, waitForOpenStep, type TestApi } from '../support/api';
import { createHarness, type Harness } from '../support/harness';
import { addMonthsToDate, birthDateAged, localMidnight, sleepUntil } from '../support/leaving-care';
import { eventually } from '../support/wait';

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

async function childBorn(birthDate: string) {
  const report = newChildReport();
  const res = await api.post<{ caseId: string; childId: string }>('/cases', {
    as: HANDLER,
    body: { ...report, child: { ...report.child, birthDate } },
  });
  expect(res.status).toBe(201);
  await waitForOpenStep(api, res.body.caseId, 'screening', HANDLER);
  return { ...res.body, report };
}

const rectify = (caseId: string, body: unknown, as = HANDLER) =>
  api.post<
    Problem & {
      changed: string[];
      child: Record<string, unknown>;
      leavingCare: Record<string, unknown> | null;
    }
  >(`/cases/${caseId}/child/rectification`, { as, body });

it("moves a running pathway's 15th birthday with a birth date corrected by a year, and its timer", async () => {
  // Twelve and a half: the pathway waits for the 15th birthday, two and a half years away.
  const born = birthDateAged(await h.env.currentTimeMs(), 12, 6);
  const { caseId, childId } = await childBorn(born);
  const enrolled = await api.post<{ pathway: LeavingCareView }>('/leaving-care', {
    as: HANDLER,
    body: { caseId },
  });
  expect(enrolled.status).toBe(201);
  expect([enrolled.body.pathway.phase, enrolled.body.pathway.milestones?.preparationAt]).toEqual([
    'waiting',
    localMidnight(addMonthsToDate(born, 15 * 12)),
  ]);

  // The birth certificate shows the child was born a year earlier.
  const corrected = addMonthsToDate(born, -12);
  const res = await rectify(caseId, {
    birthDate: corrected,
    reason: 'Birth certificate presented by the aunt.',
  });
  expect(res.status).toBe(200);
  expect(res.body.changed).toEqual(['birthDate']);
  expect(res.body.child).toMatchObject({ birthDate: corrected });
  const fifteenth = localMidnight(addMonthsToDate(corrected, 15 * 12));
  const eighteenth = localMidnight(addMonthsToDate(corrected, 18 * 12));
  expect(res.body.leavingCare).toMatchObject({
    recomputed: true,
    preparationAt: fifteenth,
    exitAt: eighteenth,
  });

  // The read model and the workflow agree on the new milestones.
  const read = await api.get<LeavingCareView>(`/leaving-care/${childId}`, { as: HANDLER });
  expect([read.body.milestones?.preparationAt, read.body.milestones?.exitAt]).toEqual([
    fifteenth,
    eighteenth,
  ]);
  const handle = api.temporal.workflow.getHandle(leavingCareWorkflowId(childId));
  const view = await handle.query(leavingCareViewQuery);
  expect([view.milestones?.preparationAt, view.milestones?.exitAt]).toEqual([fifteenth, eighteenth]);

  // The workflow wakes on the corrected birthday, a year before the first one.
  await sleepUntil(h.env, Date.parse(fifteenth) + 60_000);
  const started = await eventually('preparation on the corrected 15th birthday', async () => {
    const v = await handle.query(leavingCareViewQuery);
    return v.phase === 'preparation' ? v : undefined;
  });
  expect(started.phaseSince).toBe(fifteenth);
  expect(Date.parse(fifteenth)).toBeLessThan(Date.parse(localMidnight(addMonthsToDate(born, 15 * 12))));

  // Audited: the fields and the reason, never a date.
  const events = await api.prisma.auditEvent.findMany({
    where: { caseId, action: { in: ['child.identity.rectified', 'leavingCare.milestonesRecomputed'] } },
    orderBy: { id: 'asc' },
  });
  expect(events.map((e) => [e.action, e.actorId])).toEqual([
    ['child.identity.rectified', HANDLER],
    ['leavingCare.milestonesRecomputed', HANDLER],
  ]);
  expect(events[0]).toMatchObject({
    entity: 'child',
    entityId: childId,
    reason: 'Birth certificate presented by the aunt.',
    details: expect.objectContaining({ fields: ['birthDate'] }),
  });
  const text = JSON.stringify(events.map((e) => ({ ...e, id: String(e.id) })));
  for (const date of [born, corrected, fifteenth.slice(0, 10), eighteenth.slice(0, 10)]) {
    expect([date, text.includes(date)]).toEqual([date, false]);
  }
});

it('corrects names, sex and civil registration; names every bad field; refuses roles that may not', async () => {
  const { caseId, report } = await childBorn('2015-03-09');
  const res = await rectify(caseId, {
    firstName: 'Yasmine',
    lastName: report.child.lastName,
    sex: 'female',
    civilRegistration: 'registered',
    nationality: 'MA',
    reason: 'Registered at the civil registry on 2 March.',
  });
  expect(res.status).toBe(200);
  // The last name and the sex were already right: only what changed is named.
  expect(res.body.changed).toEqual(['firstName', 'nationality', 'civilRegistration']);
  expect(res.body.leavingCare).toBeNull();
  const file = await api.get<{ child: Record<string, unknown> }>(`/cases/${caseId}`, { as: SUPERVISOR });
  expect(file.body.child).toMatchObject({
    firstName: 'Yasmine',
    lastName: report.child.lastName,
    civilRegistration: 'registered',
    nationality: 'MA',
  });
  const event = await api.prisma.auditEvent.findFirstOrThrow({
    where: { caseId, action: 'child.identity.rectified' },
  });
  expect(JSON.stringify({ ...event, id: String(event.id) })).not.toMatch(
    new RegExp(`Yasmine|${report.child.firstName}|${report.child.lastName}`),
  );

  const empty = await rectify(caseId, { reason: 'Nothing.' });
  expect([empty.status, empty.body.errors?.map((e) => e.path)]).toEqual([400, ['body']]);
  const bad = await rectify(caseId, { birthDate: '2999-01-01', sex: 'girl', firstName: '', nickname: 'x' });
  expect([bad.status, bad.body.errors?.map((e) => e.path).sort()]).toEqual([
    400,
    ['body.birthDate', 'body.firstName', 'body.nickname', 'body.reason', 'body.sex'],
  ]);
  expect((await rectify(caseId, { sex: 'male', reason: 'x' }, 'staff-demo-coordinator')).status).toBe(403);
  expect((await rectify(caseId, { sex: 'male', reason: 'x' }, 'staff-othr-handler')).status).toBe(404);
  const unchanged = await api.get<{ child: Record<string, unknown> }>(`/cases/${caseId}`, { as: HANDLER });
  expect(unchanged.body.child).toMatchObject({ sex: 'female', birthDate: '2015-03-09' });
});
