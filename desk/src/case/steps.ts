/**
 * Which protocol steps the desk offers on a case now, from what the API gives: the case's step,
 * its open deadlines, a pending transfer, and the actions the person's role may perform
 * (GET /session). Only a guide for the screen — the API stays the judge and answers 409 with its
 * reason when a step is out of order. Pure: tested without a browser.
 */
export type StepForm =
  | 'screening'
  | 'emergency'
  | 'judicialNotification'
  | 'assessment'
  | 'plan'
  | 'planApproval'
  | 'referral'
  | 'review'
  | 'closure'
  | 'closureApproval'
  | 'checkBack'
  | 'transfer'
  | 'transferAcceptance'
  | 'assignment'
  | 'concern';

export interface CaseFacts {
  step: string;
  status?: string;
  province: string;
  transferTo: string | null;
  openDeadlines: readonly { step: string; subjectId?: string | undefined }[];
}

export interface Offer {
  form: StepForm;
  /** A declined referral waiting to be replaced (re-referral). */
  replaces?: string;
}

/** The policy action each form needs (api/auth/policy.ts). */
export const FORM_ACTION: Record<StepForm, string> = {
  screening: 'case.screening',
  emergency: 'case.emergency',
  judicialNotification: 'case.judicialNotification',
  assessment: 'case.assessment',
  plan: 'case.plan',
  planApproval: 'case.planApproval',
  referral: 'case.referral',
  review: 'case.review',
  closure: 'case.closure',
  closureApproval: 'case.closureApproval',
  checkBack: 'case.checkBack',
  transfer: 'case.transfer',
  transferAcceptance: 'case.transferAcceptance',
  assignment: 'case.assignment',
  concern: 'case.concern',
};

/** Steps that keep a case from closing (protocol.md §3, step 8). */
const BLOCKS_CLOSURE = ['screening', 'emergency', 'judicialNotification'];

export function availableSteps(
  c: CaseFacts,
  actor: { province: string; actions: readonly string[] },
): Offer[] {
  const open = (step: string) => c.openDeadlines.filter((d) => d.step === step);
  const has = (step: string) => open(step).length > 0;
  const closed = c.step === 'closed' || (c.status !== undefined && c.status !== 'open');
  const ownProvince = c.province === actor.province;
  const offers: Offer[] = [];
  const offer = (form: StepForm, when: boolean, extra: Partial<Offer> = {}) => {
    if (when) offers.push({ form, ...extra });
  };
  // The first things to do: the deadlines that are running.
  offer('screening', has('screening'));
  offer('emergency', has('emergency'));
  offer('judicialNotification', has('judicialNotification'));
  offer('assessment', c.step === 'assessment');
  offer('plan', c.step === 'planDraft');
  offer('planApproval', c.step === 'planApproval');
  for (const d of open('referralReassignment')) {
    if (d.subjectId) offers.push({ form: 'referral', replaces: d.subjectId });
  }
  offer('review', c.step === 'followUp');
  offer('referral', c.step === 'followUp' && !has('referralReassignment'));
  offer('closureApproval', c.step === 'closureApproval');
  offer('checkBack', has('closureCheckBack'));
  offer(
    'closure',
    ['assessment', 'planDraft', 'planApproval', 'followUp'].includes(c.step) && !BLOCKS_CLOSURE.some(has),
  );
  offer('transferAcceptance', c.transferTo !== null && c.transferTo === actor.province);
  offer('transfer', !closed && c.transferTo === null && ownProvince);
  offer('assignment', !closed && ownProvince);
  offer('concern', !closed && ownProvince);
  return offers.filter((o) => {
    const action = FORM_ACTION[o.form];
    if (!actor.actions.includes(action)) return false;
    // Only the receiving province accepts a transfer; everything else is done where the case is.
    return o.form === 'transferAcceptance' || ownProvince;
  });
}
