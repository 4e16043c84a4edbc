/**
 * Polls `check` until it returns a truthy value or the deadline passes; the error names what
 * was awaited and the last value seen. Tests wait on conditions, never on fixed sleeps.
 */
export async function waitFor<T>(description: string, check: () => Promise<T> | T, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await check();
      if (last) return last as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description} (last: ${seen})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
