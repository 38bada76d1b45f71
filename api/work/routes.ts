/** GET /work: what the signed-in person must act on, soonest deadline first (issue 14). */
import { authorize } from '../auth/policy';
import { auditRead } from '../cases/access';
import { decodeCursor, encodeCursor } from '../cases/cursor';
import type { ApiDeps } from '../deps';
import type { Routes } from '../http/route';
import type { z } from '../openapi/zod';
import { NO_DEADLINE, workPage } from './queries';
import * as s from './schemas';

const iso = (v: string | null) => (v === null ? null : new Date(v).toISOString());

export function workRoutes(routes: Routes, deps: ApiDeps): void {
  routes.route({
    method: 'get',
    path: '/work',
    operationId: 'listWork',
    summary: "The caller's work list: what they must act on, soonest deadline first, overdue marked",
    description:
      "A handler: the open steps of their cases and their unit's unassigned ones (a deactivated assignee's " +
      "cases included); a supervisor: approvals, transfers to accept, the unit's late steps; a coordinator: " +
      'rung-2 escalations and late partners; the committee: rung-3 escalations; a partner: referrals to ' +
      'acknowledge, start or close; a mediator: the steps of their pathways (contacts due) and of pathways ' +
      'without a mediator. Read from the case database; `counts` gives every kind for a badge.',
    tag: 'work',
    request: { query: s.WorkQuery },
    responses: { 200: { description: 'one page of work items', schema: s.WorkPage } },
    handle: async ({ actor, query }) => {
      authorize(actor, 'work.list', {});
      const now = new Date();
      const after = query.cursor ? decodeCursor(query.cursor, 'query.cursor') : undefined;
      const { rows, counts } = await workPage(deps.prisma, actor, {
        ...(query.kind ? { kind: query.kind } : {}),
        limit: query.limit,
        ...(after ? { after } : {}),
        now,
      });
      const page = rows.slice(0, query.limit);
      const ids = (pick: (r: (typeof page)[number]) => string | null) => [
        ...new Set(page.map(pick).filter((v): v is string => v !== null)),
      ];
      const subjects = ids((r) => r.subject_id);
      const stepRecords = ids((r) => r.step_record_id);
      const [cases, referrals, pathways, transfers, levels] = await Promise.all([
        deps.prisma.case.findMany({
          where: { id: { in: ids((r) => r.case_id) } },
          select: { id: true, reference: true, provinceCode: true, risk: true, assigneeId: true },
        }),
        deps.prisma.referral.findMany({
          where: { id: { in: subjects } },
          select: { id: true, partnerId: true, serviceType: true },
        }),
        deps.prisma.leavingCarePathway.findMany({
          where: { id: { in: subjects } },
          select: { id: true, childId: true },
        }),
        deps.prisma.transfer.findMany({ where: { id: { in: subjects } }, select: { id: true } }),
        deps.prisma.escalation.groupBy({
          by: ['stepRecordId'],
          where: { stepRecordId: { in: stepRecords } },
          _max: { level: true },
        }),
      ]);
      const caseOf = new Map(cases.map((c) => [c.id, c]));
      const referralOf = new Map(referrals.map((r) => [r.id, r]));
      const pathwayOf = new Map(pathways.map((p) => [p.id, p]));
      const transferIds = new Set(transfers.map((t) => t.id));
      const levelOf = new Map(levels.map((l) => [l.stepRecordId, l._max.level ?? -1]));
      const items: z.infer<typeof s.WorkItem>[] = page.map((r) => {
        const kase = caseOf.get(r.case_id);
        const referral = r.subject_id ? referralOf.get(r.subject_id) : undefined;
        const pathway = r.subject_id ? pathwayOf.get(r.subject_id) : undefined;
        const due = iso(r.due_at);
        return {
          itemId: r.item_id,
          kind: r.kind,
          step: r.step,
          caseId: r.case_id,
          caseReference: kase?.reference ?? '',
          province: kase?.provinceCode ?? '',
          risk: kase?.risk ?? null,
          assigneeId: kase?.assigneeId ?? null,
          stepRecordId: r.step_record_id,
          referralId: referral ? referral.id : null,
          partnerId: referral?.partnerId ?? null,
          serviceType: referral?.serviceType ?? null,
          childId: pathway?.childId ?? null,
          pathwayId: pathway?.id ?? null,
          transferId: r.subject_id && transferIds.has(r.subject_id) ? r.subject_id : null,
          escalationId: r.escalation_id,
          escalationLevel: r.level ?? (r.step_record_id ? (levelOf.get(r.step_record_id) ?? -1) : -1),
          openedAt: new Date(r.opened_at).toISOString(),
          dueAt: due,
          overdue: r.overdue,
        };
      });
      const last = page[page.length - 1];
      await auditRead(deps, actor, {
        action: 'work.list',
        caseId: null,
        entity: 'case',
        entityId: null,
        route: 'GET /work',
        details: { kind: query.kind ?? null, caseIds: [...new Set(items.map((i) => i.caseId))] },
      });
      return {
        body: {
          items,
          counts,
          total: counts.reduce((n, c) => n + c.total, 0),
          overdue: counts.reduce((n, c) => n + c.overdue, 0),
          nextCursor:
            rows.length > query.limit && last
              ? encodeCursor({ at: last.due_at ? new Date(last.sort_at) : NO_DEADLINE, id: last.item_id })
              : null,
        },
      };
    },
  });
}
