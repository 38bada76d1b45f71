// The protocol as data: a versioned, validated description of the circuit's deadlines, escalation
// ladders and code lists (protocol.md §3–§5). Workflow code reads these values and never hard-codes
// a deadline, a risk level or a category. Pure: no Node APIs.

import { z } from 'zod';
import { isTimeZone, LocalDateSchema, onlyIfValid } from './local-time';

// ---- code lists fixed by the engine (changing them needs code) ------------------------------------

export const RISK_LEVELS = ['IMMEDIATE', 'HIGH', 'MEDIUM', 'LOW'] as const;
export const RiskLevelSchema = z.enum(RISK_LEVELS);
export type RiskLevel = z.infer<typeof RiskLevelSchema>;

export const ROLES = ['handler', 'supervisor', 'coordinator', 'committee', 'partner', 'mediator'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const PARTNER_TYPES = [
  'health',
  'prosecutor',
  'police',
  'school',
  'civilRegistry',
  'careInstitution',
  'association',
  'mobileUnit',
] as const;
export const PartnerTypeSchema = z.enum(PARTNER_TYPES);
export type PartnerType = z.infer<typeof PartnerTypeSchema>;

export const STEP_CODES = [
  'screening',
  'emergency',
  'judicialNotification',
  'assessment',
  'planDraft',
  'planApproval',
  'referralAcknowledgement',
  'referralReassignment',
  'serviceStart',
  'review',
  'closureApproval',
  'transferAcceptance',
  'closureCheckBack',
] as const;
export type StepCode = (typeof STEP_CODES)[number];

// ---- durations -----------------------------------------------------------------------------------

export const DURATION_UNITS = ['minutes', 'hours', 'workingDays', 'days', 'months'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

function count(min: 0 | 1) {
  const error = min === 1 ? 'expected a positive integer' : 'expected a non-negative integer';
  return z.number({ error }).int({ error }).min(min, { error });
}

// A union of one-key strict objects: `{ workingDays: 3 }`, never `{ unit, value }`, so the JSON reads
// like the protocol text.
function durationSchema(min: 0 | 1) {
  const n = count(min);
  return z.union(
    [
      z.strictObject({ minutes: n }),
      z.strictObject({ hours: n }),
      z.strictObject({ workingDays: n }),
      z.strictObject({ days: n }),
      z.strictObject({ months: n }),
    ],
    { error: 'expected exactly one of {minutes}, {hours}, {workingDays}, {days}, {months}' },
  );
}

/**
 * A positive span: `{ minutes }` exact clock minutes (for call-back targets shorter than an hour,
 * and test protocols whose deadlines must fall within a test run), `{ hours }` exact clock hours, `{ workingDays }`, `{ days }` calendar days, `{ months }`. */
export const DurationSchema = durationSchema(1);
export type Duration = z.infer<typeof DurationSchema>;

/** Like Duration but 0 is allowed: a ladder rung's offset from the deadline (`{ hours: 0 }` = at it). */
export const OffsetSchema = durationSchema(0);
export type Offset = z.infer<typeof OffsetSchema>;

export function durationUnit(d: Duration | Offset): DurationUnit {
  if ('minutes' in d) return 'minutes';
  if ('hours' in d) return 'hours';
  if ('workingDays' in d) return 'workingDays';
  if ('days' in d) return 'days';
  return 'months';
}

export function durationAmount(d: Duration | Offset): number {
  if ('minutes' in d) return d.minutes;
  if ('hours' in d) return d.hours;
  if ('workingDays' in d) return d.workingDays;
  if ('days' in d) return d.days;
  return d.months;
}

/** '3 working days', '24 hours' — for messages and the UI. */
export function describeDuration(d: Duration | Offset): string {
  const n = durationAmount(d);
  const unit = { minutes: 'minute', hours: 'hour', workingDays: 'working day', days: 'day', months: 'month' }[
    durationUnit(d)
  ];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

// ---- deadline rules ------------------------------------------------------------------------------

export const ByRiskRuleSchema = z.strictObject({
  byRisk: z.strictObject({
    IMMEDIATE: DurationSchema.optional(),
    HIGH: DurationSchema.optional(),
    MEDIUM: DurationSchema.optional(),
    LOW: DurationSchema.optional(),
  }),
});
export type ByRiskRule = z.infer<typeof ByRiskRuleSchema>;

/** Screening: one span if the report is flagged urgent, another otherwise. */
export const UrgencyRuleSchema = z.strictObject({ urgent: DurationSchema, normal: DurationSchema });
export type UrgencyRule = z.infer<typeof UrgencyRuleSchema>;

/** Service start: the span is the referred service's `startWithin`. */
export const PerServiceRuleSchema = z.strictObject({ perService: z.literal(true) });
export type PerServiceRule = z.infer<typeof PerServiceRuleSchema>;

export const DeadlineRuleSchema = z.union(
  [DurationSchema, ByRiskRuleSchema, UrgencyRuleSchema, PerServiceRuleSchema],
  { error: 'expected a duration, {byRisk}, {urgent, normal} or {perService: true}' },
);
export type DeadlineRule = z.infer<typeof DeadlineRuleSchema>;

// ---- escalation ladders --------------------------------------------------------------------------

const CodeSchema = z
  .string({ error: 'expected a camelCase code' })
  .regex(/^[a-z][A-Za-z0-9]*$/, { error: 'expected a camelCase code' });

export const RungSchema = z.strictObject({
  /** 0 = reminder to the person doing the step; 1 supervisor tier, 2 coordinator tier, 3 committee tier. */
  level: z.number().int().min(0).max(3),
  role: RoleSchema,
  /**
   * Others told at the same rung, each in their own words: the handler whose referral a partner
   * has not answered is reminded with the partner. Each role falls through on its own.
   */
  alsoTell: z.array(RoleSchema).min(1).optional(),
  /** Offset from the deadline, in the calendar rules of its unit. */
  after: OffsetSchema,
});
export type Rung = z.infer<typeof RungSchema>;

export const LadderSchema = z.strictObject({ rungs: z.array(RungSchema).min(1) });
export type Ladder = z.infer<typeof LadderSchema>;

// ---- steps ---------------------------------------------------------------------------------------

export const StepRuleSchema = z.strictObject({
  deadline: DeadlineRuleSchema,
  /** Name of an entry of `ladders`. */
  ladder: CodeSchema,
  /** What starts the clock (documentation for people; the workflow supplies the instant). */
  from: z.string().min(1),
  /** Risk levels the step applies to (default: all). A byRisk deadline must cover each of them. */
  forRisk: z.array(RiskLevelSchema).min(1).optional(),
  /** Switch for optional steps (default: enabled). */
  enabled: z.boolean().optional(),
});
export type StepRule = z.infer<typeof StepRuleSchema>;

export const StepsSchema = z.strictObject({
  screening: StepRuleSchema,
  emergency: StepRuleSchema,
  judicialNotification: StepRuleSchema,
  assessment: StepRuleSchema,
  planDraft: StepRuleSchema,
  planApproval: StepRuleSchema,
  referralAcknowledgement: StepRuleSchema,
  referralReassignment: StepRuleSchema,
  serviceStart: StepRuleSchema,
  review: StepRuleSchema,
  closureApproval: StepRuleSchema,
  transferAcceptance: StepRuleSchema,
  closureCheckBack: StepRuleSchema.extend({
    forRisk: z.array(RiskLevelSchema).min(1),
    enabled: z.boolean(),
  }),
});
export type Steps = z.infer<typeof StepsSchema>;

// ---- closure (protocol.md §3 step 8) -----------------------------------------------------------

/** The steps of the circuit a case can be at when its closure is requested. */
export const CLOSABLE_STEPS = ['screening', 'assessment', 'planDraft', 'planApproval', 'followUp'] as const;
export type ClosableStep = (typeof CLOSABLE_STEPS)[number];

export const ClosureReasonRuleSchema = z.strictObject({
  /** Where in the circuit the case may be when this closure is requested. */
  fromSteps: z.array(z.enum(CLOSABLE_STEPS)).min(1),
  /**
   * Open steps of `closure.blockedBy` this reason may close over: a screening cannot be done for
   * a child who is untraceable or has died. Default: none.
   */
  notBlockedBy: z.array(z.enum(STEP_CODES)).optional(),
  /** Whether the check-back (`steps.closureCheckBack`) follows: the child is still reachable. */
  checkBack: z.boolean().optional(),
});
export type ClosureReasonRule = z.infer<typeof ClosureReasonRuleSchema>;

export const ClosureSchema = z.strictObject({
  /** Safeguarding steps that must be done before a case closes (a new concern withdraws a closure). */
  blockedBy: z.array(z.enum(STEP_CODES)),
  /** One rule per closure reason (every code of `closureReasons`). */
  reasons: z.record(CodeSchema, ClosureReasonRuleSchema),
});
export type Closure = z.infer<typeof ClosureSchema>;

// ---- services, emergency, leaving care ---------------------------------------------------------

export const ServiceSchema = z.strictObject({
  /** Counted from the referral being sent, not from its acknowledgement. */
  startWithin: DurationSchema,
  partnerType: PartnerTypeSchema,
});
export type Service = z.infer<typeof ServiceSchema>;

export const EmergencyRuleSchema = z.strictObject({
  /** Risk levels that always go through emergency protection. */
  risks: z.array(RiskLevelSchema).min(1),
  /** Risk levels that do when screening notes immediate needs (v1: HIGH). */
  withImmediateNeeds: z.array(RiskLevelSchema),
});
export type EmergencyRule = z.infer<typeof EmergencyRuleSchema>;

export const LeavingCareSchema = z.strictObject({
  startAge: z.number().int().min(0).max(17),
  assessmentWithin: DurationSchema,
  reviewEvery: DurationSchema,
  exitPlanBefore18: DurationSchema,
  exitAge: z.number().int().min(1).max(25),
  contactEvery: DurationSchema,
  accompanimentMonths: count(1),
  accompanimentMaxMonths: count(1),
  axes: z.array(CodeSchema).min(1),
  /** Status of a programme axis or an exit-plan item, set at the assessment and at each review. */
  progressStatuses: z.array(CodeSchema).min(1),
  /** What the exit plan must cover (housing, income or training, documents, health coverage). */
  exitPlanItems: z.array(CodeSchema).min(1),
  /** Time to record the outcome once accompaniment has ended. */
  outcomeWithin: DurationSchema,
  /** Outcome recorded per axis at the end of accompaniment. */
  outcomes: z.array(CodeSchema).min(1),
  /** Closure reasons that hand a protection case over to the pathway (v1: turned18). */
  handOverOnClosure: z.array(CodeSchema),
  ladder: CodeSchema,
});
export type LeavingCare = z.infer<typeof LeavingCareSchema>;

// ---- the whole definition ------------------------------------------------------------------------

const ProtocolShape = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: 'expected a kebab-case id' }),
  version: count(1),
  timezone: z.string().min(1),
  effectiveFrom: LocalDateSchema,
  categories: z.array(CodeSchema).min(1),
  /** Categories that make a judicial notification mandatory on their own. */
  judicialNotificationCategories: z.array(CodeSchema),
  /** Categories that make it mandatory when screening records an injury ("violence with injury"). */
  judicialNotificationIfInjured: z.array(CodeSchema),
  emergency: EmergencyRuleSchema,
  channels: z.array(CodeSchema).min(1),
  closureReasons: z.array(CodeSchema).min(1),
  closure: ClosureSchema,
  ladders: z.record(CodeSchema, LadderSchema),
  steps: StepsSchema,
  services: z.record(CodeSchema, ServiceSchema),
  leavingCare: LeavingCareSchema,
});

type Shape = z.infer<typeof ProtocolShape>;
type Ctx = z.RefinementCtx<Shape>;

function issue(ctx: Ctx, path: PropertyKey[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

function checkUnique(ctx: Ctx, path: PropertyKey[], values: readonly string[]): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) issue(ctx, [...path, i], 'duplicate entry');
    seen.add(v);
  });
}

function checkSubset(
  ctx: Ctx,
  path: PropertyKey[],
  values: readonly string[],
  known: readonly string[],
  what: string,
): void {
  values.forEach((v, i) => {
    if (!known.includes(v)) issue(ctx, [...path, i], `not one of the protocol's ${what}`);
  });
}

function crossReferences(p: Shape, ctx: Ctx): void {
  if (!isTimeZone(p.timezone)) issue(ctx, ['timezone'], 'expected an IANA time zone known to the runtime');

  checkUnique(ctx, ['categories'], p.categories);
  checkUnique(ctx, ['channels'], p.channels);
  checkUnique(ctx, ['closureReasons'], p.closureReasons);
  checkSubset(
    ctx,
    ['judicialNotificationCategories'],
    p.judicialNotificationCategories,
    p.categories,
    'categories',
  );
  checkSubset(
    ctx,
    ['judicialNotificationIfInjured'],
    p.judicialNotificationIfInjured,
    p.categories,
    'categories',
  );

  for (const reason of p.closureReasons) {
    if (!Object.prototype.hasOwnProperty.call(p.closure.reasons, reason)) {
      issue(ctx, ['closure', 'reasons', reason], 'expected a rule for every closure reason');
    }
  }
  for (const [reason, rule] of Object.entries(p.closure.reasons)) {
    if (!p.closureReasons.includes(reason)) {
      issue(ctx, ['closure', 'reasons', reason], "not one of the protocol's closureReasons");
    }
    checkUnique(ctx, ['closure', 'reasons', reason, 'fromSteps'], rule.fromSteps);
    checkSubset(
      ctx,
      ['closure', 'reasons', reason, 'notBlockedBy'],
      rule.notBlockedBy ?? [],
      p.closure.blockedBy,
      'closure.blockedBy steps',
    );
  }
  checkUnique(ctx, ['closure', 'blockedBy'], p.closure.blockedBy);

  const ladderNames = Object.keys(p.ladders);
  const unknownLadder = `expected the name of a ladder (${ladderNames.join(', ')})`;

  for (const [name, ladder] of Object.entries(p.ladders)) {
    ladder.rungs.forEach((rung, i) => {
      const prev = ladder.rungs[i - 1];
      if (prev && rung.level <= prev.level) {
        issue(ctx, ['ladders', name, 'rungs', i, 'level'], 'expected levels in strictly increasing order');
      }
      if (rung.alsoTell) {
        checkUnique(ctx, ['ladders', name, 'rungs', i, 'alsoTell'], rung.alsoTell);
        rung.alsoTell.forEach((role, j) => {
          if (role === rung.role) {
            issue(
              ctx,
              ['ladders', name, 'rungs', i, 'alsoTell', j],
              "expected another role than the rung's own",
            );
          }
        });
      }
    });
  }

  for (const code of STEP_CODES) {
    const step = p.steps[code];
    if (!ladderNames.includes(step.ladder)) issue(ctx, ['steps', code, 'ladder'], unknownLadder);
    const rule = step.deadline;
    if ('byRisk' in rule) {
      for (const risk of step.forRisk ?? RISK_LEVELS) {
        if (!rule.byRisk[risk]) {
          issue(
            ctx,
            ['steps', code, 'deadline', 'byRisk', risk],
            `expected a duration: the step applies to ${risk}`,
          );
        }
      }
    }
    if ('perService' in rule && Object.keys(p.services).length === 0) {
      issue(ctx, ['services'], `expected at least one service: steps.${code} takes its deadline from them`);
    }
  }

  const lc = p.leavingCare;
  if (!ladderNames.includes(lc.ladder)) issue(ctx, ['leavingCare', 'ladder'], unknownLadder);
  if (lc.exitAge <= lc.startAge) issue(ctx, ['leavingCare', 'exitAge'], 'expected an age above startAge');
  if (lc.accompanimentMonths > lc.accompanimentMaxMonths) {
    issue(ctx, ['leavingCare', 'accompanimentMonths'], 'expected at most accompanimentMaxMonths');
  }
  checkUnique(ctx, ['leavingCare', 'axes'], lc.axes);
  checkUnique(ctx, ['leavingCare', 'progressStatuses'], lc.progressStatuses);
  checkUnique(ctx, ['leavingCare', 'exitPlanItems'], lc.exitPlanItems);
  checkUnique(ctx, ['leavingCare', 'outcomes'], lc.outcomes);
  checkSubset(
    ctx,
    ['leavingCare', 'handOverOnClosure'],
    lc.handOverOnClosure,
    p.closureReasons,
    'closureReasons',
  );
  if ('workingDays' in lc.exitPlanBefore18) {
    // Counted backwards from the 18th birthday; working days backwards are not defined.
    issue(ctx, ['leavingCare', 'exitPlanBefore18'], 'expected {months}, {days} or {hours}');
  }
}

export const ProtocolDefinitionSchema = ProtocolShape.superRefine(crossReferences, onlyIfValid);
export type ProtocolDefinition = z.infer<typeof ProtocolDefinitionSchema>;
