/** Referral routes: the handler refers; the partner the referral is addressed to acknowledges, declines, starts, reports. */
import type { Prisma } from '../../generated/prisma/client';
import { referralUpdate } from '../../workflows/case/definitions';
import { requestIdentity } from '../http/idempotency';
import {
  acknowledgementUpdate,
  declineUpdate,
  outcomeUpdate,
  referralWorkflowId,
  startUpdate,
  type ReferralView,
} from '../../workflows/referral/definitions';
import { authorize, scopeOf, type Action, type Actor } from '../auth/policy';
import { auditRead, caseHandle, loadCase } from '../cases/access';
import { decodeCursor, encodeCursor } from '../cases/cursor';
import { byReferralStep, isOverdue } from '../cases/read-model';
import { asDocumentedView } from '../cases/schemas';
import { withinDeadline, type ApiDeps } from '../deps';
import { invalidField, ProblemError } from '../http/problem';
import type { Routes } from '../http/route';
import type { z } from '../openapi/zod';
import * as s from './schemas';
import { stepRoutes } from '../steps/route';

async function loadReferral(deps: ApiDeps, actor: Actor, referralId: string, action: Action) {
  const row = await deps.prisma.referral.findUnique({
    where: { id: referralId },
    include: { case: { select: { provinceCode: true, reference: true } } },
  });
  const notFound = `no referral ${referralId}`;
  if (!row) throw new ProblemError('notFound', notFound);
  authorize(
    actor,
    action,
    { province: row.case.provinceCode, partnerId: row.partnerId },
    { readAction: 'referral.read', notFound },
  );
  return row;
}

type Row = Awaited<ReturnType<typeof loadReferral>>;
const iso = (d: Date | null) => d?.toISOString() ?? null;
const shape = (r: Row): z.infer<typeof s.Referral> => ({
  referralId: r.id,
  caseId: r.caseId,
  caseReference: r.case.reference,
  province: r.case.provinceCode,
  partnerId: r.partnerId,
  serviceType: r.serviceType,
  status: r.status,
  requestedAt: r.requestedAt.toISOString(),
  acknowledgedAt: iso(r.acknowledgedAt),
  declinedAt: iso(r.declinedAt),
  declineReason: r.declineReason,
  startedAt: iso(r.startedAt),
  outcome: r.outcome,
  outcomeAt: iso(r.outcomeAt),
  cancelledAt: iso(r.cancelledAt),
  cancelReason: r.cancelReason,
});

export function referralRoutes(routes: Routes, deps: ApiDeps): void {
  routes.route({
    method: 'post',
    path: '/cases/{caseId}/referrals',
    operationId: 'referCase',
    summary: 'Refer the child to a partner service (also: re-refer after a decline, with `replaces`)',
    tag: 'referrals',
    request: { params: s.CaseIdParams, body: s.ReferralBody },
    responses: { 201: { description: 'referral sent to the partner', schema: s.ReferralCreated } },
    problems: {
      409: "the workflow rejected the referral (e.g. a live referral for the same plan item, or the same service and partner, exists); `detail` gives the validator's reason",
    },
    handle: async ({ actor, params, body, res }) => {
      const ids = requestIdentity(res);
      const kase = await loadCase(deps, actor, params.caseId, 'case.referral');
      const partner = await deps.prisma.partner.findUnique({
        where: { id: body.partnerId },
        select: { active: true },
      });
      if (!partner) throw invalidField('body.partnerId', 'unknown partner');
      if (!partner.active) {
        throw new ProblemError(
          'conflict',
          `partner ${body.partnerId} is deactivated: choose another service`,
        );
      }
      // Named here, so a retry with the same Idempotency-Key names the same referral.
      const referralId = ids.newId('referral');
      const view = await withinDeadline(deps, () =>
        caseHandle(deps, kase.id).executeUpdate(referralUpdate, {
          ...(ids.updateId ? { updateId: ids.updateId } : {}),
          args: [
            {
              actorId: actor.id,
              referralId,
              serviceType: body.serviceType,
              partnerId: body.partnerId,
              ...(body.planItemId ? { planItemId: body.planItemId } : {}),
              ...(body.replaces ? { replaces: body.replaces } : {}),
            },
          ],
        }),
      );
      return { status: 201, body: { referralId, case: asDocumentedView(view) } };
    },
  });

  routes.route({
    method: 'get',
    path: '/referrals',
    operationId: 'listReferrals',
    summary: 'Referrals visible to the caller (a partner sees those addressed to its service), oldest first',
    tag: 'referrals',
    request: { query: s.ReferralListQuery },
    responses: { 200: { description: 'one page of referrals', schema: s.ReferralPage } },
    handle: async ({ actor, query }) => {
      const scope = scopeOf(actor, 'referral.list');
      const province = query.province ?? (scope === 'ownProvince' ? actor.province : undefined);
      authorize(actor, 'referral.list', { province: province ?? actor.province, partnerId: actor.partnerId });
      const cursor = query.cursor ? decodeCursor(query.cursor, 'query.cursor') : undefined;
      const where: Prisma.ReferralWhereInput = {
        ...(scope === 'ownPartner' ? { partnerId: actor.partnerId ?? '' } : {}),
        ...(province ? { case: { provinceCode: province } } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(cursor
          ? { OR: [{ requestedAt: { gt: cursor.at } }, { requestedAt: cursor.at, id: { gt: cursor.id } }] }
          : {}),
      };
      const rows = await deps.prisma.referral.findMany({
        where,
        orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }],
        take: query.limit + 1,
        include: { case: { select: { provinceCode: true, reference: true } } },
      });
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      await auditRead(deps, actor, {
        action: 'referral.list',
        caseId: null,
        entity: 'referral',
        entityId: null,
        route: 'GET /referrals',
        details: {
          filters: { ...query, cursor: undefined },
          referralIds: page.map((r) => r.id),
          caseIds: [...new Set(page.map((r) => r.caseId))],
        },
      });
      return {
        body: {
          items: page.map(shape),
          nextCursor:
            rows.length > query.limit && last ? encodeCursor({ at: last.requestedAt, id: last.id }) : null,
        },
      };
    },
  });

  routes.route({
    method: 'get',
    path: '/referrals/{referralId}',
    operationId: 'getReferral',
    summary: 'A referral, with its open deadlines and the timeline of every one',
    tag: 'referrals',
    request: { params: s.ReferralIdParams },
    responses: { 200: { description: 'the referral', schema: s.ReferralDetails } },
    handle: async ({ actor, params }) => {
      const row = await loadReferral(deps, actor, params.referralId, 'referral.read');
      // The referral's own deadlines (acknowledgement, service start; a re-referral after a decline).
      const steps = (
        await deps.prisma.stepRecord.findMany({
          where: { caseId: row.caseId, subjectId: row.id },
          orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
          include: { escalations: { select: { level: true } } },
        })
      ).sort(byReferralStep);
      const now = new Date();
      const deadlines = steps.map((d) => ({
        stepRecordId: d.id,
        step: d.step,
        openedAt: d.openedAt.toISOString(),
        dueAt: d.dueAt.toISOString(),
        completedAt: d.completedAt?.toISOString() ?? null,
        outcome: d.outcome,
        overdue: isOverdue(d, d.escalations.length, now),
        escalationLevel: Math.max(-1, ...d.escalations.map((e) => e.level)),
      }));
      await auditRead(deps, actor, {
        action: 'referral.read',
        caseId: row.caseId,
        entity: 'referral',
        entityId: row.id,
        route: 'GET /referrals/{referralId}',
      });
      return {
        body: {
          ...shape(row),
          openDeadlines: deadlines
            .filter((d) => d.completedAt === null && d.step !== 'referralReassignment')
            .map(({ step, dueAt, escalationLevel }) => ({ step, dueAt, escalationLevel })),
          deadlines,
        },
      };
    },
  });

  const partnerStep = stepRoutes(routes, deps, {
    base: '/referrals/{referralId}',
    tag: 'referrals',
    params: s.ReferralIdParams,
    result: { schema: s.ReferralStepResult, description: 'done; the referral as it is now' },
    conflict: "the referral workflow rejected the step; `detail` gives the validator's reason",
    load: (actor, params, action) => loadReferral(deps, actor, params.referralId, action),
    context: (referral) => ({ referral }),
    workflow: (referral) => deps.temporal.workflow.getHandle(referralWorkflowId(referral.id)),
    caseIdOf: (referral) => referral.caseId,
    answer: (view: ReferralView) => ({ referral: view }),
  });

  partnerStep({
    path: '/acknowledgement',
    operationId: 'acknowledgeReferral',
    summary: 'The partner acknowledges the referral (its service-start deadline begins)',
    action: 'referral.acknowledgement',
    body: s.EmptyBody,
    update: acknowledgementUpdate,
    prepare: async (_body, { actor }) => ({ input: { actorId: actor.id } }),
  });
  partnerStep({
    path: '/decline',
    operationId: 'declineReferral',
    summary: 'The partner declines, with a reason; the handler must re-refer',
    action: 'referral.decline',
    body: s.DeclineBody,
    update: declineUpdate,
    prepare: async (body, { actor }) => ({ input: { actorId: actor.id, reason: body.reason } }),
  });
  partnerStep({
    path: '/start',
    operationId: 'startReferral',
    summary: 'The partner reports that the service has started',
    action: 'referral.start',
    body: s.EmptyBody,
    update: startUpdate,
    prepare: async (_body, { actor }) => ({ input: { actorId: actor.id } }),
  });
  partnerStep({
    path: '/outcome',
    operationId: 'recordReferralOutcome',
    summary: "The partner reports the service's outcome",
    action: 'referral.outcome',
    body: s.OutcomeBody,
    update: outcomeUpdate,
    prepare: async (body, { actor }) => ({ input: { actorId: actor.id, outcome: body.outcome } }),
  });
}
