import { assignmentUpdate } from '../definitions';
import type { CaseContext } from '../context';

/** A case handed to another handler: its deadlines are deliberately untouched (protocol.md §3, ladder). */
export function assignment(c: CaseContext): void {
  c.onStep(
    assignmentUpdate,
    async (input) => {
      c.state.assigneeId = input.assigneeId;
      await c.record('assignment', input.actorId, { assigneeId: input.assigneeId });
      c.publish();
      return c.view();
    },
    { validator: () => c.requireOpen() },
  );
}
