import { calendarActivities } from './calendar/activities';
import { caseActivities } from './case/activities';
import type { ActivityDeps } from './context';
import { deadlineActivities } from './deadlines/activities';
import { leavingCareActivities } from './leaving-care/activities';
import { notificationActivities } from './notifications/activities';
import { digestActivities } from './notifications/digest';
import { referralActivities } from './referral/activities';
import { reportActivities } from './reports/activities';
import { retentionActivities } from './retention/activities';

export type { ActivityDeps } from './context';

/** Every activity the worker registers, bound to its dependencies (database, mail). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...calendarActivities(deps),
    ...caseActivities(deps),
    ...deadlineActivities(deps),
    ...leavingCareActivities(deps),
    ...notificationActivities(deps),
    ...digestActivities(deps),
    ...referralActivities(deps),
    ...reportActivities(deps),
    ...retentionActivities(deps),
  };
}
