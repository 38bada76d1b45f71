/**
 * Every deadline step's ladder on the time-skipping server with protocol v1's real durations —
 * reception: screening (urgent and normal), emergency, judicial notification, assessment per risk. Done just before the deadline: no escalation, no e-mail. Left undone: each rung at
 * its planned instant, not a minute before, exactly once, one e-mail per recipient. The table and
 * the checks are in test/support/step-ladder.ts.
 */
import { loadProtocol, RISK_LEVELS } from '../../protocol';
import { createHarness, type Harness } from '../support/harness';
import {
  doneOnTime,
  EXPECTED,
  leftUndone,
  STEP_CASES,
  stepCase,
  STEP_LADDER_FILES,
} from '../support/step-ladder';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
});
afterAll(() => h?.stop());

describe.each(STEP_LADDER_FILES.intake)('%s', (name) => {
  it('done just before the deadline: no escalation and no e-mail', async () => {
    await doneOnTime(h, stepCase(name));
  });
  it('left undone: each rung at its instant, not before, exactly once, one e-mail per recipient', async () => {
    await leftUndone(h, stepCase(name));
  });
});

it('covers every deadline step of protocol v1 (assessment at every risk, screening urgent and normal), each in one file', () => {
  const protocol = loadProtocol({ version: 1 });
  const names = Object.values(STEP_LADDER_FILES).flat();
  expect(new Set(names).size).toBe(names.length);
  expect([...names].sort()).toEqual(STEP_CASES.map((c) => c.name).sort());
  expect(Object.keys(EXPECTED).sort()).toEqual([...names].sort());
  expect([...new Set(STEP_CASES.map((c) => c.step))].sort()).toEqual(Object.keys(protocol.steps).sort());
  const assessed = STEP_CASES.filter((c) => c.step === 'assessment').map((c) => c.risk);
  expect([...assessed].sort()).toEqual([...RISK_LEVELS].sort());
  const screened = STEP_CASES.filter((c) => c.step === 'screening').map((c) => c.urgent);
  expect(screened.sort()).toEqual([false, true, true]);
});
