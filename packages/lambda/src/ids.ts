import { randomBytes } from "node:crypto";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ULID: 48 bits of milliseconds then 80 random bits, in Crockford base 32, so file names sort by time. */
export function ulid(ms: number): string {
  let time = "";
  for (let t = ms, i = 0; i < 10; i += 1, t = Math.floor(t / 32)) time = (CROCKFORD[t % 32] ?? "0") + time;
  const random = [...randomBytes(16)].map((b) => CROCKFORD[b % 32]).join("");
  return time + random;
}
