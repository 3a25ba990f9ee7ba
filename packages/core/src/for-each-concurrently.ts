/**
 * Runs `run` on every item with at most `concurrency` in flight, each item once; rejects with the
 * first error (items already started still finish on their own).
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  run: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await run(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}
