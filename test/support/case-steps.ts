import type { WorkflowHandle } from '@temporalio/client';
import {
  assessmentUpdate,
  caseViewQuery,
  planApprovalUpdate,
  planUpdate,
  screeningUpdate,
  type CaseView,
} from '../../workflows/case/definitions';
import type { RiskLevel } from '../../workflows/deadlines/types';
import type { PrismaClient } from '../../lib/db';
import { insertPlan } from './cases';
import { eventually } from './wait';

export const HANDLER = 'staff-demo-handler';
export const SUPERVISOR = 'staff-demo-supervisor';

export async function waitForDeadline(handle: WorkflowHandle, step: string, subjectId?: string) {
  return eventually(`an open ${step} deadline`, async () => {
    const view: CaseView = await handle.query(caseViewQuery);
    return view.openDeadlines.find((d) => d.step === step && (!subjectId || d.subjectId === subjectId));
  });
}

/** Drives a case through screening, assessment, plan and approval to follow-up. */
export async function driveToFollowUp(
  prisma: PrismaClient,
  handle: WorkflowHandle,
  risk: RiskLevel,
  services: { serviceType: string; partnerId: string }[] = [
    { serviceType: 'familySupport', partnerId: 'partner-demo-association' },
  ],
): Promise<CaseView> {
  await waitForDeadline(handle, 'screening');
  await handle.executeUpdate(screeningUpdate, {
    args: [
      { actorId: HANDLER, screeningId: 'screening-1', risk, immediateNeeds: false, categories: ['neglect'] },
    ],
  });
  await handle.executeUpdate(assessmentUpdate, {
    args: [{ actorId: HANDLER, assessmentId: 'assessment-1' }],
  });
  const caseId = handle.workflowId.replace(/^case-/, '');
  const plan = await insertPlan(prisma, caseId, services);
  await handle.executeUpdate(planUpdate, { args: [{ actorId: HANDLER, ...plan }] });
  return handle.executeUpdate(planApprovalUpdate, { args: [{ actorId: SUPERVISOR, decision: 'approve' }] });
}
