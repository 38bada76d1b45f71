/** Loads a leaving-care pathway for an action and applies the policy: 404 if the actor may not see it, 403 if they only may see it. */
import { authorize, type Action, type Actor } from '../auth/policy';
import type { ApiDeps } from '../deps';
import { ProblemError } from '../http/problem';

export async function loadPathway(deps: ApiDeps, actor: Actor, childId: string, action: Action) {
  const found = await deps.prisma.leavingCarePathway.findUnique({ where: { childId } });
  // Unknown and invisible pathways answer alike, so a 404 does not reveal another province's.
  const notFound = `no leaving-care pathway for child ${childId}`;
  if (!found) throw new ProblemError('notFound', notFound);
  authorize(actor, action, { province: found.provinceCode }, { readAction: 'leavingCare.read', notFound });
  return found;
}

export type PathwayRow = Awaited<ReturnType<typeof loadPathway>>;

export const pathwayHandle = (deps: Pick<ApiDeps, 'temporal'>, row: Pick<PathwayRow, 'workflowId'>) =>
  deps.temporal.workflow.getHandle(row.workflowId);
