// Waits on a fact instead of on time: polls `check` until it returns something other than
// undefined/false, and fails with a message naming the fact after a deadline.
export interface WaitForOptions {
  readonly timeoutMs?: number;
  /** What was awaited, for the failure message. */
  readonly what?: string;
}

export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitForOptions = {},
): Promise<T> {
  const { timeoutMs = 5_000, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let intervalMs = 2;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    intervalMs = Math.min(intervalMs * 2, 50);
  }
}
