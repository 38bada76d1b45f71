import { concernSignal } from '../definitions';
import type { CaseContext } from '../context';
import { withdrawClosure } from './closure';
import { screenConcern } from './screening';

/**
 * protocol.md §3 step 7: a new concern about the same child can arrive at any time and is screened
 * again; one arriving while a closure waits for approval withdraws it (step 8), the supervisor told.
 */
export function concern(c: CaseContext): void {
  c.onSignal(concernSignal, async (input) => {
    const { state } = c;
    state.concerns += 1;
    if (state.step === 'closed') return;
    if (state.step !== 'closureApproval') return screenConcern(c, input);
    const withdrawal = await withdrawClosure(c, input);
    await screenConcern(c, input);
    await c.notice(withdrawal, ['supervisor']);
  });
}
