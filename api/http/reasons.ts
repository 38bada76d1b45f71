/**
 * Stable, machine-readable codes for the reasons the API gives in words, so a client can say them
 * in the person's language (the desk does, in Arabic and French) and fall back to the English
 * `detail` for a reason it does not know:
 *
 *   { "type": ".../stepRejected", "detail": "the case is at step 'planApproval'; this action needs
 *     step 'assessment'", "code": "case.wrongStep",
 *     "params": { "step": "planApproval", "expected": ["assessment"] } }
 *
 * The workflows (the judges of every step) and the routes keep writing their reasons as English
 * text; this table names each reason's form once. A `{name}` slot captures one value, `{name:codes}`
 * the quoted codes of a list (`'a' or 'b'`), `{name:list}` a comma-separated list. Params are
 * codes, identifiers, numbers and instants, never child data (reasons carry none). A test reads
 * every `reject(…)` of the workflows and fails when one has no form here.
 */

export type ReasonParams = Record<string, string | number | string[]>;
export interface Reason {
  code: string;
  params: ReasonParams;
}

interface Form {
  code: string;
  template: string;
}

/** Step rejections (409 stepRejected), conflicts (409) and refusals said in words. */
export const REASON_FORMS: readonly Form[] = [
  // --- the case (workflows/case) ----------------------------------------------------------------
  {
    code: 'case.wrongStep',
    template: "the case is at step '{step}'; this action needs step {expected:codes}",
  },
  { code: 'case.closed', template: 'the case is closed' },
  { code: 'case.closedReportNew', template: 'the case is closed: report with POST /cases' },
  { code: 'case.noScreening', template: 'there is no report waiting to be screened' },
  { code: 'case.unknownRisk', template: "unknown risk level '{risk}'" },
  { code: 'case.unknownRisk', template: "risk: unknown risk level '{risk}'" },
  { code: 'case.noEmergency', template: 'no emergency protection is pending for this case' },
  { code: 'case.measuresRequired', template: 'measures: at least one emergency measure is required' },
  { code: 'case.noJudicialNotification', template: 'no judicial notification is pending for this case' },
  { code: 'case.planEmpty', template: 'items: a plan needs at least one service' },
  { code: 'case.unknownService', template: "items: unknown service type '{service}'" },
  { code: 'case.unknownService', template: "serviceType: unknown service type '{service}'" },
  { code: 'case.notAwaitingReReferral', template: 'referral {referral} is not waiting to be re-referred' },
  {
    code: 'case.oneLiveReferral',
    template: 'referral {referral} for {item} is still {status}: one live referral at a time',
  },
  { code: 'case.transferPending', template: 'a transfer to {province} is already pending' },
  { code: 'case.sameProvince', template: 'toProvince: the case is already in this province' },
  { code: 'case.noTransfer', template: 'no transfer is pending for this case' },
  { code: 'case.unknownClosureReason', template: "reason: unknown closure reason '{reason}'" },
  {
    code: 'case.closureNotFromStep',
    template: "reason: a case at step '{step}' cannot be closed as '{reason}' (only from {expected:codes})",
  },
  {
    code: 'case.safeguardingOpen',
    template: 'the {step} step is still open (due {dueAt}): a case is not closed before it is done',
  },
  { code: 'case.closurePending', template: 'a closure request is already waiting for the supervisor' },
  { code: 'case.noCheckBack', template: 'no check-back is due for this case' },
  {
    code: 'case.riskChangeNeedsDecision',
    template:
      "decision: the risk changes ({from} → {to}), so the case goes back to assessment or plan revision: decide 'reassess' or 'revisePlan', not 'continue'",
  },
  // --- referrals (workflows/referral) -----------------------------------------------------------
  {
    code: 'referral.wrongStatus',
    template: "the referral is '{status}'; this action needs {expected:codes}",
  },
  { code: 'referral.declineReason', template: 'reason: a decline needs a reason' },
  // --- leaving care (workflows/leaving-care, activities/leaving-care, api/leaving-care) ----------
  {
    code: 'pathway.wrongPhase',
    template: "the pathway is in phase '{phase}'; this action needs {expected:codes}",
  },
  {
    code: 'pathway.contactOutsideAccompaniment',
    template: "the pathway is in phase '{phase}'; contacts are recorded during accompaniment, after exit",
  },
  { code: 'pathway.ended', template: 'the pathway is {phase}: nothing more can be recorded' },
  { code: 'pathway.notEnrolled', template: 'the child is not enrolled' },
  { code: 'pathway.notEnrolled', template: 'the child is not enrolled in leaving care' },
  { code: 'pathway.mediatorRequired', template: 'mediatorId: required' },
  {
    code: 'pathway.mediatorFirst',
    template: 'mediatorId: assign a mediator before recording the exit plan',
  },
  {
    code: 'pathway.notMediator',
    template: 'mediatorId: {mediator} is not an active mediator of province {province}',
  },
  { code: 'pathway.programmeSet', template: 'the programme is already set; record a review instead' },
  {
    code: 'pathway.programmeNotSet',
    template: 'the programme is not set yet: record the autonomy assessment first',
  },
  { code: 'pathway.objectivesMissing', template: 'axes: no objective recorded yet for {axes:list}' },
  { code: 'pathway.exitPlanRecorded', template: 'the exit plan is already recorded' },
  { code: 'pathway.months', template: 'months: expected a whole number from 1 to {max}' },
  { code: 'pathway.months', template: 'accompanimentMonths: expected a whole number from 1 to {max}' },
  { code: 'pathway.monthsBegun', template: 'months: {months} months of accompaniment have already begun' },
  { code: 'pathway.unknownCode', template: "{field}: unknown code '{value}' (expected {expected:list})" },
  { code: 'pathway.givenTwice', template: "{field}: '{value}' is given twice" },
  {
    code: 'pathway.unknownValue',
    template: "{field}: '{item}' has unknown value '{value}' (expected {expected:list})",
  },
  { code: 'pathway.missing', template: '{field}: missing {missing:list}' },
  // --- the organisation (api/organisation) -------------------------------------------------------
  { code: 'staff.selfDeactivation', template: 'you cannot deactivate yourself: ask another administrator' },
  { code: 'staff.emailTaken', template: 'this e-mail address is already that of staff member {staff}' },
  {
    code: 'staff.nationalAdminOnly',
    template: 'only a national administrator may appoint or change a national administrator',
  },
  { code: 'unit.exists', template: 'a unit {id} exists' },
  { code: 'staff.exists', template: 'a staff member {id} exists' },
  { code: 'partner.exists', template: 'a partner {id} exists' },
  {
    code: 'unit.notEmpty',
    template:
      'unit {unit} still has {staff} active staff member(s) and {cases} open case(s): move them first',
  },
  // --- the API ----------------------------------------------------------------------------------
  { code: 'workflow.gone', template: 'the workflow of this case or referral is no longer running' },
];

/** Field errors (errors[].message) that are not zod's own: refinements and database checks. */
export const FIELD_FORMS: readonly Form[] = [
  { code: 'future', template: 'must not be in the future' },
  { code: 'before1900', template: 'must not be before 1900' },
  { code: 'before1900', template: 'must not be before 1900-01-01' },
  { code: 'controlCharacters', template: 'must not contain control characters' },
  { code: 'invalidText', template: 'must be valid Unicode text (unpaired surrogate)' },
  { code: 'singleLine', template: 'must be a single line' },
  { code: 'repeatedCategory', template: 'must not repeat a category' },
  { code: 'anonymousReporter', template: 'an anonymous report has no reporter name or contact' },
  {
    code: 'childOrChildId',
    template: 'give either childId (a known child) or child (an identity), not both',
  },
  { code: 'assessmentEmpty', template: 'describe at least one of {sections:list}' },
  { code: 'givenTwice', template: 'given twice' },
  { code: 'missingEntries', template: 'missing {missing:list}' },
  { code: 'caseOrChild', template: 'give caseId, childId or both' },
  { code: 'date', template: 'expected an existing date YYYY-MM-DD' },
  { code: 'cursor', template: 'not a cursor returned by this API' },
  { code: 'unknownPartner', template: 'unknown partner' },
  { code: 'unknownProvince', template: 'unknown province' },
  { code: 'noUnit', template: 'this province has no child-protection unit' },
  { code: 'unknownChild', template: 'no child with this id' },
  { code: 'unknownStaff', template: 'no active staff member with this id' },
  { code: 'otherProvinceStaff', template: "must be a staff member of the case's province" },
  { code: 'assigneeRole', template: 'cases are assigned to a handler or a supervisor' },
  { code: 'unknownMediator', template: 'no active mediator with this id' },
  { code: 'otherProvinceMediator', template: "must be a mediator of the pathway's province" },
  { code: 'caseOfOtherChild', template: 'case {case} is not about this child' },
  { code: 'notBefore', template: 'must not be before {other}' },
];

interface Compiled {
  code: string;
  pattern: RegExp;
  slots: { name: string; kind: 'one' | 'codes' | 'list' }[];
}

const SLOT = /\{(\w+)(?::(codes|list))?\}/g;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function compile(form: Form): Compiled {
  const slots: Compiled['slots'] = [];
  let source = '';
  let last = 0;
  for (const m of form.template.matchAll(SLOT)) {
    source += escape(form.template.slice(last, m.index));
    slots.push({ name: m[1] ?? '', kind: (m[2] as 'codes' | 'list' | undefined) ?? 'one' });
    source += '(.+?)';
    last = (m.index ?? 0) + m[0].length;
  }
  source += escape(form.template.slice(last));
  return { code: form.code, pattern: new RegExp(`^${source}$`, 's'), slots };
}

function matcher(forms: readonly Form[]): (text: string) => Reason | undefined {
  const compiled = forms.map(compile);
  return (text) => {
    for (const c of compiled) {
      const m = c.pattern.exec(text);
      if (!m) continue;
      const params: ReasonParams = {};
      c.slots.forEach((slot, i) => {
        const value = m[i + 1] ?? '';
        params[slot.name] =
          slot.kind === 'codes'
            ? [...value.matchAll(/'([^']*)'/g)].map((q) => q[1] ?? '')
            : slot.kind === 'list'
              ? value.split(/,\s*/)
              : value;
      });
      return { code: c.code, params };
    }
    return undefined;
  };
}

/** The code of a reason given in words (a 409's detail), if it is one of the known forms. */
export const reasonOf = matcher(REASON_FORMS);
/** The code of a field error's message that zod did not make itself. */
export const fieldReasonOf = matcher(FIELD_FORMS);
