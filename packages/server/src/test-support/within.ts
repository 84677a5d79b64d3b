/** Resolves like `promise`, or rejects once `timeoutMs` passes: every wait in a test is bounded. */
export function within<TValue>(promise: Promise<TValue>, timeoutMs: number, label: string): Promise<TValue> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for: ${label}`)),
      timeoutMs,
    );
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
