/** GET /work: what the signed-in person must act on, soonest deadline first (issue 14). */
import { authorize } from '../auth/policy';
import { auditRead } from '../cases/access';
import { decodeCursor, encodeCursor } from '../cases/cursor';
import type { ApiDeps } from '../deps';
import type { Routes } from '../http/route';
import type { z } from '../openapi/zod';
import type { WorkCounts } from './counts';
import { NO_DEADLINE, workPage } from './queries';
import * as s from './schemas';

const iso = (v: string | null) => (v === null ? null : new Date(v).toISOString());

export function workRoutes(routes: Routes, deps: ApiDeps, counted: WorkCounts): void {
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
      'without a mediator. Read from the case database; `counts` gives every kind for a badge. A kind whose ' +
      'items all fit in the page is counted from it; a longer list (or a page after a cursor or filter) ' +
      "uses the person's counts of up to WORK_COUNTS_TTL_MS (5 s) ago, taken again after their own change: `countedAt`.",
    tag: 'work',
    request: { query: s.WorkQuery },
    responses: { 200: { description: 'one page of work items', schema: s.WorkPage } },
    handle: async ({ actor, query }) => {
      authorize(actor, 'work.list', {});
      const now = new Date();
      const after = query.cursor ? decodeCursor(query.cursor, 'query.cursor') : undefined;
      const filters = {
        kind: query.kind ?? null,
        step: query.step ?? null,
        risk: query.risk ?? null,
        overdue: query.overdue ?? null,
      };
      const route = 'GET /work';
      const { rows, counts, matched, countedAt, fresh, audited } = await workPage(deps.prisma, actor, {
        earlier: counted.get(actor, now.getTime()),
        ...(query.kind ? { kind: query.kind } : {}),
        ...(query.step ? { step: query.step } : {}),
        ...(query.risk ? { risk: query.risk } : {}),
        ...(query.overdue ? { overdue: query.overdue === 'true' } : {}),
        limit: query.limit,
        ...(after ? { after } : {}),
        now,
        audit: { actorId: actor.id, route, details: filters },
      });
      if (fresh) counted.set(actor, counts, countedAt);
      const page = rows.slice(0, query.limit);
      const items: z.infer<typeof s.WorkItem>[] = page.map((r) => {
        const due = iso(r.due_at);
        return {
          itemId: r.item_id,
          kind: r.kind,
          step: r.step,
          caseId: r.case_id,
          caseReference: r.reference,
          province: r.province,
          risk: r.risk,
          assigneeId: r.assignee_id,
          stepRecordId: r.step_record_id,
          referralId: r.referral_id,
          partnerId: r.partner_id,
          serviceType: r.service_type,
          childId: r.child_id,
          pathwayId: r.pathway_id,
          transferId: r.transfer_id,
          escalationId: r.escalation_id,
          escalationLevel: r.level ?? r.max_level ?? -1,
          openedAt: new Date(r.opened_at).toISOString(),
          dueAt: due,
          overdue: r.overdue,
        };
      });
      const last = page[page.length - 1];
      // A role without sources read no statement: its (empty) read is audited apart.
      if (!audited) {
        await auditRead(deps, actor, {
          action: 'work.list',
          caseId: null,
          entity: 'case',
          entityId: null,
          route,
          details: { ...filters, caseIds: [] },
        });
      }
      return {
        body: {
          items,
          counts,
          total: counts.reduce((n, c) => n + c.total, 0),
          overdue: counts.reduce((n, c) => n + c.overdue, 0),
          matched,
          countedAt: new Date(countedAt).toISOString(),
          nextCursor:
            rows.length > query.limit && last
              ? encodeCursor({ at: last.due_at ? new Date(last.sort_at) : NO_DEADLINE, id: last.item_id })
              : null,
        },
      };
    },
  });
}
