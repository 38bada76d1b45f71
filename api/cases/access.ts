/** Loads a case for an action and applies the policy: 404 if the actor may not see it, 403 if they only may see it. */
import { caseWorkflowId } from '../../workflows/case/definitions';
import { authorize, type Action, type Actor } from '../auth/policy';
import type { ApiDeps } from '../deps';
import { ProblemError } from '../http/problem';

/**
 * protocol.md §7: every read of a case is in the audit trail — who (the caller), what (action,
 * entity), which case, when, and why (the route that served it).
 */
export async function auditRead(
  deps: Pick<ApiDeps, 'prisma'>,
  actor: Actor,
  read: {
    action: string;
    caseId: string | null;
    entity: string;
    entityId: string | null;
    route: string;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  // One plain INSERT (no RETURNING, no model mapping): every read pays it.
  await deps.prisma.$executeRaw`
    INSERT INTO "audit_events" ("actor_type", "actor_id", "action", "case_id", "entity", "entity_id", "reason", "details")
    VALUES ('staff'::"ActorType", ${actor.id}, ${read.action}, ${read.caseId}, ${read.entity}, ${read.entityId},
            ${read.route}, ${read.details ? JSON.stringify(read.details) : null}::jsonb)`;
}

export const caseHandle = (deps: Pick<ApiDeps, 'temporal'>, caseId: string) =>
  deps.temporal.workflow.getHandle(caseWorkflowId(caseId));

export async function loadCase(deps: ApiDeps, actor: Actor, caseId: string, action: Action) {
  const row = await deps.prisma.case.findUnique({
    where: { id: caseId },
    select: {
      id: true,
      reference: true,
      provinceCode: true,
      status: true,
      childId: true,
      risk: true,
      step: true,
      unitId: true,
      // The pending transfer, from the read model: the receiving province's scope looks at it.
      transfers: { where: { status: 'pending' }, select: { toProvinceCode: true }, take: 1 },
    },
  });
  // Unknown and invisible cases answer alike, so a 404 does not reveal another province's cases.
  const notFound = `no case ${caseId}`;
  if (!row) throw new ProblemError('notFound', notFound);
  const { transfers, ...found } = row;
  const receivingProvince = transfers[0]?.toProvinceCode ?? null;
  authorize(
    actor,
    action,
    { province: found.provinceCode, receivingProvince },
    { readAction: 'case.read', notFound },
  );
  return { ...found, receivingProvince };
}
