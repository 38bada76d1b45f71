import type { UpdateDefinition } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';
import type { UpdateHandlerOptions } from '@temporalio/workflow/lib/interfaces';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- matches any update definition, as setHandler does
type AnyUpdate = UpdateDefinition<any, any[], string>;
type UpdateArgs<D> = D extends UpdateDefinition<unknown, infer A, string> ? A : never;
type UpdateResult<D> = D extends UpdateDefinition<infer R, infer _A, string> ? R : never;

/**
 * `setHandler` for an update, typed from the definition itself: its argument types flow into the
 * handler and the validator (plain `setHandler` infers them from the validator, so a validator
 * that ignores its input would erase them).
 */
export function onUpdate<D extends AnyUpdate>(
  definition: D,
  handler: (...args: UpdateArgs<D>) => Promise<UpdateResult<D>>,
  options: UpdateHandlerOptions<UpdateArgs<D>>,
): void {
  setHandler(definition, handler as never, options as never);
}
