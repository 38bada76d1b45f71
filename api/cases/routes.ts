/**
 * The case routes. Each handler: authenticate (route), validate (route), load the case under the
 * policy, save the rows that hold narratives as pending writes of the workflow update (confirmed
 * by the workflow when it accepts the step, removed when it refuses it: lib/step-writes.ts), call
 * the workflow, shape the answer.
 */
import { type Prisma } from '../../generated/prisma/client';
import {
  assessmentUpdate,
  assignmentUpdate,
  checkBackUpdate,
  closureApprovalUpdate,
  closureUpdate,
  emergencyUpdate,
  judicialNotificationUpdate,
  planApprovalUpdate,
  planUpdate,
  reviewUpdate,
  screeningUpdate,
  transferAcceptanceUpdate,
  transferUpdate,
  type CaseView as WorkflowCaseView,
} from '../../workflows/case/definitions';
import { allows, authorize, listedProvince } from '../auth/policy';
import type { ApiDeps } from '../deps';
import { requestIdentity } from '../http/idempotency';
import { invalidField, ProblemError } from '../http/problem';
import type { Routes } from '../http/route';
import { z } from '../openapi/zod';
import { auditRead, caseHandle, loadCase } from './access';
import { decodeCursor, encodeCursor } from './cursor';
import { loadCaseData } from './case-data';
import { caseFileOf, readTimeline } from './file';
import { isOverdue } from './read-model';
import { addConcern, reportCase } from './report';
import * as s from './schemas';
import { stepRoutes } from '../steps/route';

export function caseRoutes(routes: Routes, deps: ApiDeps): void {
  const step = stepRoutes(routes, deps, {
    base: '/cases/{caseId}',
    tag: 'case steps',
    params: s.CaseIdParams,
    result: { schema: s.StepResult, description: 'the step is done; the case as it is now' },
    conflict:
      "the workflow rejected the step (out of order or invalid); `detail` gives the validator's reason",
    load: (actor, params, action) => loadCase(deps, actor, params.caseId, action),
    context: (kase) => ({ kase }),
    workflow: (kase) => caseHandle(deps, kase.id),
    caseIdOf: (kase) => kase.id,
    answer: (view: WorkflowCaseView) => ({ case: s.asDocumentedView(view) }),
  });

  // --- report, read, list, audit -------------------------------------------------------------

  routes.route({
    method: 'post',
    path: '/cases',
    operationId: 'reportCase',
    summary: 'Report a concern: opens a case, or joins the open case of the same child (200)',
    description:
      'Give `childId` for a known child or `child` for a new one (names, or an `alias` when they are ' +
      'not known; `birthDate`, or an `estimatedAge`). A report about a child with an open case in the ' +
      'province is added to that case as a new concern. An identity equal to a child the caller may ' +
      'know (one with a case in a province they may read) without an open case answers 409 with the ' +
      '`childId` to report with; a child known only to another province is never revealed: the report ' +
      "opens a new child and both provinces' coordinators are told of the possible match.",
    tag: 'cases',
    request: { body: s.CreateCaseBody },
    responses: {
      201: { description: 'case opened and its workflow started', schema: s.CaseCreated },
      200: { description: 'the report joined the open case of this child', schema: s.CaseCreated },
    },
    problems: {
      404: 'no child with this `childId` that the caller may know',
      409: 'this identity is a known child: report with the `childId` given in the problem',
    },
    handle: async ({ actor, body, req, res }) => reportCase(deps, actor, body, req.log, requestIdentity(res)),
  });

  routes.route({
    method: 'get',
    path: '/cases',
    operationId: 'listCases',
    summary: 'Cases visible to the caller, oldest first, with filters and cursor pagination',
    tag: 'cases',
    request: { query: s.CaseListQuery },
    responses: { 200: { description: 'one page of cases (no child identity)', schema: s.CasePage } },
    handle: async ({ actor, query }) => {
      const province = listedProvince(actor, 'case.list', query.province);
      const cursor = query.cursor ? decodeCursor(query.cursor, 'query.cursor') : undefined;
      const now = new Date();
      // Past its deadline on this clock, or on the workflow's (a rung has fired: see isOverdue).
      const openOverdue: Prisma.StepRecordWhereInput = {
        completedAt: null,
        OR: [{ dueAt: { lte: now } }, { escalations: { some: {} } }],
      };
      const where: Prisma.CaseWhereInput = {
        ...(province ? { provinceCode: province } : {}),
        ...(query.step ? { step: query.step } : {}),
        ...(query.risk ? { risk: query.risk } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.assignee ? { assigneeId: query.assignee } : {}),
        ...(query.overdue === 'true' ? { stepRecords: { some: openOverdue } } : {}),
        ...(query.overdue === 'false' ? { stepRecords: { none: openOverdue } } : {}),
        ...(cursor
          ? { OR: [{ openedAt: { gt: cursor.at } }, { openedAt: cursor.at, id: { gt: cursor.id } }] }
          : {}),
      };
      const rows = await deps.prisma.case.findMany({
        where,
        orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
        take: query.limit + 1,
        include: {
          stepRecords: {
            where: { completedAt: null },
            select: { dueAt: true, completedAt: true, _count: { select: { escalations: true } } },
          },
        },
      });
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      await auditRead(deps, actor, {
        action: 'case.list',
        caseId: null,
        entity: 'case',
        entityId: null,
        route: 'GET /cases',
        details: { filters: { ...query, cursor: undefined }, caseIds: page.map((c) => c.id) },
      });
      return {
        body: {
          items: page.map((c) => {
            const due = c.stepRecords.map((r) => r.dueAt.getTime()).sort((a, b) => a - b);
            return {
              caseId: c.id,
              reference: c.reference,
              province: c.provinceCode,
              unitId: c.unitId,
              step: c.step,
              risk: c.risk,
              urgent: c.urgent,
              status: c.status,
              assigneeId: c.assigneeId,
              openedAt: c.openedAt.toISOString(),
              closedAt: c.closedAt?.toISOString() ?? null,
              overdue: c.stepRecords.some((r) => isOverdue(r, r._count.escalations, now)),
              nextDueAt: due.length > 0 ? new Date(due[0] ?? 0).toISOString() : null,
            };
          }),
          nextCursor:
            rows.length > query.limit && last ? encodeCursor({ at: last.openedAt, id: last.id }) : null,
        },
      };
    },
  });

  routes.route({
    method: 'get',
    path: '/cases/{caseId}',
    operationId: 'getCase',
    summary:
      'The whole case file: step, risk, deadlines, escalations, and every record of the circuit (content and the child for roles that may see them)',
    description:
      'Read from the case database only (a closed case whose workflow history is gone reads the same). ' +
      'Narratives, notes, assessment sections, objectives and return reasons are present for content ' +
      'readers (handler, supervisor, coordinator, auditor), absent for the others; the child and the ' +
      'reporter for identity readers. Every read is audited: `child.identity.read`, `case.content.read` or `case.read`.',
    tag: 'cases',
    request: { params: s.CaseIdParams },
    responses: { 200: { description: 'the case file', schema: s.CaseDetails } },
    handle: async ({ actor, params }) => {
      // One statement reads the case and its whole file; the policy is applied to what it read (as
      // loadCase does). The child is read with it and dropped unless the role may see it.
      const data = await loadCaseData(deps.prisma, params.caseId, true);
      const notFound = `no case ${params.caseId}`;
      if (!data) throw new ProblemError('notFound', notFound);
      const kase = { id: data.case.id, childId: data.case.childId };
      const scope = {
        province: data.case.provinceCode,
        receivingProvince: data.transfers.find((t) => t.status === 'pending')?.toProvinceCode ?? null,
      };
      authorize(actor, 'case.read', scope, { readAction: 'case.read', notFound });
      const access = {
        identity: allows(actor, 'case.readIdentity', scope),
        content: allows(actor, 'case.readContent', scope),
      };
      const file = caseFileOf(data, access);
      const child = access.identity ? data.child : null;
      await auditRead(deps, actor, {
        ...(child
          ? { action: 'child.identity.read', entity: 'child', entityId: child.id }
          : access.content
            ? { action: 'case.content.read', entity: 'case', entityId: kase.id }
            : { action: 'case.read', entity: 'case', entityId: kase.id }),
        caseId: kase.id,
        route: 'GET /cases/{caseId}',
        details: { identity: child !== null, content: access.content },
      });
      return {
        body: {
          ...file,
          ...(child
            ? {
                child: {
                  childId: child.id,
                  firstName: child.firstName,
                  lastName: child.lastName,
                  alias: child.alias,
                  birthDate: child.birthDate,
                  birthDateApproximate: child.birthDateApproximate,
                  sex: child.sex,
                  nationality: child.nationality,
                  migrantStatus: child.migrantStatus,
                  civilRegistration: child.civilRegistration,
                },
              }
            : {}),
        },
      };
    },
  });

  routes.route({
    method: 'get',
    path: '/cases/{caseId}/timeline',
    operationId: 'getCaseTimeline',
    summary: "The case's timeline: each step opened, due, done and how late; each rung; each message",
    description: 'Codes and dates only (no narrative, no identity), for every role that may read the case.',
    tag: 'cases',
    request: { params: s.CaseIdParams },
    responses: { 200: { description: 'the timeline, oldest step first', schema: s.CaseTimeline } },
    handle: async ({ actor, params }) => {
      const kase = await loadCase(deps, actor, params.caseId, 'case.readTimeline');
      const timeline = await readTimeline(deps.prisma, kase.id);
      if (!timeline) throw new ProblemError('notFound', `no case ${kase.id}`);
      await auditRead(deps, actor, {
        action: 'case.timeline.read',
        caseId: kase.id,
        entity: 'case',
        entityId: kase.id,
        route: 'GET /cases/{caseId}/timeline',
      });
      return { body: timeline };
    },
  });

  routes.route({
    method: 'get',
    path: '/cases/{caseId}/audit',
    operationId: 'getCaseAudit',
    summary: "The case's audit trail: who did what, when and why (supervisor, auditor)",
    tag: 'cases',
    request: { params: s.CaseIdParams, query: s.AuditQuery },
    responses: { 200: { description: 'one page of audit events, oldest first', schema: s.AuditPage } },
    handle: async ({ actor, params, query }) => {
      const kase = await loadCase(deps, actor, params.caseId, 'case.readAudit');
      const after = query.cursor ? decodeCursor(query.cursor, 'query.cursor') : undefined;
      if (after && !/^\d+$/.test(after.id))
        throw invalidField('query.cursor', 'not a cursor returned by this API');
      const rows = await deps.prisma.auditEvent.findMany({
        where: { caseId: kase.id, ...(after ? { id: { gt: BigInt(after.id) } } : {}) },
        orderBy: { id: 'asc' },
        take: query.limit + 1,
      });
      await auditRead(deps, actor, {
        action: 'audit.read',
        caseId: kase.id,
        entity: 'case',
        entityId: kase.id,
        route: 'GET /cases/{caseId}/audit',
      });
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        body: {
          items: page.map((e) => ({
            id: e.id.toString(),
            at: e.at.toISOString(),
            actorType: e.actorType,
            actorId: e.actorId,
            action: e.action,
            entity: e.entity,
            entityId: e.entityId,
            reason: e.reason,
            details: e.details ?? null,
          })),
          nextCursor:
            rows.length > query.limit && last ? encodeCursor({ at: last.at, id: last.id.toString() }) : null,
        },
      };
    },
  });

  // --- the protocol's human steps -------------------------------------------------------------

  step({
    path: '/screening',
    operationId: 'screenCase',
    summary: 'Reception, listening and screening: set the risk level and immediate needs',
    action: 'case.screening',
    body: s.ScreeningBody,
    update: screeningUpdate,
    result: s.StepResult.extend({ screeningId: z.uuid() }).openapi('ScreeningResult'),
    prepare: async (body, { actor, kase, ids }) => {
      const screeningId = ids.newId('screening');
      return {
        input: {
          actorId: actor.id,
          screeningId,
          risk: body.risk,
          immediateNeeds: body.immediateNeeds,
          injury: body.injury,
          categories: body.categories,
        },
        write: {
          kind: 'screening',
          screening: {
            id: screeningId,
            caseId: kase.id,
            risk: body.risk,
            immediateNeeds: body.immediateNeeds,
            injury: body.injury,
            categories: body.categories,
            notes: body.notes ?? null,
            screenedById: actor.id,
            screenedAt: new Date().toISOString(),
          },
        },
        extra: { screeningId },
      };
    },
  });

  step({
    path: '/emergency',
    operationId: 'recordEmergencyProtection',
    summary: 'Emergency protection done (immediate medical or social assistance, safe placement)',
    action: 'case.emergency',
    body: s.EmergencyBody,
    update: emergencyUpdate,
    prepare: async (body, { actor, kase, ids }) => ({
      input: { actorId: actor.id, measures: body.measures },
      write: {
        kind: 'emergencyMeasure',
        measure: {
          id: ids.newId('emergency'),
          caseId: kase.id,
          measures: body.measures,
          notes: body.notes ?? null,
          recordedAt: new Date().toISOString(),
          recordedById: actor.id,
        },
      },
    }),
  });

  step({
    path: '/judicial-notification',
    operationId: 'recordJudicialNotification',
    summary: 'Judicial notification sent to, or acknowledged by, the public prosecutor',
    action: 'case.judicialNotification',
    body: s.JudicialNotificationBody,
    update: judicialNotificationUpdate,
    prepare: async (body, { actor, kase, ids }) => ({
      input: { actorId: actor.id, status: body.status },
      write: {
        kind: 'judicialNotification',
        notification: {
          id: ids.newId('judicial-notification'),
          caseId: kase.id,
          status: body.status,
          notes: body.notes ?? null,
          recordedAt: new Date().toISOString(),
          recordedById: actor.id,
        },
      },
    }),
  });

  step({
    path: '/assessment',
    operationId: 'assessCase',
    summary: 'Assessment: social, health, psychological, educational and legal situation',
    action: 'case.assessment',
    body: s.AssessmentBody,
    update: assessmentUpdate,
    result: s.StepResult.extend({ assessmentId: z.uuid() }).openapi('AssessmentResult'),
    prepare: async (body, { actor, kase, ids }) => {
      const assessmentId = ids.newId('assessment');
      return {
        input: { actorId: actor.id, assessmentId, ...(body.risk ? { risk: body.risk } : {}) },
        write: {
          kind: 'assessment',
          assessment: {
            id: assessmentId,
            caseId: kase.id,
            social: body.social ?? null,
            health: body.health ?? null,
            psychological: body.psychological ?? null,
            educational: body.educational ?? null,
            legal: body.legal ?? null,
            riskAfter: body.risk ?? null,
            assessedById: actor.id,
            assessedAt: new Date().toISOString(),
          },
        },
        extra: { assessmentId },
      };
    },
  });

  step({
    path: '/plan',
    operationId: 'submitPlan',
    summary: 'Submit the individual protection plan (services, each with a responsible partner) for approval',
    action: 'case.plan',
    body: s.PlanBody,
    update: planUpdate,
    result: s.PlanResult,
    prepare: async (body, { deps: d, actor, kase, ids }) => {
      const partnerIds = [...new Set(body.items.map((i) => i.partnerId))];
      const partners = new Map(
        (
          await d.prisma.partner.findMany({
            where: { id: { in: partnerIds } },
            select: { id: true, active: true },
          })
        ).map((p) => [p.id, p]),
      );
      const unknown = body.items.flatMap((item, i) =>
        partners.has(item.partnerId)
          ? []
          : [{ path: `body.items[${i}].partnerId`, message: 'unknown partner' }],
      );
      if (unknown.length > 0) {
        throw new ProblemError(
          'validation',
          unknown.map((e) => `${e.path}: ${e.message}`).join('; '),
          unknown,
        );
      }
      const inactive = partnerIds.filter((id) => partners.get(id)?.active === false);
      if (inactive.length > 0) {
        throw new ProblemError(
          'conflict',
          `partner ${inactive.join(', ')} is deactivated: choose another service`,
        );
      }
      const planId = ids.newId('plan');
      const items = body.items.map((item, i) => ({ planItemId: ids.newId(`plan/item/${i}`), ...item }));
      return {
        input: {
          actorId: actor.id,
          planId,
          items: items.map(({ planItemId, serviceType, partnerId }) => ({
            planItemId,
            serviceType,
            partnerId,
          })),
          ...(body.reviewFrequencyDays ? { reviewFrequencyDays: body.reviewFrequencyDays } : {}),
        },
        write: {
          kind: 'plan',
          plan: {
            id: planId,
            caseId: kase.id,
            submittedAt: new Date().toISOString(),
            reviewFrequencyDays: body.reviewFrequencyDays ?? null,
            items: items.map((i) => ({
              id: i.planItemId,
              serviceType: i.serviceType,
              partnerId: i.partnerId,
              objective: i.objective ?? null,
            })),
          },
        },
        extra: {
          planId,
          items: items.map(({ planItemId, serviceType, partnerId }) => ({
            planItemId,
            serviceType,
            partnerId,
          })),
        },
      };
    },
  });

  step({
    path: '/plan/approval',
    operationId: 'decidePlan',
    summary: 'Supervisor approves the submitted plan (referrals are sent) or returns it to the handler',
    action: 'case.planApproval',
    body: s.DecisionBody,
    update: planApprovalUpdate,
    prepare: async (body, { actor, kase }) => ({
      input: { actorId: actor.id, decision: body.decision },
      write: {
        kind: 'planDecision',
        decision: {
          caseId: kase.id,
          status: body.decision === 'approve' ? 'approved' : 'returned',
          decidedAt: new Date().toISOString(),
          decidedById: actor.id,
          returnReason: body.decision === 'return' ? (body.reason ?? null) : null,
        },
      },
    }),
  });

  step({
    path: '/reviews',
    operationId: 'reviewCase',
    summary: "Follow-up review of the child's situation and the plan",
    action: 'case.review',
    body: s.ReviewBody,
    update: reviewUpdate,
    result: s.StepResult.extend({ reviewId: z.uuid() }).openapi('ReviewResult'),
    prepare: async (body, { actor, kase, ids }) => {
      const reviewId = ids.newId('review');
      return {
        input: { actorId: actor.id, reviewId, risk: body.risk, decision: body.decision },
        write: {
          kind: 'review',
          review: {
            id: reviewId,
            caseId: kase.id,
            riskBefore: kase.risk,
            riskAfter: body.risk,
            decision: body.decision,
            notes: body.notes ?? null,
            reviewedById: actor.id,
            reviewedAt: new Date().toISOString(),
          },
        },
        extra: { reviewId },
      };
    },
  });

  step({
    path: '/assignment',
    operationId: 'assignCase',
    summary: 'Assign (or reassign) the case to a staff member of its province; deadlines keep running',
    action: 'case.assignment',
    body: s.AssignmentBody,
    update: assignmentUpdate,
    prepare: async (body, { deps: d, actor, kase }) => {
      const assignee = await d.prisma.staff.findUnique({
        where: { id: body.assigneeId },
        select: { provinceCode: true, active: true, role: true },
      });
      if (!assignee) throw invalidField('body.assigneeId', 'unknown staff member');
      if (assignee.provinceCode !== kase.provinceCode) {
        throw invalidField('body.assigneeId', "must be a staff member of the case's province");
      }
      if (!['handler', 'supervisor'].includes(assignee.role)) {
        throw invalidField('body.assigneeId', 'cases are assigned to a handler or a supervisor');
      }
      if (!assignee.active) {
        throw new ProblemError(
          'conflict',
          `staff member ${body.assigneeId} is deactivated and cannot be assigned`,
        );
      }
      return { input: { actorId: actor.id, assigneeId: body.assigneeId } };
    },
  });

  step({
    path: '/transfer',
    operationId: 'requestTransfer',
    summary: 'Ask another province to take the case over (its supervisor must accept)',
    action: 'case.transfer',
    body: s.TransferBody,
    update: transferUpdate,
    prepare: async (body, { deps: d, actor }) => {
      if (!(await d.prisma.province.count({ where: { code: body.toProvince } }))) {
        throw invalidField('body.toProvince', 'unknown province');
      }
      return { input: { actorId: actor.id, toProvince: body.toProvince } };
    },
  });

  step({
    path: '/transfer/acceptance',
    operationId: 'decideTransfer',
    summary: 'Supervisor of the receiving province accepts or refuses a pending transfer',
    description:
      "The receiving province's supervisors are told by mail when the transfer is requested and may " +
      'read the case (child identity included, audited) until they decide.',
    action: 'case.transferAcceptance',
    body: s.TransferAcceptanceBody,
    update: transferAcceptanceUpdate,
    prepare: async (body, { actor }) => ({ input: { actorId: actor.id, accept: body.accept } }),
  });

  step({
    path: '/closure',
    operationId: 'requestClosure',
    summary: 'Ask the supervisor to close the case, with the reason',
    description:
      'Refused (409) while a screening, emergency protection or judicial notification is open, except ' +
      'where the protocol lets the reason close over it (an untraceable or deceased child cannot be ' +
      'screened); each reason is allowed from the steps the protocol lists. A new concern withdraws a ' +
      'pending request (the supervisor is told).',
    action: 'case.closure',
    body: s.ClosureBody,
    update: closureUpdate,
    result: s.StepResult.extend({ closureId: z.uuid() }).openapi('ClosureResult'),
    prepare: async (body, { actor, kase, ids }) => {
      const closureId = ids.newId('closure');
      return {
        input: { actorId: actor.id, reason: body.reason, closureId },
        write: {
          kind: 'closure',
          closure: {
            id: closureId,
            caseId: kase.id,
            reason: body.reason,
            notes: body.notes ?? null,
            // The step it was asked from (the workflow's validator refuses one asked from elsewhere).
            fromStep: kase.step,
            requestedAt: new Date().toISOString(),
            requestedById: actor.id,
          },
        },
        extra: { closureId },
      };
    },
  });

  step({
    path: '/closure/approval',
    operationId: 'decideClosure',
    summary: 'Supervisor approves the closure (running referrals are cancelled) or returns it',
    action: 'case.closureApproval',
    body: s.ClosureApprovalBody,
    update: closureApprovalUpdate,
    prepare: async (body, { actor, kase, ids }) => ({
      input: { actorId: actor.id, decision: body.decision },
      // The decision on the pending request; its status is the workflow's to set (another row).
      write: {
        kind: 'closureDecision',
        decision: {
          id: ids.newId('closure-decision'),
          caseId: kase.id,
          decision: body.decision,
          reason: body.decision === 'return' ? (body.reason ?? null) : null,
          decidedAt: new Date().toISOString(),
          decidedById: actor.id,
        },
      },
    }),
  });

  step({
    path: '/closure/check-back',
    operationId: 'recordCheckBack',
    summary: 'Check-back some time after closing a high-risk case',
    action: 'case.checkBack',
    body: s.CheckBackBody,
    update: checkBackUpdate,
    prepare: async (body, { actor, kase, ids }) => ({
      input: { actorId: actor.id, outcome: body.outcome },
      write: {
        kind: 'checkBack',
        checkBack: {
          id: ids.newId('check-back'),
          caseId: kase.id,
          outcome: body.outcome,
          notes: body.notes ?? null,
          recordedAt: new Date().toISOString(),
          recordedById: actor.id,
        },
      },
    }),
  });

  routes.route({
    method: 'post',
    path: '/cases/{caseId}/concerns',
    operationId: 'reportConcern',
    summary: 'A new concern about the child of an open case: recorded, and the case is screened again',
    tag: 'case steps',
    request: { params: s.CaseIdParams, body: s.ReportInput },
    responses: {
      202: { description: 'the report is recorded; the case opens a screening', schema: s.ConcernAccepted },
    },
    problems: { 409: 'the case is closed: report with POST /cases instead' },
    handle: async ({ actor, params, body, res }) => {
      const kase = await loadCase(deps, actor, params.caseId, 'case.concern');
      if (kase.status !== 'open')
        throw new ProblemError('conflict', 'the case is closed: report with POST /cases');
      const { reportId } = await addConcern(deps, actor, kase, body, requestIdentity(res));
      return { status: 202, body: { caseId: kase.id, reportId } };
    },
  });
}
