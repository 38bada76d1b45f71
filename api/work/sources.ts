/**
 * What each role must act on (issue 14, "the work list"), as data read by one generic query: a
 * role lists its sources, each source is one kind of item. Every item comes from the read model
 * (open step records, open escalations, referrals, pathways), never from a workflow.
 */
import type { StaffRole } from '../../generated/prisma/client';

export const WORK_KINDS = [
  'caseStep',
  'unassignedStep',
  'approval',
  'transferAcceptance',
  'lateStep',
  'escalation',
  'latePartner',
  'referralToAcknowledge',
  'referralToStart',
  'referralToClose',
  'pathwayStep',
  'unassignedPathwayStep',
] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

/** The steps a case's handler does (approvals are the supervisor's, partners' steps the partner's). */
export const HANDLER_STEPS = [
  'screening',
  'emergency',
  'judicialNotification',
  'assessment',
  'planDraft',
  'referralReassignment',
  'review',
  'closureCheckBack',
] as const;
export const APPROVAL_STEPS = ['planApproval', 'closureApproval'] as const;
export const PARTNER_STEPS = ['referralAcknowledgement', 'serviceStart'] as const;

export type WorkSource =
  /** Open handler steps of the cases assigned to the caller. */
  | { kind: 'caseStep' }
  /** Open handler steps of the caller's unit's cases with nobody active assigned (deactivated: the unit's). */
  | { kind: 'unassignedStep' }
  /** Plans and closures waiting for approval on the caller's unit's cases. */
  | { kind: 'approval' }
  /** Transfers into the caller's province waiting to be accepted. */
  | { kind: 'transferAcceptance' }
  /** Overdue handler steps of the caller's unit's cases (other than the caller's own). */
  | { kind: 'lateStep' }
  /** Escalations at this rung still open on a step of the caller's province. */
  | { kind: 'escalation'; level: number }
  /** Partners past their deadline (acknowledgement, service start) on the caller's province's referrals. */
  | { kind: 'latePartner' }
  /** Referrals addressed to the caller's partner service: to acknowledge, to start, to close (outcome). */
  | { kind: 'referralToAcknowledge' }
  | { kind: 'referralToStart' }
  | { kind: 'referralToClose' }
  /** Open steps of the leaving-care pathways the caller carries as mediator. */
  | { kind: 'pathwayStep' }
  /** Open steps of the province's pathways with no active mediator. */
  | { kind: 'unassignedPathwayStep' };

export const WORK: Readonly<Record<StaffRole, readonly WorkSource[]>> = {
  handler: [{ kind: 'caseStep' }, { kind: 'unassignedStep' }],
  supervisor: [
    { kind: 'caseStep' },
    { kind: 'approval' },
    { kind: 'transferAcceptance' },
    { kind: 'lateStep' },
  ],
  coordinator: [{ kind: 'escalation', level: 2 }, { kind: 'latePartner' }],
  committee: [{ kind: 'escalation', level: 3 }],
  partner: [{ kind: 'referralToAcknowledge' }, { kind: 'referralToStart' }, { kind: 'referralToClose' }],
  mediator: [{ kind: 'pathwayStep' }, { kind: 'unassignedPathwayStep' }],
  // Nobody waits on these roles for a step of the circuit.
  operations: [],
  auditor: [],
  admin: [],
  nationalAdmin: [],
};
