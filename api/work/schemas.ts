/** GET /work: the caller's work list, in the shape a screen shows without another request. */
import { CaseStep, Cursor, RiskLevel } from '../cases/schemas';
import { z } from '../openapi/zod';
import { WORK_KINDS } from './sources';

export const WorkKind = z.enum(WORK_KINDS).openapi('WorkKind', {
  description:
    "caseStep: a step of a case assigned to you; unassignedStep: a step of your unit's case with nobody (active) assigned; " +
    'approval: a plan or closure to approve; transferAcceptance: a transfer into your province; lateStep: an overdue step of your unit; ' +
    'escalation: an open escalation at your rung; latePartner: a partner past its deadline; ' +
    "referralToAcknowledge / referralToStart / referralToClose: your service's referrals; " +
    'pathwayStep: a step of a pathway you carry; unassignedPathwayStep: a step of a pathway without a mediator',
});

export const WorkQuery = z
  .strictObject({
    kind: WorkKind.optional().openapi({ description: 'only items of this kind' }),
    step: CaseStep.optional().openapi({ description: 'only items of cases at this step' }),
    risk: RiskLevel.optional().openapi({ description: 'only items of cases at this risk level' }),
    overdue: z
      .enum(['true', 'false'])
      .optional()
      .openapi({ description: 'true: only items past their deadline; false: only the others' }),
    // Larger than other lists' pages: a screen reads a whole work list (1,000 items) in one request.
    limit: z.coerce.number().int().min(1).max(1000).default(25),
    cursor: Cursor,
  })
  .openapi('WorkQuery');

export const WorkItem = z
  .object({
    itemId: z.string().openapi({ description: 'stable across pages: kind and the id of what it is about' }),
    kind: WorkKind,
    step: z
      .string()
      .openapi({ description: 'the protocol step to do (referralOutcome: report the outcome)' }),
    caseId: z.string(),
    caseReference: z.string(),
    province: z.string(),
    // Inline, not the registered RiskLevel: a nullable $ref is not null-able for JSON Schema validators.
    risk: z.enum(RiskLevel.options).nullable(),
    assigneeId: z.string().nullable(),
    stepRecordId: z.string().nullable(),
    referralId: z.string().nullable(),
    partnerId: z.string().nullable(),
    serviceType: z.string().nullable(),
    childId: z
      .string()
      .nullable()
      .openapi({ description: 'for a pathway step: GET /leaving-care/{childId}' }),
    pathwayId: z.string().nullable(),
    transferId: z.string().nullable(),
    escalationId: z.string().nullable(),
    escalationLevel: z.number().int().openapi({ description: 'highest rung fired on the step; -1 none' }),
    openedAt: z.string(),
    dueAt: z.string().nullable().openapi({ description: 'null: no deadline (a service to close)' }),
    overdue: z.boolean(),
  })
  .openapi('WorkItem');

export const WorkCount = z
  .object({ kind: WorkKind, total: z.number().int(), overdue: z.number().int() })
  .openapi('WorkCount');

export const WorkPage = z
  .object({
    items: z.array(WorkItem),
    counts: z.array(WorkCount).openapi({ description: 'every kind with items, whatever the page or filter' }),
    total: z.number().int(),
    overdue: z.number().int(),
    matched: z
      .number()
      .int()
      .openapi({ description: 'items matching the filters (kind, step, risk, overdue), over every page' }),
    countedAt: z.string().openapi({
      description:
        'when `counts`, `total`, `overdue` and (without a step or risk filter) `matched` were counted: ' +
        "up to WORK_COUNTS_TTL_MS ago, or now after the caller's own change; the items are always read now",
    }),
    nextCursor: z.string().nullable(),
  })
  .openapi('WorkPage');
