/**
 * Rectification of a child's identity (law 09-08, the right of rectification): a handler or a
 * supervisor of a case of the child corrects names, date of birth, sex, nationality, migrant
 * status or civil registration, with a reason. The audit trail names the fields that changed,
 * never their old or new values. A running leaving-care pathway computes the milestones still
 * ahead again from a corrected date of birth: its workflow asks its activity to read the date
 * (the date itself never enters the workflow).
 */
import { isTemporalUnavailable } from '../http/errors';
import { ProblemError } from '../http/problem';
import { requestIdentity } from '../http/idempotency';
import type { Routes } from '../http/route';
import type { z } from '../openapi/zod';
import { birthDateRectifiedUpdate } from '../../workflows/leaving-care/definitions';
import { withinDeadline, type ApiDeps } from '../deps';
import { loadCase } from './access';
import * as s from './schemas';

type Field = (typeof s.IDENTITY_FIELDS)[number];
const RUNNING = new Set(['waiting', 'preparation']);

export function rectificationRoutes(routes: Routes, deps: ApiDeps): void {
  routes.route({
    method: 'post',
    path: '/cases/{caseId}/child/rectification',
    operationId: 'rectifyChildIdentity',
    summary:
      "Correct the child's identity, with a reason (law 09-08); a leaving-care pathway moves with a corrected birth date",
    description:
      'Give only the fields to correct. The audit event (`child.identity.rectified`) names the fields that ' +
      'changed and keeps the reason, never a value. A corrected date of birth (or approximate flag) moves ' +
      'the milestones still ahead of a running leaving-care pathway (15th birthday, exit plan, 18th birthday); ' +
      'if the workflow service cannot be reached the correction is kept and a 503 says to send the request ' +
      'again (the same request is safe to repeat).',
    tag: 'cases',
    request: { params: s.CaseIdParams, body: s.RectificationBody },
    responses: { 200: { description: 'the identity as it is now', schema: s.RectificationResult } },
    problems: {
      409: "the child's identity was pseudonymised under the retention rule: there is nothing to correct",
    },
    handle: async ({ actor, params, body, res }) => {
      const kase = await loadCase(deps, actor, params.caseId, 'case.rectifyIdentity');
      const before = await deps.prisma.child.findUniqueOrThrow({ where: { id: kase.childId } });
      if (before.pseudonymisedAt) {
        throw new ProblemError(
          'conflict',
          'the identity of this child was pseudonymised (retention): nothing to correct',
        );
      }
      const next = {
        ...(body.firstName !== undefined ? { firstName: body.firstName } : {}),
        ...(body.lastName !== undefined ? { lastName: body.lastName } : {}),
        ...(body.birthDate !== undefined ? { birthDate: new Date(`${body.birthDate}T00:00:00Z`) } : {}),
        ...(body.birthDateApproximate !== undefined
          ? { birthDateApproximate: body.birthDateApproximate }
          : {}),
        ...(body.sex !== undefined ? { sex: body.sex } : {}),
        ...(body.nationality !== undefined ? { nationality: body.nationality } : {}),
        ...(body.migrantStatus !== undefined ? { migrantStatus: body.migrantStatus } : {}),
        ...(body.civilRegistration !== undefined ? { civilRegistration: body.civilRegistration } : {}),
      };
      const value = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
      const changed = s.IDENTITY_FIELDS.filter(
        (f: Field) => f in next && value((next as Record<string, unknown>)[f]) !== value(before[f]),
      );
      const child = await deps.prisma.$transaction(async (tx) => {
        const updated = changed.length
          ? await tx.child.update({ where: { id: before.id }, data: next })
          : before;
        await tx.auditEvent.create({
          data: {
            actorType: 'staff',
            actorId: actor.id,
            action: 'child.identity.rectified',
            caseId: kase.id,
            entity: 'child',
            entityId: before.id,
            reason: body.reason,
            details: { fields: changed, route: 'POST /cases/{caseId}/child/rectification' },
          },
        });
        return updated;
      });

      // The pathway moves with the date of birth: asked whenever the request gives one, so a
      // request repeated after a 503 completes what the first could not.
      const pathway = await deps.prisma.leavingCarePathway.findUnique({ where: { childId: before.id } });
      let leavingCare: z.infer<typeof s.RectificationResult>['leavingCare'] = null;
      if (pathway) {
        const givesBirth = body.birthDate !== undefined || body.birthDateApproximate !== undefined;
        let recomputed = false;
        let reason: string | null = givesBirth ? null : 'the date of birth is unchanged';
        if (givesBirth && !RUNNING.has(pathway.phase)) {
          reason =
            pathway.phase === 'notEnrolled'
              ? 'the young person was not enrolled'
              : 'the young person has already left care: past milestones do not move';
        } else if (givesBirth) {
          try {
            const { updateId } = requestIdentity(res);
            await withinDeadline(deps, () =>
              deps.temporal.workflow.getHandle(pathway.workflowId).executeUpdate(birthDateRectifiedUpdate, {
                args: [{ actorId: actor.id }],
                ...(updateId ? { updateId: `${updateId}-leaving-care` } : {}),
              }),
            );
            recomputed = true;
          } catch (err) {
            if (!isTemporalUnavailable(err)) throw err;
            throw new ProblemError(
              'unavailable',
              'the identity is corrected, but the leaving-care milestones could not be computed again now: send the same request again',
              undefined,
              { 'Retry-After': '5' },
            );
          }
        }
        const row = await deps.prisma.leavingCarePathway.findUniqueOrThrow({ where: { id: pathway.id } });
        leavingCare = {
          pathwayId: row.id,
          recomputed,
          reason,
          preparationAt: row.preparationAt?.toISOString() ?? null,
          exitPlanDueAt: row.exitPlanDueAt?.toISOString() ?? null,
          exitAt: row.exitAt?.toISOString() ?? null,
        };
      }
      return { body: { childId: child.id, changed, child: s.childIdentityOf(child), leavingCare } };
    },
  });
}
