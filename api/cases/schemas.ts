/**
 * Request and response shapes of the case routes, in the protocol's words. Codes (categories,
 * channels, services, closure reasons) come from the protocol definition, so a new protocol
 * version changes what the API accepts without a code change.
 */
import { loadProtocol, RISK_LEVELS } from '../../protocol';
import type {
  CaseStep as WorkflowCaseStep,
  CaseView as WorkflowCaseView,
} from '../../workflows/case/definitions';
import { z } from '../openapi/zod';
import { isCursor } from './cursor';

const protocol = loadProtocol();
const codes = (values: readonly string[]) => values as [string, ...string[]];

export const RiskLevel = z.enum(RISK_LEVELS).openapi('RiskLevel');
/**
 * Not yet screened (or unchanged): null. Its own inline schema: the registered RiskLevel stays
 * non-nullable for inputs, and a nullable $ref would not accept null in JSON Schema validators.
 */
const RiskOrNone = z.enum(RISK_LEVELS).nullable();
export const Category = z.enum(codes(protocol.categories)).openapi('Category');
export const Channel = z.enum(codes(protocol.channels)).openapi('Channel');
export const ServiceType = z.enum(codes(Object.keys(protocol.services))).openapi('ServiceType');
export const ClosureReason = z.enum(codes(protocol.closureReasons)).openapi('ClosureReason');
export const CASE_STEPS = [
  'screening',
  'assessment',
  'planDraft',
  'planApproval',
  'followUp',
  'closureApproval',
  'closed',
] as const satisfies readonly WorkflowCaseStep[];
export const CaseStep = z.enum(CASE_STEPS).openapi('CaseStep');
export const CaseStatus = z.enum(['open', 'closed', 'transferred']).openapi('CaseStatus');

export const ProvinceCode = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, 'must be a province code (letters, digits, - or _)')
  .openapi({ example: 'DEMO' });
/** Identifiers of the organisation (staff, partners): letters, digits and `._:@-`. */
const OrgId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'must be an identifier (letters, digits, . _ : @ -)');
export const StaffId = OrgId.openapi({ example: 'staff-demo-handler' });
export const PartnerId = OrgId.openapi({ example: 'partner-demo-health' });
// What text fields refuse (messages never quote the value): control characters (NUL cannot even be
// stored by PostgreSQL; a CR/LF in a name is a header-injection tool), unpaired surrogates (not
// Unicode text), and in one-line fields the bidirectional embeddings, overrides and isolates
// (U+202A–U+202E, U+2066–U+2069) that make a name display in another order than it is stored.
// Marks (U+200E, U+200F, U+061C) and combining characters are ordinary text. Text is stored in NFC,
// so the same name typed on two keyboards is the same name.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LINE_BREAK = /[\r\n\u2028\u2029]/;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const unicodeText = (schema: z.ZodString) =>
  schema
    .refine((v) => !LONE_SURROGATE.test(v), 'must be valid Unicode text (unpaired surrogate)')
    .refine((v) => !CONTROL.test(v), 'must not contain control characters');
/** One line of text: a name, a contact, a nationality. */
const Text = (max: number) =>
  unicodeText(z.string().normalize('NFC').trim().min(1).max(max))
    .refine((v) => !LINE_BREAK.test(v), 'must be a single line')
    .refine(
      (v) => !BIDI_CONTROL.test(v),
      'must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069)',
    );
/** Free text over several lines: notes, narratives, assessment sections. */
export const Notes = (max: number, min = 0) =>
  unicodeText(z.string().normalize('NFC').trim().min(min).max(max));

const CLOCK_SKEW_MS = 5 * 60_000;
const Instant = z.iso
  .datetime({ offset: true })
  // Refinements run on malformed values too (zod reports the format first): judge only real dates.
  .refine((v) => !(Date.parse(v) > Date.now() + CLOCK_SKEW_MS), 'must not be in the future')
  .refine((v) => !(Date.parse(v) < Date.parse('1900-01-01T00:00:00Z')), 'must not be before 1900')
  .openapi({ example: '2026-03-02T09:30:00Z' });

const today = () => new Date().toISOString().slice(0, 10);
const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);
const BirthDate = z.iso
  .date()
  .refine((v) => !isDate(v) || v <= today(), 'must not be in the future')
  .refine((v) => !isDate(v) || v >= '1900-01-01', 'must not be before 1900-01-01')
  .openapi({ example: '2014-05-17' });

export const CaseIdParams = z.object({
  caseId: z.uuid().openapi({ example: '0b6f3b8e-3c1e-4c55-9d1e-8f1f6f7d2a10' }),
});

// --- report -------------------------------------------------------------------------------

const isObject = ({ value }: { value: unknown }) =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Oldest estimated age accepted: a young person presumed a minor may look older than 17. */
export const MAX_ESTIMATED_AGE = 20;

/**
 * A child as reported. A street child or an unaccompanied migrant child may have no known name or
 * birth date (protocol.md §3 step 1): an alias or a description stands in for the names, and an
 * estimated age for the birth date, recorded as 1 January of (the report's year − the age) and
 * marked approximate (api/cases/report.ts says why that day). The identity is completed later.
 */
export const ChildIdentityInput = z
  .strictObject({
    firstName: Text(100).optional(),
    lastName: Text(100).optional(),
    alias: Text(200)
      .optional()
      .openapi({
        description:
          'what the child is called, or a short description, when the names are not known ' +
          '(e.g. "boy of about 12 who sleeps near the bus station")',
      }),
    birthDate: BirthDate.optional(),
    estimatedAge: z
      .number()
      .int()
      .min(0)
      .max(MAX_ESTIMATED_AGE)
      .optional()
      .openapi({
        description:
          'age in whole years as estimated, when the birth date is not known: the birth date is then ' +
          "1 January of (the report's year − this age), marked approximate",
      }),
    birthDateApproximate: z
      .boolean()
      .default(false)
      .openapi({ description: 'only the year of birthDate is known (always true with estimatedAge)' }),
    sex: z.enum(['female', 'male', 'unknown']),
    nationality: Text(60).optional(),
    migrantStatus: z.enum(['none', 'unaccompanied', 'accompanied', 'unknown']).default('none'),
    civilRegistration: z.enum(['registered', 'unregistered', 'unknown']).default('unknown'),
  })
  .superRefine(
    (child, ctx) => {
      const c = child as Partial<typeof child>;
      if (c.firstName === undefined && c.lastName === undefined && c.alias === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [],
          message: 'give the child’s names, or an alias or description when they are not known',
        });
      }
      if (c.birthDate === undefined && c.estimatedAge === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['birthDate'],
          message: 'give the birth date, or an estimated age (estimatedAge) when it is not known',
        });
      }
      if (c.birthDate !== undefined && c.estimatedAge !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['estimatedAge'],
          message: 'give birthDate or estimatedAge, not both',
        });
      }
    },
    { when: isObject },
  )
  .openapi('ChildIdentityInput');

export const ReportInput = z
  .strictObject({
    channel: Channel,
    receivedAt: Instant.optional().openapi({ description: 'defaults to now' }),
    urgent: z.boolean().default(false),
    anonymous: z.boolean().default(false),
    reporterName: Text(200).optional(),
    reporterContact: Text(200).optional(),
    narrative: Notes(20_000).optional(),
    categories: z
      .array(Category)
      .max(protocol.categories.length)
      .default([])
      .refine((c) => new Set(c).size === c.length, 'must not repeat a category'),
  })
  .superRefine(
    (report, ctx) => {
      const r = report as Partial<typeof report>;
      if (r.anonymous === true && (r.reporterName !== undefined || r.reporterContact !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['anonymous'],
          message: 'an anonymous report has no reporter name or contact',
        });
      }
    },
    { when: isObject },
  )
  .openapi('ReportInput');

export const CreateCaseBody = z
  .strictObject({
    province: ProvinceCode.optional().openapi({ description: "defaults to the reporting staff member's" }),
    childId: z.uuid().optional().openapi({ description: 'a child already known to the service' }),
    child: ChildIdentityInput.optional().openapi({ description: 'a child not yet known' }),
    report: ReportInput,
  })
  .superRefine(
    (body, ctx) => {
      const b = body as Partial<typeof body>;
      if ((b.childId === undefined) === (b.child === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['child'],
          message: 'give either childId (a known child) or child (an identity), not both',
        });
      }
    },
    { when: isObject },
  )
  .openapi('CreateCaseBody');

export const CaseCreated = z
  .object({
    caseId: z.uuid(),
    reference: z.string().openapi({ example: 'DEMO-2026-000042' }),
    childId: z.uuid(),
    reportId: z.uuid(),
    joined: z.boolean().openapi({ description: 'true when the report joined an open case (200)' }),
  })
  .openapi('CaseCreated');

// --- the workflow's view ---------------------------------------------------------------------

export const OpenDeadline = z
  .object({
    step: z.string(),
    dueAt: z.string(),
    overdue: z.boolean(),
    subjectId: z.string().optional(),
    escalationLevel: z.number().int().openapi({ description: '-1: no rung fired yet' }),
  })
  .openapi('OpenDeadline');

export const EscalationRoleCode = z
  .enum(['handler', 'supervisor', 'coordinator', 'committee', 'partner', 'mediator'])
  .openapi('EscalationRole');
export const Delivery = z
  .enum(['noRecipient', 'failed', 'unconfirmed', 'sent'])
  .openapi('Delivery', { description: "the worst of a rung's messages (absent while being sent)" });

export const Escalation = z
  .object({
    deadlineId: z.string(),
    step: z.string(),
    level: z.number().int(),
    role: z.string(),
    firedAt: z.string(),
    notified: z.boolean(),
    delivery: Delivery.optional(),
    fellThrough: z.array(z.string()).optional(),
  })
  .openapi('Escalation');

export const NotificationIssue = z
  .object({
    about: z.string().openapi({ description: 'the late step, or caseOpened' }),
    level: z.number().int().nullable(),
    problem: z.enum(['recipientMissing', 'noRecipient', 'failed', 'unconfirmed']),
    roles: z.array(z.string()),
    at: z.string(),
  })
  .openapi('NotificationIssue');

export const ReferralStatus = z
  .enum(['requested', 'acknowledged', 'declined', 'started', 'completed', 'cancelled'])
  .openapi('ReferralStatus');

export const ReferralSummary = z
  .object({
    referralId: z.string(),
    serviceType: z.string(),
    partnerId: z.string(),
    planItemId: z.string().optional().openapi({ description: 'the plan item it carries out' }),
    status: ReferralStatus,
    declineReason: z.string().optional(),
    cancelReason: z.enum(['caseClosed', 'planRevised']).optional(),
  })
  .openapi('ReferralSummary');

export const ClosureWithdrawal = z
  .object({
    reason: z.string().openapi({ description: 'the closure reason that had been asked for' }),
    reportId: z.string().openapi({ description: 'the new concern that withdrew it' }),
    at: z.string(),
  })
  .openapi('ClosureWithdrawal');

export const CaseView = z
  .object({
    caseId: z.string(),
    reference: z.string(),
    province: z.string(),
    assigneeId: z.string().nullable(),
    step: CaseStep,
    risk: RiskOrNone,
    protocolVersion: z.number().int(),
    openDeadlines: z.array(OpenDeadline),
    openEscalations: z.array(Escalation),
    referrals: z.array(ReferralSummary),
    transferTo: z.string().nullable(),
    closureReason: z.string().nullable(),
    closureWithdrawn: ClosureWithdrawal.nullable().openapi({
      description: 'the last closure request a new concern withdrew (the supervisor is told)',
    }),
    stepsOnTime: z.number().int(),
    stepsLate: z.number().int(),
    notificationIssues: z.array(NotificationIssue),
  })
  .openapi('CaseView');

// The workflow's CaseView must fit the documented schema (a compile error here means drift).
export const asDocumentedView = (view: WorkflowCaseView): z.infer<typeof CaseView> => view;

export const StepResult = z.object({ case: CaseView }).openapi('StepResult');

export const ChildIdentity = z
  .object({
    childId: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    alias: z.string().nullable().openapi({ description: 'while the names are not known' }),
    birthDate: z.string(),
    birthDateApproximate: z.boolean().openapi({ description: 'only the year of birthDate is known' }),
    sex: z.string(),
    nationality: z.string().nullable(),
    migrantStatus: z.string(),
    civilRegistration: z.string(),
  })
  .openapi('ChildIdentity');

/** A child's row as the identity shown to roles that may read it (and whose read is audited). */
export const childIdentityOf = (child: {
  id: string;
  firstName: string | null;
  lastName: string | null;
  alias: string | null;
  birthDate: Date;
  birthDateApproximate: boolean;
  sex: string;
  nationality: string | null;
  migrantStatus: string;
  civilRegistration: string;
}): z.infer<typeof ChildIdentity> => ({
  childId: child.id,
  firstName: child.firstName,
  lastName: child.lastName,
  alias: child.alias,
  birthDate: child.birthDate.toISOString().slice(0, 10),
  birthDateApproximate: child.birthDateApproximate,
  sex: child.sex,
  nationality: child.nationality,
  migrantStatus: child.migrantStatus,
  civilRegistration: child.civilRegistration,
});

export const ReportSummary = z
  .object({
    reportId: z.string(),
    channel: z.string(),
    receivedAt: z.string(),
    urgent: z.boolean(),
    anonymous: z.boolean(),
    categories: z.array(z.string()),
    reporterName: z.string().nullable().optional().openapi({ description: 'identity readers only' }),
    reporterContact: z.string().nullable().optional().openapi({ description: 'identity readers only' }),
    narrative: z.string().nullable().optional().openapi({ description: 'identity readers only' }),
  })
  .openapi('ReportSummary');

// --- the whole file (content fields only for roles that may read content: absent otherwise) ---

const contentOnly = (schema: z.ZodType) =>
  schema
    .optional()
    .openapi({ description: 'content readers only (handler, supervisor, coordinator, auditor)' });
const Text_ = z.string().nullable();

export const ScreeningRecord = z
  .object({
    screeningId: z.string(),
    risk: RiskLevel,
    immediateNeeds: z.boolean(),
    injury: z.boolean(),
    categories: z.array(z.string()),
    screenedAt: z.string(),
    screenedById: z.string(),
    notes: contentOnly(Text_),
  })
  .openapi('ScreeningRecord');

export const EmergencyRecord = z
  .object({
    emergencyId: z.string(),
    measures: z.array(z.string()),
    recordedAt: z.string(),
    recordedById: z.string(),
    notes: contentOnly(Text_),
  })
  .openapi('EmergencyRecord');

export const JudicialNotificationRecord = z
  .object({
    judicialNotificationId: z.string(),
    status: z.enum(['sent', 'acknowledged']),
    recordedAt: z.string(),
    recordedById: z.string(),
    notes: contentOnly(Text_),
  })
  .openapi('JudicialNotificationRecord');

export const AssessmentRecord = z
  .object({
    assessmentId: z.string(),
    riskAfter: RiskOrNone,
    assessedAt: z.string(),
    assessedById: z.string(),
    social: contentOnly(Text_),
    health: contentOnly(Text_),
    psychological: contentOnly(Text_),
    educational: contentOnly(Text_),
    legal: contentOnly(Text_),
  })
  .openapi('AssessmentRecord');

export const PlanStatus = z.enum(['draft', 'submitted', 'approved', 'returned']).openapi('PlanStatus');
export const PlanRecord = z
  .object({
    planId: z.string(),
    version: z.number().int(),
    status: PlanStatus,
    reviewFrequencyDays: z.number().int().nullable(),
    submittedAt: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decidedById: z.string().nullable(),
    returnReason: contentOnly(Text_),
    items: z.array(
      z.object({
        planItemId: z.string(),
        serviceType: z.string(),
        partnerId: z.string().nullable(),
        referralIds: z.array(z.string()),
        objective: contentOnly(Text_),
      }),
    ),
  })
  .openapi('PlanRecord');

export const StepDeadline = z
  .object({
    stepRecordId: z.string(),
    step: z.string(),
    openedAt: z.string(),
    dueAt: z.string(),
    completedAt: z.string().nullable(),
    outcome: z.string().nullable(),
    overdue: z.boolean(),
    escalationLevel: z.number().int().openapi({ description: '-1: no rung fired' }),
  })
  .openapi('StepDeadline');

export const CaseReferral = ReferralSummary.extend({
  planItemId: z.string().nullable(),
  requestedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  declinedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  outcome: z.string().nullable(),
  outcomeAt: z.string().nullable(),
  deadlines: z.array(StepDeadline),
}).openapi('CaseReferral');

export const ReviewRecord = z
  .object({
    reviewId: z.string(),
    reviewedAt: z.string(),
    reviewedById: z.string(),
    riskBefore: RiskOrNone,
    riskAfter: RiskLevel,
    decision: z.enum(['continue', 'reassess', 'revisePlan']),
    notes: contentOnly(Text_),
  })
  .openapi('ReviewRecord');

export const TransferStatus = z
  .enum(['pending', 'accepted', 'refused', 'cancelled'])
  .openapi('TransferStatus');
export const TransferRecord = z
  .object({
    transferId: z.string(),
    fromProvince: z.string(),
    toProvince: z.string(),
    status: TransferStatus,
    requestedAt: z.string(),
    requestedById: z.string(),
    decidedAt: z.string().nullable(),
    decidedById: z.string().nullable(),
  })
  .openapi('TransferRecord');

export const ClosureStatus = z
  .enum(['pending', 'approved', 'returned', 'withdrawn'])
  .openapi('ClosureStatus');
export const ClosureRecord = z
  .object({
    closureId: z.string(),
    reason: z.string(),
    status: ClosureStatus,
    requestedAt: z.string(),
    requestedById: z.string(),
    statusAt: z.string().nullable(),
    /** The step the closure was asked from. */
    fromStep: z.string().nullable(),
    /** The concern (report) whose arrival withdrew the request. */
    withdrawnByReportId: z.string().nullable(),
    notes: contentOnly(Text_),
    decisions: z.array(
      z.object({
        decision: z.enum(['approve', 'return']),
        decidedAt: z.string(),
        decidedById: z.string(),
        reason: contentOnly(Text_),
      }),
    ),
  })
  .openapi('ClosureRecord');

export const CheckBackRecord = z
  .object({
    checkBackId: z.string(),
    outcome: z.enum(['stable', 'concern']),
    recordedAt: z.string(),
    recordedById: z.string(),
    notes: contentOnly(Text_),
  })
  .openapi('CheckBackRecord');

export const CaseDetails = CaseView.extend({
  status: CaseStatus,
  unitId: z.string(),
  urgent: z.boolean(),
  categories: z.array(z.string()),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
  assignee: z
    .object({ staffId: z.string(), displayName: z.string(), role: z.string(), active: z.boolean() })
    .nullable()
    .openapi({ description: 'inactive: the unit handles the case until it is reassigned' }),
  reports: z.array(ReportSummary),
  screenings: z.array(ScreeningRecord),
  emergencyMeasures: z.array(EmergencyRecord),
  judicialNotifications: z.array(JudicialNotificationRecord),
  assessments: z.array(AssessmentRecord),
  plans: z.array(PlanRecord),
  referrals: z.array(CaseReferral),
  reviews: z.array(ReviewRecord),
  transfers: z.array(TransferRecord),
  closures: z.array(ClosureRecord),
  checkBacks: z.array(CheckBackRecord),
  child: ChildIdentity.optional().openapi({
    description: "the child's identity: only for roles that may read it; every such read is audited",
  }),
}).openapi('CaseDetails');

export const RungStatus = z
  .enum(['planned', 'fired', 'resolved', 'withdrawn', 'notReached'])
  .openapi('RungStatus', {
    description:
      'planned: ahead; fired: the step is still late; resolved: fired, then the step was done; withdrawn: fired, then the step was cancelled; notReached: the step closed before it',
  });
export const MailRecord = z
  .object({
    notificationId: z.string(),
    kind: z.string(),
    recipientStaffId: z.string().nullable(),
    language: z.enum(['ar', 'fr', 'en']),
    status: z.enum(['pending', 'sent', 'unconfirmed', 'failed']),
    attempts: z.number().int(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    failedAt: z.string().nullable(),
  })
  .openapi('MailRecord');
export const CaseTimeline = z
  .object({
    caseId: z.string(),
    steps: z.array(
      z.object({
        stepRecordId: z.string(),
        step: z.string(),
        subjectId: z.string().nullable().openapi({ description: 'the referral, transfer or pathway' }),
        province: z.string().nullable(),
        openedAt: z.string(),
        dueAt: z.string(),
        completedAt: z.string().nullable(),
        outcome: z.string().nullable().openapi({ description: 'done, cancelled or missed' }),
        overdue: z.boolean(),
        lateByMs: z.number().int().nullable(),
        lateWorkingDays: z.number().int().nullable(),
        rungs: z.array(
          z.object({
            level: z.number().int(),
            role: z.string(),
            plannedAt: z.string().nullable(),
            status: RungStatus,
            escalationId: z.string().nullable(),
            firedAt: z.string().nullable(),
            resolvedAt: z.string().nullable(),
            recipientStaffId: z.string().nullable(),
            mails: z.array(MailRecord),
          }),
        ),
      }),
    ),
    mails: z.array(MailRecord).openapi({ description: 'messages not tied to a rung (case opened)' }),
  })
  .openapi('CaseTimeline');

// --- list -------------------------------------------------------------------------------------

export const Limit = z.coerce.number().int().min(1).max(100).default(25);
export const Cursor = z
  .string()
  .max(500)
  .refine(isCursor, 'not a cursor returned by this API')
  .optional()
  .openapi({ description: 'nextCursor of the previous page' });

export const CaseListQuery = z
  .strictObject({
    province: ProvinceCode.optional(),
    step: CaseStep.optional(),
    risk: RiskLevel.optional(),
    status: CaseStatus.optional(),
    overdue: z
      .enum(['true', 'false'])
      .optional()
      .openapi({ description: 'an open step is past its deadline' }),
    assignee: StaffId.optional(),
    limit: Limit,
    cursor: Cursor,
  })
  .openapi('CaseListQuery');

export const CaseListItem = z
  .object({
    caseId: z.string(),
    reference: z.string(),
    province: z.string(),
    unitId: z.string(),
    step: z.string(),
    risk: RiskOrNone,
    urgent: z.boolean(),
    status: CaseStatus,
    assigneeId: z.string().nullable(),
    openedAt: z.string(),
    closedAt: z.string().nullable(),
    overdue: z.boolean(),
    nextDueAt: z.string().nullable(),
  })
  .openapi('CaseListItem');

export const CasePage = z
  .object({ items: z.array(CaseListItem), nextCursor: z.string().nullable() })
  .openapi('CasePage');

export const AuditQuery = z.strictObject({ limit: Limit, cursor: Cursor });

export const AuditEvent = z
  .object({
    id: z.string(),
    at: z.string(),
    actorType: z.enum(['staff', 'system']),
    actorId: z.string().nullable(),
    action: z.string(),
    entity: z.string(),
    entityId: z.string().nullable(),
    reason: z.string().nullable(),
    details: z.unknown().nullable(),
  })
  .openapi('AuditEvent');

export const AuditPage = z
  .object({ items: z.array(AuditEvent), nextCursor: z.string().nullable() })
  .openapi('AuditPage');

// --- steps ----------------------------------------------------------------------------------

export const ScreeningBody = z
  .strictObject({
    risk: RiskLevel,
    immediateNeeds: z.boolean(),
    injury: z.boolean().default(false).openapi({ description: 'violence with injury' }),
    categories: z.array(Category).min(1).max(protocol.categories.length),
    notes: Notes(20_000).optional(),
  })
  .openapi('ScreeningBody');

export const EmergencyBody = z
  .strictObject({
    measures: z
      .array(ServiceType)
      .min(1)
      .max(Object.keys(protocol.services).length)
      .refine((m) => new Set(m).size === m.length, 'must not repeat a measure')
      .openapi({ description: 'the immediate services put in place (protocol service codes)' }),
    notes: Notes(20_000).optional(),
  })
  .openapi('EmergencyBody');

export const JudicialNotificationBody = z
  .strictObject({
    status: z
      .enum(['sent', 'acknowledged'])
      .openapi({ description: 'the prosecutor was notified / acknowledged' }),
    notes: Notes(2_000).optional().openapi({ description: "e.g. the prosecutor's reference" }),
  })
  .openapi('JudicialNotificationBody');

const SECTIONS = ['social', 'health', 'psychological', 'educational', 'legal'] as const;
export const AssessmentBody = z
  .strictObject({
    social: Notes(20_000).optional(),
    health: Notes(20_000).optional(),
    psychological: Notes(20_000).optional(),
    educational: Notes(20_000).optional(),
    legal: Notes(20_000).optional(),
    risk: RiskLevel.optional().openapi({ description: 'the risk level after assessment, if it changed' }),
  })
  .superRefine(
    (body, ctx) => {
      const b = body as Record<string, unknown>;
      if (!SECTIONS.some((s) => typeof b[s] === 'string' && (b[s] as string).length > 0)) {
        ctx.addIssue({
          code: 'custom',
          path: ['social'],
          message: `describe at least one of ${SECTIONS.join(', ')}`,
        });
      }
    },
    { when: isObject },
  )
  .openapi('AssessmentBody');

export const PlanBody = z
  .strictObject({
    items: z
      .array(
        z.strictObject({
          serviceType: ServiceType,
          partnerId: PartnerId,
          objective: Notes(2_000).optional(),
        }),
      )
      .min(1)
      .max(50),
    reviewFrequencyDays: z.number().int().min(1).max(365).optional(),
  })
  .openapi('PlanBody');

export const PlanResult = StepResult.extend({
  planId: z.uuid(),
  items: z.array(z.object({ planItemId: z.uuid(), serviceType: z.string(), partnerId: z.string() })),
}).openapi('PlanResult');

export const DecisionBody = z
  .strictObject({
    decision: z.enum(['approve', 'return']),
    reason: Notes(2_000, 1).optional().openapi({ description: 'why it is returned' }),
  })
  .openapi('DecisionBody');

export const ReviewBody = z
  .strictObject({
    risk: RiskLevel,
    decision: z.enum(['continue', 'reassess', 'revisePlan']),
    notes: Notes(20_000).optional(),
  })
  .openapi('ReviewBody');

export const AssignmentBody = z.strictObject({ assigneeId: StaffId }).openapi('AssignmentBody');
export const TransferBody = z.strictObject({ toProvince: ProvinceCode }).openapi('TransferBody');
export const TransferAcceptanceBody = z
  .strictObject({ accept: z.boolean() })
  .openapi('TransferAcceptanceBody');
export const ClosureBody = z
  .strictObject({
    reason: ClosureReason,
    notes: Notes(20_000)
      .optional()
      .openapi({ description: 'e.g. the attempts made to trace the child (untraceable)' }),
  })
  .openapi('ClosureBody');
export const ClosureApprovalBody = z
  .strictObject({
    decision: z.enum(['approve', 'return']),
    reason: Notes(2_000, 1).optional().openapi({ description: 'why it is returned' }),
  })
  .openapi('ClosureApprovalBody');
export const CheckBackBody = z
  .strictObject({ outcome: z.enum(['stable', 'concern']), notes: Notes(20_000).optional() })
  .openapi('CheckBackBody');

export const ConcernAccepted = z.object({ caseId: z.uuid(), reportId: z.uuid() }).openapi('ConcernAccepted');

// --- rectification (law 09-08) ----------------------------------------------------------------

export const IDENTITY_FIELDS = [
  'firstName',
  'lastName',
  'birthDate',
  'birthDateApproximate',
  'sex',
  'nationality',
  'migrantStatus',
  'civilRegistration',
] as const;

export const RectificationBody = z
  .strictObject({
    reason: Notes(2_000, 1).openapi({
      description:
        'why the identity is corrected (kept in the audit trail, which names the fields, never their values)',
      example: 'birth certificate presented by the family',
    }),
    firstName: Text(100).optional(),
    lastName: Text(100).optional(),
    birthDate: BirthDate.optional(),
    birthDateApproximate: z.boolean().optional(),
    sex: z.enum(['female', 'male', 'unknown']).optional(),
    nationality: Text(60).nullable().optional().openapi({ description: 'null: unknown' }),
    migrantStatus: z.enum(['none', 'unaccompanied', 'accompanied', 'unknown']).optional(),
    civilRegistration: z.enum(['registered', 'unregistered', 'unknown']).optional(),
  })
  .superRefine(
    (body, ctx) => {
      const b = body as Record<string, unknown>;
      if (!IDENTITY_FIELDS.some((f) => b[f] !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: [],
          message: `give at least one of ${IDENTITY_FIELDS.join(', ')}`,
        });
      }
    },
    { when: isObject },
  )
  .openapi('RectificationBody');

export const RectificationResult = z
  .object({
    childId: z.string(),
    changed: z.array(z.enum(IDENTITY_FIELDS)).openapi({ description: 'the fields whose value changed' }),
    child: ChildIdentity,
    leavingCare: z
      .object({
        pathwayId: z.string(),
        recomputed: z.boolean(),
        reason: z.string().nullable().openapi({
          description: 'why nothing moved: the young person has left care, or was never enrolled',
        }),
        preparationAt: z.string().nullable(),
        exitPlanDueAt: z.string().nullable(),
        exitAt: z.string().nullable(),
      })
      .nullable()
      .openapi({
        description:
          "the child's leaving-care pathway, its milestones computed again from a corrected birth date",
      }),
  })
  .openapi('RectificationResult');
