/**
 * The case timeline as the case page lays it out (desk/src/case/timeline.ts): the state of each
 * step, each rung's instant (planned or fired), and the next rung of an open step. Expected lines
 * written out by hand.
 */
import { timelineLines, type TimelineStep } from '../../../desk/src/case/timeline';

const screening: TimelineStep = {
  stepRecordId: 'sr-1',
  step: 'screening',
  openedAt: '2026-03-02T09:00:00.000Z',
  dueAt: '2026-03-03T09:00:00.000Z',
  completedAt: null,
  outcome: null,
  // Out of order on purpose: the page lists them by level.
  rungs: [
    {
      level: 2,
      role: 'coordinator',
      status: 'planned',
      plannedAt: '2026-03-05T09:00:00.000Z',
      firedAt: null,
    },
    {
      level: 1,
      role: 'supervisor',
      status: 'fired',
      plannedAt: '2026-03-03T09:00:00.000Z',
      firedAt: '2026-03-03T09:00:04.000Z',
    },
    { level: 3, role: 'committee', status: 'planned', plannedAt: '2026-03-09T09:00:00.000Z', firedAt: null },
  ],
};

it('lists the rungs by level, each at its fired or planned instant, and names the next one ahead', () => {
  expect(timelineLines([screening])).toEqual([
    {
      stepRecordId: 'sr-1',
      step: 'screening',
      state: 'open',
      openedAt: '2026-03-02T09:00:00.000Z',
      dueAt: '2026-03-03T09:00:00.000Z',
      completedAt: null,
      rungs: [
        { level: 1, role: 'supervisor', status: 'fired', at: '2026-03-03T09:00:04.000Z' },
        { level: 2, role: 'coordinator', status: 'planned', at: '2026-03-05T09:00:00.000Z' },
        { level: 3, role: 'committee', status: 'planned', at: '2026-03-09T09:00:00.000Z' },
      ],
      next: { level: 2, role: 'coordinator', status: 'planned', at: '2026-03-05T09:00:00.000Z' },
    },
  ]);
});

it('gives a closed step its outcome and no next rung; rungs never reached keep their planned instant', () => {
  const done = {
    ...screening,
    completedAt: '2026-03-04T10:00:00.000Z',
    outcome: 'done',
    rungs: [
      {
        level: 1,
        role: 'supervisor',
        status: 'resolved' as const,
        plannedAt: '2026-03-03T09:00:00.000Z',
        firedAt: '2026-03-03T09:00:04.000Z',
      },
      {
        level: 2,
        role: 'coordinator',
        status: 'notReached' as const,
        plannedAt: '2026-03-05T09:00:00.000Z',
        firedAt: null,
      },
    ],
  };
  const [line] = timelineLines([done]);
  expect(line?.state).toBe('done');
  expect(line?.next).toBeNull();
  expect(line?.rungs).toEqual([
    { level: 1, role: 'supervisor', status: 'resolved', at: '2026-03-03T09:00:04.000Z' },
    { level: 2, role: 'coordinator', status: 'notReached', at: '2026-03-05T09:00:00.000Z' },
  ]);
  const states = timelineLines([
    { ...done, outcome: 'cancelled' },
    { ...done, outcome: 'missed' },
    { ...screening, rungs: [] },
  ]).map((l) => [l.state, l.next]);
  expect(states).toEqual([
    ['cancelled', null],
    ['missed', null],
    ['open', null],
  ]);
});
