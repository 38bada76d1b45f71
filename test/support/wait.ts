/** Polls until `check` returns a value (not undefined/false) or the time runs out. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined | false;
    let failure: unknown;
    try {
      value = await check();
    } catch (err) {
      failure = err; // e.g. a query sent before the workflow registered its handlers
    }
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const reason = failure instanceof Error ? `: ${failure.message}` : '';
      throw new Error(`timed out waiting for ${what}${reason}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
