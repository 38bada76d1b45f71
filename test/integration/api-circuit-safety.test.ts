/**
 * The circuit's safety holes (issue 13) as the API answers them, on the real stack (time-skipping
 * Temporal server, the real worker, PostgreSQL, SMTP capture): a refused step is a 409 whose detail
 * names the step or the reason and writes nothing; a cancelled referral is shown cancelled to its
 * partner; the receiving province's supervisor reads the case it is asked to take (audited).
 */
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
const PARTNER = 'staff-demo-partner'; // focal point of partner-demo-health
const OTHR_SUPERVISOR = 'staff-othr-supervisor';
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

type Problem = { status: number; type: string; detail: string };
type CaseBody = {
  step: string;
  referrals: { referralId: string; status: string }[];
  openDeadlines: { step: string }[];
  child?: { firstName: string };
};

async function openCase(): Promise<{ caseId: string; firstName: string }> {
  const body = newChildReport();
  const res = await api.post<{ caseId: string }>('/cases', { as: HANDLER, body });
  expect(res.status).toBe(201);
  await waitForOpenStep(api, res.body.caseId, 'screening');
  return { caseId: res.body.caseId, firstName: body.child.firstName };
}

const post = <T = Record<string, unknown>>(path: string, as: string, body: unknown) =>
  api.post<T>(path, { as, body });

async function toFollowUp(caseId: string, risk = 'MEDIUM') {
  expect(
    (
      await post(`/cases/${caseId}/screening`, HANDLER, {
        risk,
        immediateNeeds: false,
        categories: ['neglect'],
      })
    ).status,
  ).toBe(200);
  expect((await post(`/cases/${caseId}/assessment`, HANDLER, { social: 'Family heard.' })).status).toBe(200);
  expect(
    (
      await post(`/cases/${caseId}/plan`, HANDLER, {
        items: [{ serviceType: 'medical', partnerId: 'partner-demo-health' }],
      })
    ).status,
  ).toBe(200);
  const approved = await post<{ case: CaseBody }>(`/cases/${caseId}/plan/approval`, SUPERVISOR, {
    decision: 'approve',
  });
  expect(approved.status).toBe(200);
  return approved.body.case;
}

describe('refused steps: 409 naming the step, nothing written', () => {
  it('item 1: a closure request over an open judicial notification is refused (409 naming the step)', async () => {
    const { caseId } = await openCase();
    const screened = await post(`/cases/${caseId}/screening`, HANDLER, {
      risk: 'MEDIUM',
      immediateNeeds: false,
      categories: ['sexualAbuse'],
    });
    expect(screened.status).toBe(200);
    const before = await settledRowCounts(api.prisma);
    const res = await post<Problem>(`/cases/${caseId}/closure`, HANDLER, { reason: 'objectivesMet' });
    expect(res.status).toBe(409);
    expect(res.body.type).toMatch(/stepRejected$/);
    expect(res.body.detail).toContain('judicialNotification');
    expect(await rowCounts(api.prisma)).toEqual(before);
    expect(await api.prisma.auditEvent.count({ where: { caseId, action: 'closure.requested' } })).toBe(0);
  });

  it('item 7: a review that changes the risk but continues is refused (409 naming the decisions), no review row', async () => {
    const { caseId } = await openCase();
    await toFollowUp(caseId);
    await waitForOpenStep(api, caseId, 'review');
    const before = await settledRowCounts(api.prisma);
    const res = await post<Problem>(`/cases/${caseId}/reviews`, HANDLER, {
      risk: 'HIGH',
      decision: 'continue',
    });
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/reassess.*revisePlan/);
    expect(await rowCounts(api.prisma)).toEqual(before);
    expect(await api.prisma.review.count({ where: { caseId } })).toBe(0);
    const ok = await post<{ case: CaseBody }>(`/cases/${caseId}/reviews`, HANDLER, {
      risk: 'HIGH',
      decision: 'reassess',
    });
    expect([ok.status, ok.body.case.step]).toEqual([200, 'assessment']);
  });

  it('item 9: a second live referral for the same service and partner is refused (409 naming the live one)', async () => {
    const { caseId } = await openCase();
    const view = await toFollowUp(caseId);
    const live = view.referrals[0]!.referralId;
    const before = await settledRowCounts(api.prisma);
    const res = await post<Problem>(`/cases/${caseId}/referrals`, HANDLER, {
      serviceType: 'medical',
      partnerId: 'partner-demo-health',
    });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain(live);
    expect(await rowCounts(api.prisma)).toEqual(before);
    // Another service for the same partner is a referral of its own.
    const other = await post<{ referralId: string }>(`/cases/${caseId}/referrals`, HANDLER, {
      serviceType: 'psychological',
      partnerId: 'partner-demo-health',
    });
    expect(other.status).toBe(201);
    expect(other.body.referralId).not.toBe(live);
  });
});

describe('cancelled referrals and transfers', () => {
  it('item 10: a referral cancelled by the closure is shown cancelled to its partner', async () => {
    const { caseId } = await openCase();
    const view = await toFollowUp(caseId, 'LOW');
    const referralId = view.referrals[0]!.referralId;
    const deadline = Date.now() + 20_000;
    while ((await api.get(`/referrals/${referralId}`, { as: PARTNER })).status !== 200) {
      if (Date.now() > deadline) throw new Error('the referral row never appeared');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await post(`/cases/${caseId}/closure`, HANDLER, { reason: 'objectivesMet' })).status).toBe(200);
    const closed = await post<{ case: CaseBody }>(`/cases/${caseId}/closure/approval`, SUPERVISOR, {
      decision: 'approve',
    });
    expect(closed.status).toBe(200);
    const shown = async () => {
      const list = await api.get<{ items: { referralId: string; status: string }[] }>(
        '/referrals?status=cancelled',
        { as: PARTNER },
      );
      return list.body.items.find((r) => r.referralId === referralId);
    };
    const end = Date.now() + 20_000;
    while ((await shown())?.status !== 'cancelled') {
      if (Date.now() > end) throw new Error('the referral was never shown cancelled');
      await new Promise((r) => setTimeout(r, 100));
    }
    const one = await api.get<{ status: string; openDeadlines: unknown[] }>(`/referrals/${referralId}`, {
      as: PARTNER,
    });
    expect([one.status, one.body.status, one.body.openDeadlines]).toEqual([200, 'cancelled', []]);
    // The partner can no longer act on it.
    const ack = await post<Problem>(`/referrals/${referralId}/acknowledgement`, PARTNER, {});
    expect(ack.status).toBe(409);
  });

  it('item 13: the receiving supervisor reads the case it is asked to take (identity read audited), then accepts', async () => {
    const { caseId, firstName } = await openCase();
    // Before any transfer, another province's supervisor does not see the case.
    expect((await api.get(`/cases/${caseId}`, { as: OTHR_SUPERVISOR })).status).toBe(404);
    expect((await post(`/cases/${caseId}/transfer`, HANDLER, { toProvince: 'OTHR' })).status).toBe(200);
    const read = await api.get<CaseBody>(`/cases/${caseId}`, { as: OTHR_SUPERVISOR });
    expect(read.status).toBe(200);
    expect(read.body.child?.firstName).toBe(firstName);
    const audit = await api.prisma.auditEvent.findMany({
      where: { caseId, actorId: OTHR_SUPERVISOR, action: 'child.identity.read' },
    });
    expect(audit).toHaveLength(1);
    // The receiving province's handlers are not asked: the case stays hidden from them.
    expect((await api.get(`/cases/${caseId}`, { as: OTHR_HANDLER })).status).toBe(404);
    // Nor may the receiving supervisor act on the case before accepting it.
    expect(
      (
        await post(`/cases/${caseId}/screening`, OTHR_SUPERVISOR, {
          risk: 'LOW',
          immediateNeeds: false,
          categories: ['neglect'],
        })
      ).status,
    ).toBe(403);
    const accepted = await post<{ case: { province: string } }>(
      `/cases/${caseId}/transfer/acceptance`,
      OTHR_SUPERVISOR,
      {
        accept: true,
      },
    );
    expect([accepted.status, accepted.body.case.province]).toEqual([200, 'OTHR']);
    expect((await api.get(`/cases/${caseId}`, { as: OTHR_HANDLER })).status).toBe(200);
    expect((await api.get(`/cases/${caseId}`, { as: HANDLER })).status).toBe(404);
  });

  it('item 13: after a refusal the receiving supervisor no longer reads the case', async () => {
    const { caseId } = await openCase();
    expect((await post(`/cases/${caseId}/transfer`, HANDLER, { toProvince: 'OTHR' })).status).toBe(200);
    expect((await api.get(`/cases/${caseId}`, { as: OTHR_SUPERVISOR })).status).toBe(200);
    expect(
      (await post(`/cases/${caseId}/transfer/acceptance`, OTHR_SUPERVISOR, { accept: false })).status,
    ).toBe(200);
    expect((await api.get(`/cases/${caseId}`, { as: OTHR_SUPERVISOR })).status).toBe(404);
    expect((await api.get(`/cases/${caseId}`, { as: HANDLER })).status).toBe(200);
  });
});
