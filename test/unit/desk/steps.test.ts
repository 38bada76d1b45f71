/**
 * The steps the desk offers on a case, from its step, open deadlines and the person's actions.
 * The action lists are the policy's (api/auth/policy.ts) for each role, written out.
 */
import { availableSteps, type CaseFacts } from '../../../desk/src/case/steps';

const HANDLER = [
  'case.report',
  'case.list',
  'case.read',
  'case.readIdentity',
  'case.screening',
  'case.emergency',
  'case.judicialNotification',
  'case.assessment',
  'case.plan',
  'case.review',
  'case.concern',
  'case.referral',
  'case.transfer',
  'case.closure',
  'case.checkBack',
  'referral.list',
  'referral.read',
];
const SUPERVISOR = [
  ...HANDLER,
  'case.planApproval',
  'case.closureApproval',
  'case.assignment',
  'case.transferAcceptance',
];
const PARTNER = [
  'referral.list',
  'referral.read',
  'referral.acknowledgement',
  'referral.decline',
  'referral.start',
  'referral.outcome',
];

const demo = (facts: Partial<CaseFacts>): CaseFacts => ({
  step: 'screening',
  status: 'open',
  province: 'DEMO',
  transferTo: null,
  openDeadlines: [],
  ...facts,
});
const forms = (c: CaseFacts, actions: string[], province = 'DEMO') =>
  availableSteps(c, { province, actions }).map((o) => (o.replaces ? `${o.form}:${o.replaces}` : o.form));

it('offers screening while a report waits, and no closure', () => {
  const c = demo({ openDeadlines: [{ step: 'screening' }] });
  expect(forms(c, HANDLER)).toEqual(['screening', 'transfer', 'concern']);
  expect(forms(c, SUPERVISOR)).toEqual(['screening', 'transfer', 'assignment', 'concern']);
});

it('offers emergency protection and the judicial notification while they are open', () => {
  const c = demo({
    step: 'assessment',
    openDeadlines: [{ step: 'emergency' }, { step: 'judicialNotification' }, { step: 'assessment' }],
  });
  expect(forms(c, HANDLER)).toEqual([
    'emergency',
    'judicialNotification',
    'assessment',
    'transfer',
    'concern',
  ]);
});

it('follows up: review, referral, closure; a new concern withholds the closure', () => {
  expect(forms(demo({ step: 'followUp', openDeadlines: [{ step: 'review' }] }), HANDLER)).toEqual([
    'review',
    'referral',
    'closure',
    'transfer',
    'concern',
  ]);
  expect(
    forms(demo({ step: 'followUp', openDeadlines: [{ step: 'screening' }, { step: 'review' }] }), HANDLER),
  ).toEqual(['screening', 'review', 'referral', 'transfer', 'concern']);
});

it('offers the re-referral of a declined referral', () => {
  const c = demo({
    step: 'followUp',
    openDeadlines: [{ step: 'referralReassignment', subjectId: 'r-1' }, { step: 'review' }],
  });
  expect(forms(c, HANDLER)).toEqual(['referral:r-1', 'review', 'closure', 'transfer', 'concern']);
});

it('leaves the approvals to the supervisor', () => {
  expect(forms(demo({ step: 'planApproval', openDeadlines: [{ step: 'planApproval' }] }), HANDLER)).toEqual([
    'closure',
    'transfer',
    'concern',
  ]);
  expect(
    forms(demo({ step: 'planApproval', openDeadlines: [{ step: 'planApproval' }] }), SUPERVISOR),
  ).toEqual(['planApproval', 'closure', 'transfer', 'assignment', 'concern']);
  expect(
    forms(demo({ step: 'closureApproval', openDeadlines: [{ step: 'closureApproval' }] }), SUPERVISOR),
  ).toEqual(['closureApproval', 'transfer', 'assignment', 'concern']);
});

it('lets only the receiving province accept a transfer, and nothing else there', () => {
  const c = demo({ step: 'followUp', transferTo: 'OTHR', openDeadlines: [{ step: 'transferAcceptance' }] });
  expect(forms(c, SUPERVISOR, 'OTHR')).toEqual(['transferAcceptance']);
  expect(forms(c, SUPERVISOR)).toEqual(['review', 'referral', 'closure', 'assignment', 'concern']);
});

it('offers nothing on a closed case but a due check-back, and nothing to a partner', () => {
  expect(
    forms(demo({ step: 'closed', status: 'closed', openDeadlines: [{ step: 'closureCheckBack' }] }), HANDLER),
  ).toEqual(['checkBack']);
  expect(forms(demo({ step: 'followUp' }), PARTNER)).toEqual([]);
});
