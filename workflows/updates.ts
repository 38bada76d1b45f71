import type { UpdateDefinition } from '@temporalio/common';
import { condition, setHandler } from '@temporalio/workflow';
import type { UpdateHandlerOptions } from '@temporalio/workflow/lib/interfaces';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- matches any update definition, as setHandler does
type AnyUpdate = UpdateDefinition<any, any[], string>;
type UpdateArgs<D> = D extends UpdateDefinition<unknown, infer A, string> ? A : never;
type UpdateResult<D> = D extends UpdateDefinition<infer R, infer _A, string> ? R : never;

/**
 * `setHandler` for an update, typed from the definition itself (plain `setHandler` infers the
 * argument types from the validator, so a validator that ignores its input would erase them).
 *
 * `isReady` covers the start of a workflow: an update that arrives before the workflow has loaded
 * its state is accepted without validation, waits for the state, and is validated then — so a
 * step sent right after the case opens is neither lost nor let through unchecked.
 */
export function onUpdate<D extends AnyUpdate>(
  definition: D,
  handler: (...args: UpdateArgs<D>) => Promise<UpdateResult<D>>,
  options: UpdateHandlerOptions<UpdateArgs<D>>,
  isReady: () => boolean = () => true,
): void {
  const { validator } = options;
  const guarded = async (...args: UpdateArgs<D>) => {
    if (!isReady()) {
      await condition(isReady);
      validator?.(...args);
    }
    return handler(...args);
  };
  setHandler(
    definition,
    guarded as never,
    {
      ...options,
      ...(validator
        ? { validator: (...args: UpdateArgs<D>) => (isReady() ? validator(...args) : undefined) }
        : {}),
    } as never,
  );
}
