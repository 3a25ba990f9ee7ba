/** The member URLs of an import entry, in `objectUrl_n` order. */
export function urlsOf(entry: Record<string, unknown>): unknown[] {
  const urls: unknown[] = [];
  for (let i = 0; `objectUrl_${i}` in entry; i += 1) urls.push(entry[`objectUrl_${i}`]);
  return urls;
}

/** A fixed shuffle (a linear congruential generator), so that a failure replays the same order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
