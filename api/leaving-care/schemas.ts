/**
 * Request and response shapes of the leaving-care routes (protocol.md §4), in the protocol's words.
 * Axes, statuses, exit-plan items and outcomes come from the protocol definition; the workflow,
 * which pinned its own lists at enrolment, has the last word (409).
 */
import { loadProtocol } from '../../protocol';
import type {
  LeavingCarePhase as WorkflowPhase,
  LeavingCareView as WorkflowView,
} from '../../workflows/leaving-care/definitions';
import { ChildIdentity, Cursor, Escalation, Limit, Notes, ProvinceCode, StaffId } from '../cases/schemas';
import { z } from '../openapi/zod';

const rules = loadProtocol().leavingCare;
const codes = (values: readonly string[]) => values as [string, ...string[]];

export const Axis = z.enum(codes(rules.axes)).openapi('LeavingCareAxis');
export const ProgressStatus = z.enum(codes(rules.progressStatuses)).openapi('LeavingCareProgressStatus');
export const ExitPlanItem = z.enum(codes(rules.exitPlanItems)).openapi('ExitPlanItem');
export const IntegrationOutcome = z.enum(codes(rules.outcomes)).openapi('IntegrationOutcome');
export const PHASES = [
  'waiting',
  'preparation',
  'accompaniment',
  'outcome',
  'completed',
  'notEnrolled',
] as const satisfies readonly WorkflowPhase[];
export const Phase = z.enum(PHASES).openapi('LeavingCarePhase');

const isObject = ({ value }: { value: unknown }) => typeof value === 'object' && value !== null;

/**
 * Every code of `known` exactly once in the array under `field`, each entry naming it in `key`.
 * Runs even when some entries are invalid, so a 400 lists every problem at once.
 */
function eachOnce(field: string, key: string, known: readonly string[]) {
  return (value: unknown, ctx: z.RefinementCtx) => {
    const list = (value as Record<string, unknown>)[field];
    if (!Array.isArray(list)) return;
    const seen = new Set<string>();
    list.forEach((entry, i) => {
      const code = (entry as Record<string, unknown> | null)?.[key];
      if (typeof code !== 'string' || !known.includes(code)) return;
      if (seen.has(code)) ctx.addIssue({ code: 'custom', path: [field, i, key], message: 'given twice' });
      seen.add(code);
    });
    const missing = known.filter((c) => !seen.has(c));
    if (missing.length > 0) {
      ctx.addIssue({ code: 'custom', path: [field], message: `missing ${missing.join(', ')}` });
    }
  };
}

export const ChildIdParams = z.object({
  childId: z.uuid().openapi({ example: '3f2b7c1d-9a4e-4d6b-8c2f-1e5a7b9c0d21' }),
});

// --- enrolment ------------------------------------------------------------------------------

export const EnrolBody = z
  .strictObject({
    caseId: z.uuid().optional().openapi({
      description: 'the protection case the child was placed under (escalations are filed on it)',
    }),
    childId: z.uuid().optional().openapi({
      description: "the child; without caseId, the child's open case (else latest) that you may act on",
    }),
    accompanimentMonths: z
      .number()
      .int()
      .min(1)
      .max(rules.accompanimentMaxMonths)
      .optional()
      .openapi({ description: `months of accompaniment after exit (default ${rules.accompanimentMonths})` }),
  })
  .superRefine(
    (body, ctx) => {
      const b = body as Partial<typeof body>;
      if (b.caseId === undefined && b.childId === undefined) {
        ctx.addIssue({ code: 'custom', path: ['caseId'], message: 'give caseId, childId or both' });
      }
    },
    { when: isObject },
  )
  .openapi('EnrolBody');

// --- the workflow's view --------------------------------------------------------------------

export const Milestones = z
  .object({
    preparationAt: z.string().openapi({ description: 'the 15th birthday, or the enrolment if later' }),
    exitPlanDueAt: z.string(),
    exitAt: z.string().openapi({ description: 'the 18th birthday: the young person leaves care' }),
    contactDueAt: z
      .array(z.string())
      .openapi({ description: "end of each month of accompaniment: a mediator's contact is due" }),
    accompanimentEndsAt: z.string(),
  })
  .openapi('LeavingCareMilestones');

export const PathwayDeadline = z
  .object({
    step: z.string(),
    dueAt: z.string(),
    overdue: z.boolean(),
    escalationLevel: z.number().int().openapi({ description: '-1: no rung fired yet' }),
    month: z.number().int().optional().openapi({ description: 'accompaniment month, for a contact' }),
  })
  .openapi('PathwayDeadline');

export const PathwayView = z
  .object({
    pathwayId: z.string(),
    childId: z.string(),
    caseId: z.string(),
    province: z.string(),
    phase: Phase,
    phaseSince: z.string(),
    notEnrolledReason: z.string().nullable(),
    mediatorId: z.string().nullable(),
    protocolVersion: z.number().int(),
    milestones: Milestones.nullable(),
    accompanimentMonths: z.number().int(),
    programmeAt: z.string().nullable(),
    reviews: z.number().int(),
    exitPlanAt: z.string().nullable(),
    contacts: z.number().int(),
    handedOverBy: z
      .string()
      .nullable()
      .openapi({ description: 'a case closed for "turned 18" that handed over' }),
    openDeadlines: z.array(PathwayDeadline),
    openEscalations: z.array(Escalation),
    stepsOnTime: z.number().int(),
    stepsLate: z.number().int(),
    stepsMissed: z.number().int(),
  })
  .openapi('PathwayView');

// The workflow's view must fit the documented schema (a compile error here means drift).
export const asDocumentedView = (view: WorkflowView): z.infer<typeof PathwayView> => view;

export const PathwayResult = z.object({ pathway: PathwayView }).openapi('PathwayResult');

export const AxisDetails = z
  .object({
    axis: Axis,
    status: z.string(),
    objectives: z
      .array(z.string())
      .optional()
      .openapi({ description: 'current objectives: only for roles that may read identities' }),
  })
  .openapi('AxisDetails');

export const PathwayDetails = PathwayView.extend({
  trigger: z.enum(['placement', 'turned18', 'api']),
  enrolledAt: z.string(),
  completedAt: z.string().nullable(),
  axes: z.array(AxisDetails),
  child: ChildIdentity.optional().openapi({
    description: "the young person's identity: only for roles that may read it; every such read is audited",
  }),
}).openapi('PathwayDetails');

// --- list -----------------------------------------------------------------------------------

export const PathwayListQuery = z
  .strictObject({
    province: ProvinceCode.optional(),
    phase: Phase.optional(),
    mediator: StaffId.optional().openapi({ description: 'pathways carried by this mediator' }),
    limit: Limit,
    cursor: Cursor,
  })
  .openapi('PathwayListQuery');

export const PathwayListItem = z
  .object({
    childId: z.string(),
    pathwayId: z.string(),
    caseId: z.string(),
    province: z.string(),
    phase: Phase,
    trigger: z.string(),
    mediatorId: z.string().nullable(),
    enrolledAt: z.string(),
    preparationAt: z.string().nullable(),
    exitPlanDueAt: z.string().nullable(),
    exitAt: z.string().nullable(),
    accompanimentEndsAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    overdue: z.boolean(),
    nextDueAt: z.string().nullable(),
  })
  .openapi('PathwayListItem');

export const PathwayPage = z
  .object({ items: z.array(PathwayListItem), nextCursor: z.string().nullable() })
  .openapi('PathwayPage');

// --- steps ----------------------------------------------------------------------------------

export const MediatorBody = z
  .strictObject({ mediatorId: StaffId.openapi({ example: 'staff-demo-mediator' }) })
  .openapi('MediatorBody');

// Free text about the young person, refused like any other note when it holds control characters.
const Objective = Notes(2_000, 1);
const Objectives = z.array(Objective).min(1).max(20);

export const ProgrammeBody = z
  .strictObject({
    axes: z.array(z.strictObject({ axis: Axis, status: ProgressStatus, objectives: Objectives })).openapi({
      description: 'every axis once, each with its objectives (free text, kept in the database)',
    }),
  })
  .superRefine(eachOnce('axes', 'axis', rules.axes), { when: isObject })
  .openapi('ProgrammeBody');

export const ProgrammeReviewBody = z
  .strictObject({
    axes: z
      .array(
        z.strictObject({
          axis: Axis,
          status: ProgressStatus,
          objectives: Objectives.optional().openapi({ description: "replaces the axis's objectives" }),
        }),
      )
      .openapi({ description: 'every axis once, with its status now' }),
  })
  .superRefine(eachOnce('axes', 'axis', rules.axes), { when: isObject })
  .openapi('ProgrammeReviewBody');

export const ReviewResult = PathwayResult.extend({ reviewId: z.uuid() }).openapi('ProgrammeReviewResult');

export const ExitPlanBody = z
  .strictObject({
    items: z
      .array(z.strictObject({ item: ExitPlanItem, status: ProgressStatus }))
      .openapi({ description: 'housing, income or training, documents, health coverage: each once' }),
  })
  .superRefine(eachOnce('items', 'item', rules.exitPlanItems), { when: isObject })
  .openapi('ExitPlanBody');

export const ContactBody = z.strictObject({}).openapi('ContactBody');

export const AccompanimentBody = z
  .strictObject({
    months: z
      .number()
      .int()
      .min(1)
      .max(rules.accompanimentMaxMonths)
      .openapi({ description: 'total months of accompaniment after exit' }),
  })
  .openapi('AccompanimentBody');

export const OutcomeBody = z
  .strictObject({
    outcomes: z
      .array(z.strictObject({ axis: Axis, outcome: IntegrationOutcome }))
      .openapi({ description: 'every axis once' }),
  })
  .superRefine(eachOnce('outcomes', 'axis', rules.axes), { when: isObject })
  // Not 'OutcomeBody': that is a referral's outcome, and one name would document both as one.
  .openapi('IntegrationOutcomeBody');
