/** The work list's counts kept per person (api/work/counts.ts): the TTL, the person's facts, forget. */
import type { Actor } from '../../api/auth/policy';
import { workCounts } from '../../api/work/counts';

const handler: Actor = { id: 'h1', role: 'handler', province: 'DEMO', unitId: 'u1', partnerId: null };
const counts = [{ kind: 'unassignedStep' as const, total: 9800, overdue: 402 }];

it('gives the counts back until the TTL has passed', () => {
  const kept = workCounts(5_000);
  kept.set(handler, counts, 1_000);
  expect(kept.get(handler, 1_000)).toEqual({ counts, countedAt: 1_000 });
  expect(kept.get(handler, 5_999)?.countedAt).toBe(1_000);
  expect(kept.get(handler, 6_000)).toBeUndefined();
});

it("keeps them only while the person's role, province, unit and partner are the same", () => {
  const kept = workCounts(5_000);
  kept.set(handler, counts, 1_000);
  expect(kept.get({ ...handler, unitId: 'u2' }, 1_500)).toBeUndefined();
  expect(kept.get({ ...handler, role: 'supervisor' }, 1_500)).toBeUndefined();
  expect(kept.get({ ...handler, id: 'h2' }, 1_500)).toBeUndefined();
  expect(kept.get(handler, 1_500)?.countedAt).toBe(1_000);
});

it("forgets a person's counts after their own change, and keeps none with a TTL of 0", () => {
  const kept = workCounts(5_000);
  kept.set(handler, counts, 1_000);
  kept.forget('h1');
  expect(kept.get(handler, 1_001)).toBeUndefined();
  const none = workCounts(0);
  none.set(handler, counts, 1_000);
  expect(none.get(handler, 1_000)).toBeUndefined();
});
