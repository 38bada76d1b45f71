/**
 * The leaving-care routes (protocol.md §4). Each step handler: authenticate (route), validate
 * (route), load the pathway under the policy, save the rows that hold free text (objectives) as
 * pending writes of the workflow update (confirmed by the workflow when it accepts the step,
 * removed when it refuses it: lib/step-writes.ts), call the workflow, shape the answer. The workflow's activities write the pathway's own rows from their connection.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { StepWrite } from '../../lib/step-writes';
import { loadProtocol } from '../../protocol';
import {
  accompanimentUpdate,
  exitPlanUpdate,
  integrationOutcomeUpdate,
  leavingCareWorkflowId,
  mediatorAssignmentUpdate,
  mediatorContactUpdate,
  programmeReviewUpdate,
  programmeUpdate,
  type LeavingCareView,
} from '../../workflows/leaving-care/definitions';
import type { leavingCareWorkflow } from '../../workflows/leaving-care/workflow';
import { allows, listedProvince, type Actor } from '../auth/policy';
import { loadCase } from '../cases/access';
import { decodeCursor, encodeCursor } from '../cases/cursor';
import { withinDeadline, type ApiDeps } from '../deps';
import type { RequestIdentity } from '../http/idempotency';
import { invalidField, ProblemError } from '../http/problem';
import type { Routes } from '../http/route';
import type { z } from '../openapi/zod';
import { loadPathway, pathwayHandle, type PathwayRow } from './access';
import { readPathwayView } from './read-model';
import { isOverdue } from '../cases/read-model';
import * as s from './schemas';
import { stepRoutes } from '../steps/route';
import { childIdentityOf } from '../cases/schemas';

/** A pathway that has ended takes no more steps (its workflow is closed). */
const ENDED = new Set(['completed', 'notEnrolled']);

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * Objectives rows for the axes that have some, filed under the assessment or review; their ids
 * come from the request's identity, so a retried request writes the same rows.
 */
function objectiveRows(
  row: PathwayRow,
  reviewId: string,
  actor: Actor,
  axes: { axis: string; objectives?: string[] | undefined }[],
  ids: RequestIdentity,
): Extract<StepWrite, { kind: 'leavingCareObjectives' }>['objectives'] {
  const recordedAt = new Date().toISOString();
  return axes.flatMap(({ axis, objectives }) =>
    (objectives ?? []).map((objective, i) => ({
      id: ids.newId(`objective/${axis}/${i + 1}`),
      pathwayId: row.id,
      reviewId,
      axis,
      position: i + 1,
      objective,
      recordedAt,
      recordedById: actor.id,
    })),
  );
}

/** Each axis's current objectives: those of the latest assessment or review that set some. */
async function currentObjectives(deps: ApiDeps, pathwayId: string): Promise<Map<string, string[]>> {
  const rows = await deps.prisma.leavingCareObjective.findMany({
    where: { pathwayId },
    orderBy: [{ recordedAt: 'asc' }, { reviewId: 'asc' }, { position: 'asc' }],
  });
  const latest = new Map<string, { reviewId: string; objectives: string[] }>();
  for (const r of rows) {
    const current = latest.get(r.axis);
    if (current?.reviewId === r.reviewId) current.objectives.push(r.objective);
    else latest.set(r.axis, { reviewId: r.reviewId, objectives: [r.objective] });
  }
  return new Map([...latest].map(([axis, v]) => [axis, v.objectives]));
}

/** The case a child is enrolled from: the one named, or the child's open (else latest) visible case. */
async function enrolmentCase(deps: ApiDeps, actor: Actor, body: z.output<typeof s.EnrolBody>) {
  if (body.caseId) {
    const kase = await loadCase(deps, actor, body.caseId, 'leavingCare.enrol');
    if (body.childId && body.childId !== kase.childId) {
      throw invalidField('body.childId', `case ${kase.id} is not about this child`);
    }
    return kase;
  }
  const childId = body.childId ?? '';
  const cases = await deps.prisma.case.findMany({
    where: { childId },
    orderBy: [{ openedAt: 'desc' }, { id: 'asc' }],
    select: { id: true, provinceCode: true, status: true },
  });
  const visible = cases.filter((c) => allows(actor, 'case.read', { province: c.provinceCode }));
  const chosen = visible.find((c) => c.status === 'open') ?? visible[0];
  // An unknown child and a child without a case visible here answer alike.
  if (!chosen) throw new ProblemError('notFound', `no case of child ${childId}`);
  return loadCase(deps, actor, chosen.id, 'leavingCare.enrol');
}

export function leavingCareRoutes(routes: Routes, deps: ApiDeps): void {
  const step = stepRoutes(routes, deps, {
    base: '/leaving-care/{childId}',
    tag: 'leaving care',
    params: s.ChildIdParams,
    result: { schema: s.PathwayResult, description: 'the step is done; the pathway as it is now' },
    conflict:
      "the workflow rejected the step (out of order or invalid; `detail` gives the validator's reason), or the pathway has ended",
    load: async (actor, params, action) => {
      const pathway = await loadPathway(deps, actor, params.childId, action);
      if (ENDED.has(pathway.phase)) {
        throw new ProblemError('conflict', `the pathway is ${pathway.phase}: nothing more can be recorded`);
      }
      return pathway;
    },
    context: (pathway) => ({ pathway }),
    workflow: (pathway) => pathwayHandle(deps, pathway),
    caseIdOf: (pathway) => pathway.caseId,
    answer: (view: LeavingCareView) => ({ pathway: s.asDocumentedView(view) }),
  });

  // --- enrolment, read, list ------------------------------------------------------------------

  routes.route({
    method: 'post',
    path: '/leaving-care',
    operationId: 'enrolInLeavingCare',
    summary: 'Enrol a child in the leaving-care pathway (from 15, or at once if older; not past 18)',
    description:
      'A placement in a care institution and a closure for "turned 18" enrol automatically; this ' +
      'enrols by hand. Give the case the child was placed under (`caseId`), the child (`childId`), ' +
      'or both. A young person already past the exit age gets a pathway in phase `notEnrolled`, ' +
      'with the reason. One pathway per child: a second enrolment answers 409 with the `childId`.',
    tag: 'leaving care',
    request: { body: s.EnrolBody },
    responses: { 201: { description: 'the pathway is open; as it is now', schema: s.PathwayResult } },
    problems: {
      404: 'no such case, or no case of this child visible to this role',
      409: 'the child already has a leaving-care pathway: see GET /leaving-care/{childId}',
    },
    handle: async ({ actor, body }) => {
      const kase = await enrolmentCase(deps, actor, body);
      const childId = kase.childId;
      const already = () =>
        new ProblemError(
          'conflict',
          `child ${childId} already has a leaving-care pathway; see GET /leaving-care/${childId}`,
          undefined,
          {},
          { childId },
        );
      if (await deps.prisma.leavingCarePathway.count({ where: { childId } })) throw already();
      const workflowId = leavingCareWorkflowId(childId);
      try {
        await withinDeadline(deps, () =>
          deps.temporal.workflow.start<typeof leavingCareWorkflow>('leavingCareWorkflow', {
            taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
            workflowId,
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            staticSummary: `leaving care for a child of ${kase.reference}`,
            args: [
              {
                childId,
                caseId: kase.id,
                trigger: 'api',
                actorId: actor.id,
                ...(body.accompanimentMonths ? { accompanimentMonths: body.accompanimentMonths } : {}),
              },
            ],
          }),
        );
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) throw already();
        throw err;
      }
      // Answer from the database once the workflow has written the pathway and, for a child past
      // the start age, opened the first steps of preparation (briefly waited for).
      const settled = async (): Promise<PathwayRow | null> => {
        const row = await deps.prisma.leavingCarePathway.findUnique({ where: { childId } });
        if (!row) return null;
        const beginsAtOnce =
          row.phase === 'waiting' && row.preparationAt !== null && row.preparationAt <= row.enrolledAt;
        if (beginsAtOnce) return null;
        if (row.phase === 'preparation') {
          const open = await deps.prisma.stepRecord.count({
            where: { subjectId: row.id, completedAt: null, step: { in: ['programme', 'exitPlan'] } },
          });
          if (open < 2) return null;
        }
        return row;
      };
      let row = await settled();
      for (let i = 0; i < 100 && !row; i += 1) {
        await new Promise((r) => setTimeout(r, 50));
        row = await settled();
      }
      if (!row) {
        throw new ProblemError(
          'unavailable',
          `the pathway of child ${childId} is still opening in the workflow service; see GET /leaving-care/${childId} in a moment`,
          undefined,
          { 'Retry-After': '2' },
        );
      }
      return { status: 201, body: { pathway: s.asDocumentedView(await readPathwayView(deps.prisma, row)) } };
    },
  });

  routes.route({
    method: 'get',
    path: '/leaving-care',
    operationId: 'listPathways',
    summary: 'Leaving-care pathways visible to the caller, oldest enrolment first, with cursor pagination',
    tag: 'leaving care',
    request: { query: s.PathwayListQuery },
    responses: { 200: { description: 'one page of pathways (no identity)', schema: s.PathwayPage } },
    handle: async ({ actor, query }) => {
      const province = listedProvince(actor, 'leavingCare.list', query.province);
      const cursor = query.cursor ? decodeCursor(query.cursor, 'query.cursor') : undefined;
      const rows = await deps.prisma.leavingCarePathway.findMany({
        where: {
          ...(province ? { provinceCode: province } : {}),
          ...(query.phase ? { phase: query.phase } : {}),
          ...(query.mediator ? { mediatorId: query.mediator } : {}),
          ...(cursor
            ? {
                OR: [{ enrolledAt: { gt: cursor.at } }, { enrolledAt: cursor.at, id: { gt: cursor.id } }],
              }
            : {}),
        },
        orderBy: [{ enrolledAt: 'asc' }, { id: 'asc' }],
        take: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      // Open steps of these pathways: their records carry the pathway as subject.
      const open = await deps.prisma.stepRecord.findMany({
        where: { subjectId: { in: page.map((p) => p.id) }, completedAt: null },
        select: { subjectId: true, dueAt: true, _count: { select: { escalations: true } } },
      });
      const now = new Date();
      const last = page[page.length - 1];
      return {
        body: {
          items: page.map((p) => {
            const mine = open.filter((r) => r.subjectId === p.id);
            const next = mine.map((r) => r.dueAt.getTime()).sort((a, b) => a - b)[0];
            return {
              childId: p.childId,
              pathwayId: p.id,
              caseId: p.caseId,
              province: p.provinceCode,
              phase: p.phase,
              trigger: p.trigger,
              mediatorId: p.mediatorId,
              enrolledAt: p.enrolledAt.toISOString(),
              preparationAt: iso(p.preparationAt),
              exitPlanDueAt: iso(p.exitPlanDueAt),
              exitAt: iso(p.exitAt),
              accompanimentEndsAt: iso(p.accompanimentEndsAt),
              completedAt: iso(p.completedAt),
              overdue: mine.some((r) => isOverdue(r, r._count.escalations, now)),
              nextDueAt: next !== undefined ? new Date(next).toISOString() : null,
            };
          }),
          nextCursor:
            rows.length > query.limit && last ? encodeCursor({ at: last.enrolledAt, id: last.id }) : null,
        },
      };
    },
  });

  routes.route({
    method: 'get',
    path: '/leaving-care/{childId}',
    operationId: 'getPathway',
    summary:
      "A child's leaving-care pathway: phase, milestones, open deadlines, escalations, axes (and the identity and objectives for roles that may see them)",
    tag: 'leaving care',
    request: { params: s.ChildIdParams },
    responses: { 200: { description: 'the pathway', schema: s.PathwayDetails } },
    handle: async ({ actor, params }) => {
      const row = await loadPathway(deps, actor, params.childId, 'leavingCare.read');
      const withIdentity = allows(actor, 'leavingCare.readIdentity', { province: row.provinceCode });
      const [view, axes, objectives, child] = await Promise.all([
        readPathwayView(deps.prisma, row),
        deps.prisma.leavingCareAxis.findMany({ where: { pathwayId: row.id } }),
        withIdentity ? currentObjectives(deps, row.id) : undefined,
        withIdentity ? deps.prisma.child.findUniqueOrThrow({ where: { id: row.childId } }) : undefined,
      ]);
      if (child) {
        await deps.prisma.auditEvent.create({
          data: {
            actorType: 'staff',
            actorId: actor.id,
            action: 'child.identity.read',
            caseId: row.caseId,
            entity: 'child',
            entityId: child.id,
            reason: 'GET /leaving-care/{childId}',
          },
        });
      }
      // The protocol's order of the axes, as the pathway pinned them.
      const order = loadProtocol({ version: row.protocolVersion, province: row.provinceCode }).leavingCare
        .axes;
      axes.sort((a, b) => order.indexOf(a.axis) - order.indexOf(b.axis));
      return {
        body: {
          ...s.asDocumentedView(view),
          trigger: row.trigger as 'placement' | 'turned18' | 'api',
          enrolledAt: row.enrolledAt.toISOString(),
          completedAt: iso(row.completedAt),
          axes: axes.map((a) => ({
            axis: a.axis,
            status: a.status,
            ...(objectives ? { objectives: objectives.get(a.axis) ?? [] } : {}),
          })),
          ...(child ? { child: childIdentityOf(child) } : {}),
        },
      };
    },
  });

  // --- the pathway's steps --------------------------------------------------------------------

  step({
    path: '/mediator',
    operationId: 'assignMediator',
    summary: 'Assign (or change) the social mediator; open deadlines then remind the new mediator',
    action: 'leavingCare.mediatorAssignment',
    body: s.MediatorBody,
    update: mediatorAssignmentUpdate,
    prepare: async (body, { actor, pathway }) => {
      const staff = await deps.prisma.staff.findUnique({
        where: { id: body.mediatorId },
        select: { role: true, active: true, provinceCode: true },
      });
      if (!staff || staff.role !== 'mediator')
        throw invalidField('body.mediatorId', 'no mediator with this id');
      if (staff.provinceCode !== pathway.provinceCode) {
        throw invalidField('body.mediatorId', "must be a mediator of the pathway's province");
      }
      if (!staff.active) {
        throw new ProblemError(
          'conflict',
          `mediator ${body.mediatorId} is deactivated and cannot be assigned`,
        );
      }
      return { input: { actorId: actor.id, mediatorId: body.mediatorId } };
    },
  });

  step({
    path: '/programme',
    operationId: 'setProgramme',
    summary: 'Autonomy assessment done: the five-axis programme, each axis with its status and objectives',
    action: 'leavingCare.programme',
    body: s.ProgrammeBody,
    update: programmeUpdate,
    result: s.ReviewResult,
    prepare: async (body, { actor, pathway, ids }) => {
      const reviewId = ids.newId('review');
      return {
        input: {
          actorId: actor.id,
          reviewId,
          axes: body.axes.map((a) => ({ axis: a.axis, status: a.status, objectives: a.objectives.length })),
        },
        write: {
          kind: 'leavingCareObjectives',
          objectives: objectiveRows(pathway, reviewId, actor, body.axes, ids),
        },
        extra: { reviewId },
      };
    },
  });

  step({
    path: '/programme/reviews',
    operationId: 'reviewProgramme',
    summary: "Periodic review of the programme: every axis's status, and new objectives where they change",
    action: 'leavingCare.programme',
    body: s.ProgrammeReviewBody,
    update: programmeReviewUpdate,
    result: s.ReviewResult,
    prepare: async (body, { actor, pathway, ids }) => {
      const reviewId = ids.newId('review');
      const rows = objectiveRows(pathway, reviewId, actor, body.axes, ids);
      return {
        input: {
          actorId: actor.id,
          reviewId,
          axes: body.axes.map((a) => ({
            axis: a.axis,
            status: a.status,
            objectives: a.objectives?.length ?? 0,
          })),
        },
        ...(rows.length > 0 ? { write: { kind: 'leavingCareObjectives', objectives: rows } as const } : {}),
        extra: { reviewId },
      };
    },
  });

  step({
    path: '/exit-plan',
    operationId: 'recordExitPlan',
    summary: 'The exit plan: housing, income or training, identity documents, health coverage',
    action: 'leavingCare.exitPlan',
    body: s.ExitPlanBody,
    update: exitPlanUpdate,
    prepare: async (body, { actor }) => ({ input: { actorId: actor.id, items: body.items } }),
  });

  step({
    path: '/contacts',
    operationId: 'recordMediatorContact',
    summary: "The mediator's monthly contact with the young person after exit",
    action: 'leavingCare.contact',
    body: s.ContactBody,
    update: mediatorContactUpdate,
    prepare: async (_body, { actor }) => ({ input: { actorId: actor.id } }),
  });

  step({
    path: '/accompaniment',
    operationId: 'setAccompaniment',
    summary: 'Lengthen or shorten the accompaniment after exit (months in total)',
    action: 'leavingCare.accompaniment',
    body: s.AccompanimentBody,
    update: accompanimentUpdate,
    prepare: async (body, { actor }) => ({ input: { actorId: actor.id, months: body.months } }),
  });

  step({
    path: '/outcome',
    operationId: 'recordIntegrationOutcome',
    summary: 'The outcome per axis at the end of accompaniment (feeds the committee statistics)',
    action: 'leavingCare.outcome',
    body: s.OutcomeBody,
    update: integrationOutcomeUpdate,
    prepare: async (body, { actor }) => ({ input: { actorId: actor.id, outcomes: body.outcomes } }),
  });
}
