// Every workflow type the worker registers.
export { caseWorkflow } from './case/workflow';
export { referralWorkflow } from './referral/workflow';
export { supervisorDigestWorkflow } from './notifications/digest';
export { leavingCareWorkflow } from './leaving-care/workflow';
export { monthlyReportWorkflow } from './reports/monthly';
export { retentionWorkflow } from './retention/workflow';
export { calendarChangeWorkflow } from './calendar/workflow';
