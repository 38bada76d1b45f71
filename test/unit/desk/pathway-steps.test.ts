/**
 * The leaving-care steps the desk offers on a pathway (desk/src/leaving-care/steps.ts): by phase,
 * by what is recorded already, by role and province. Expected offers written out by hand from
 * protocol.md §4 and the workflow's validators.
 */
import { availablePathwaySteps, type PathwayFacts } from '../../../desk/src/leaving-care/steps';

const MEDIATOR = {
  province: 'DEMO',
  actions: [
    'leavingCare.read',
    'leavingCare.mediatorAssignment',
    'leavingCare.programme',
    'leavingCare.exitPlan',
    'leavingCare.contact',
    'leavingCare.accompaniment',
    'leavingCare.outcome',
  ],
};
const pathway = (facts: Partial<PathwayFacts>): PathwayFacts => ({
  phase: 'preparation',
  province: 'DEMO',
  mediatorId: null,
  programmeAt: null,
  exitPlanAt: null,
  openDeadlines: [],
  ...facts,
});

it('offers the mediator and the length of accompaniment while waiting for the 15th birthday', () => {
  expect(availablePathwaySteps(pathway({ phase: 'waiting' }), MEDIATOR)).toEqual([
    'mediator',
    'accompaniment',
  ]);
});

it('offers the programme first in preparation, then its reviews and the exit plan once a mediator carries it', () => {
  expect(availablePathwaySteps(pathway({}), MEDIATOR)).toEqual(['mediator', 'programme', 'accompaniment']);
  const set = pathway({ programmeAt: '2026-11-02T10:00:00.000Z' });
  expect(availablePathwaySteps(set, MEDIATOR)).toEqual(['mediator', 'programmeReview', 'accompaniment']);
  const carried = { ...set, mediatorId: 'staff-demo-mediator' };
  expect(availablePathwaySteps(carried, MEDIATOR)).toEqual([
    'mediator',
    'programmeReview',
    'exitPlan',
    'accompaniment',
  ]);
  expect(availablePathwaySteps({ ...carried, exitPlanAt: '2026-11-20T10:00:00.000Z' }, MEDIATOR)).toEqual([
    'mediator',
    'programmeReview',
    'accompaniment',
  ]);
});

it('offers the monthly contact after exit, the outcome at the end, nothing once completed', () => {
  expect(availablePathwaySteps(pathway({ phase: 'accompaniment' }), MEDIATOR)).toEqual([
    'mediator',
    'accompaniment',
    'contact',
  ]);
  // A contact still due when the accompaniment ended can be recorded in the outcome phase.
  const late = pathway({ phase: 'outcome', openDeadlines: [{ step: 'mediatorContact' }] });
  expect(availablePathwaySteps(late, MEDIATOR)).toEqual(['mediator', 'contact', 'outcome']);
  expect(availablePathwaySteps(pathway({ phase: 'outcome' }), MEDIATOR)).toEqual(['mediator', 'outcome']);
  expect(availablePathwaySteps(pathway({ phase: 'completed' }), MEDIATOR)).toEqual([]);
  expect(availablePathwaySteps(pathway({ phase: 'notEnrolled' }), MEDIATOR)).toEqual([]);
});

it("offers only what the role may do, and nothing on another province's pathway", () => {
  const handler = {
    province: 'DEMO',
    actions: ['leavingCare.read', 'leavingCare.mediatorAssignment', 'leavingCare.accompaniment'],
  };
  expect(availablePathwaySteps(pathway({}), handler)).toEqual(['mediator', 'accompaniment']);
  expect(availablePathwaySteps(pathway({ province: 'OTHR' }), MEDIATOR)).toEqual([]);
});
