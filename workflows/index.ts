// Every workflow type the worker registers.
export { caseWorkflow } from './case/workflow';
export { referralWorkflow } from './referral/workflow';
export { leavingCareWorkflow } from './leaving-care/workflow';
