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
  handle: WorkflowHandle,
  risk: RiskLevel,
  services: { serviceType: string; partnerId: string }[] = [],
): Promise<CaseView> {
  await waitForDeadline(handle, 'screening');
  await handle.executeUpdate(screeningUpdate, {
    args: [{ actorId: HANDLER, screeningId: 'screening-1', risk, immediateNeeds: false, categories: ['neglect'] }],
  });
  await handle.executeUpdate(assessmentUpdate, { args: [{ actorId: HANDLER, assessmentId: 'assessment-1' }] });
  await handle.executeUpdate(planUpdate, {
    args: [
      {
        actorId: HANDLER,
        planId: 'plan-1',
        items: services.map((s, i) => ({ planItemId: `item-${i}`, ...s })),
      },
    ],
  });
  return handle.executeUpdate(planApprovalUpdate, { args: [{ actorId: SUPERVISOR, decision: 'approve' }] });
}
