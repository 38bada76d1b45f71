/**
 * Recorded histories (test/histories/*.json, made by `npm run histories:record`) replay against the
 * current workflow code. A change that would make a running case non-deterministic — a command
 * added, removed or reordered without `patched()` — fails here before it reaches a worker.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../support/workflow-bundle';

const DIR = path.resolve(__dirname, '..', 'histories');
const fixtures = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('replay of recorded histories', () => {
  it('has the recorded scenarios', () => {
    expect(fixtures).toEqual(
      expect.arrayContaining([
        'case-full-circuit.json',
        'case-escalated-screening.json',
        'case-declined-referral.json',
        'case-continued-as-new.json',
        'referral-completed.json',
        'referral-declined.json',
        'case-closure-withdrawn.json',
        'case-plan-revised.json',
        'referral-cancelled-by-revision.json',
        'referral-cancelled-by-closure.json',
        'case-transfer-with-referrals.json',
        'referral-transferred.json',
      ]),
    );
  });

  it.each(fixtures)('%s replays without non-determinism', async (file) => {
    const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')));
    expect(history.events?.length).toBeGreaterThan(10);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file);
  });
});
