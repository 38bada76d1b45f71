/**
 * Which leaving-care steps the desk offers on a pathway now (protocol.md §4), from its phase and
 * what is already recorded, and the actions the person's role may perform. As for a case
 * (case/steps.ts), only a guide for the screen: the pathway's workflow judges and answers 409.
 * Pure: tested without a browser.
 */
export type PathwayForm =
  'mediator' | 'programme' | 'programmeReview' | 'exitPlan' | 'accompaniment' | 'contact' | 'outcome';

export const PATHWAY_FORMS: readonly PathwayForm[] = [
  'mediator',
  'programme',
  'programmeReview',
  'exitPlan',
  'accompaniment',
  'contact',
  'outcome',
];

export interface PathwayFacts {
  phase: string;
  province: string;
  mediatorId: string | null;
  programmeAt: string | null;
  exitPlanAt: string | null;
  openDeadlines: readonly { step: string }[];
}

/** The policy action each form needs (api/auth/policy.ts). */
export const PATHWAY_FORM_ACTION: Record<PathwayForm, string> = {
  mediator: 'leavingCare.mediatorAssignment',
  programme: 'leavingCare.programme',
  programmeReview: 'leavingCare.programme',
  exitPlan: 'leavingCare.exitPlan',
  accompaniment: 'leavingCare.accompaniment',
  contact: 'leavingCare.contact',
  outcome: 'leavingCare.outcome',
};

/** The phases each step is recorded in (workflows/leaving-care: its validators' requirePhase). */
const PHASES: Record<PathwayForm, readonly string[]> = {
  mediator: ['waiting', 'preparation', 'accompaniment', 'outcome'],
  programme: ['preparation'],
  programmeReview: ['preparation'],
  exitPlan: ['preparation'],
  accompaniment: ['waiting', 'preparation', 'accompaniment'],
  contact: ['accompaniment'],
  outcome: ['outcome'],
};

export function availablePathwaySteps(
  p: PathwayFacts,
  actor: { province: string; actions: readonly string[] },
): PathwayForm[] {
  if (p.province !== actor.province) return [];
  const when: Record<PathwayForm, boolean> = {
    mediator: true,
    programme: p.programmeAt === null,
    programmeReview: p.programmeAt !== null,
    // The exit plan follows the programme and needs a mediator to carry it.
    exitPlan: p.programmeAt !== null && p.exitPlanAt === null && p.mediatorId !== null,
    accompaniment: true,
    contact: true,
    outcome: true,
  };
  const contactOpen = p.openDeadlines.some((d) => d.step === 'mediatorContact');
  return PATHWAY_FORMS.filter(
    (form) =>
      when[form] &&
      (PHASES[form].includes(p.phase) || (form === 'contact' && contactOpen)) &&
      actor.actions.includes(PATHWAY_FORM_ACTION[form]),
  );
}
