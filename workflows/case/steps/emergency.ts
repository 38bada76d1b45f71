import { emergencyUpdate, judicialNotificationUpdate } from '../definitions';
import { reject, type CaseContext } from '../context';

/** protocol.md §3 step 3, emergency protection: the measures taken close the step. */
export function emergency(c: CaseContext): void {
  c.onStep(
    emergencyUpdate,
    async (input) => {
      await c.close(c.has('emergency'));
      await c.record('emergency', input.actorId, { measures: input.measures });
      return c.view();
    },
    {
      validator: (input) => {
        c.requireOpen();
        if (!c.has('emergency')) reject('no emergency protection is pending for this case');
        if (input.measures.length === 0) reject('measures: at least one emergency measure is required');
      },
    },
  );
}

/** protocol.md §3 step 3b, judicial notification: sent, then acknowledged by the prosecutor. */
export function judicialNotification(c: CaseContext): void {
  c.onStep(
    judicialNotificationUpdate,
    async (input) => {
      if (input.status === 'acknowledged') await c.close(c.has('judicialNotification'));
      await c.record(`judicialNotification.${input.status}`, input.actorId);
      return c.view();
    },
    {
      validator: () => {
        c.requireOpen();
        if (!c.has('judicialNotification')) reject('no judicial notification is pending for this case');
      },
    },
  );
}
