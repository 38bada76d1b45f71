import {
  getExternalWorkflowHandle,
  ParentClosePolicy,
  proxyActivities,
  startChild,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { createActivities } from '../../../activities';
import { leavingCareWorkflowId, protectionCaseClosedSignal } from '../../leaving-care/definitions';
import { leavingCareWorkflow } from '../../leaving-care/workflow';
import type { CaseContext } from '../context';

type Activities = ReturnType<typeof createActivities>;

// Which child a case is about (an ID only), for the one leaving-care pathway of that child.
const { leavingCareChild } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** protocol.md §4: a placement enrols the child in leaving care, one pathway per child; so may turning 18. */
export async function enrolInLeavingCare(
  c: CaseContext,
  trigger: 'placement' | 'turned18',
  actorId: string,
): Promise<void> {
  const { state } = c;
  const { childId } = await leavingCareChild({ caseId: state.caseId });
  const workflowId = leavingCareWorkflowId(childId);
  if (trigger === 'turned18') {
    // A running pathway takes the young person over; otherwise one is started (it records why
    // not, for someone already past the exit age).
    const running = await getExternalWorkflowHandle(workflowId)
      .signal(protectionCaseClosedSignal, { caseId: state.caseId, reason: state.closureReason ?? '' })
      .then(
        () => true,
        () => false,
      );
    if (running) {
      await c.record('leavingCare.handedOver', actorId);
      return;
    }
  }
  try {
    await startChild(leavingCareWorkflow, {
      workflowId,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      staticSummary: `leaving care for a child of ${state.reference}`,
      args: [{ childId, caseId: state.caseId, trigger, actorId }],
    });
    await c.record('leavingCare.enrolment', actorId, { trigger, outcome: 'started' });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    await c.record('leavingCare.enrolment', actorId, { trigger, outcome: 'alreadyEnrolled' });
  }
}
