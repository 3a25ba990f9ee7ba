import { constants, createGunzip, createInflateRaw } from "node:zlib";

/** What inflating the start of a stream gave, and why it stopped. */
export interface InflatedPrefix {
  /** At most the budget asked for. */
  bytes: Uint8Array;
  /**
   * `budget`: the budget was reached and inflating stopped there; `end`: the input ran out first (the
   * stream ended, or the bytes given were cut, which a sync flush accepts); `corrupt`: the data broke
   * off, and `bytes` hold what came before.
   */
  stop: "budget" | "end" | "corrupt";
}

/**
 * Inflates the start of a gzip or raw deflate stream and stops once `maxBytes` are out. Deflate
 * expands up to about 1,000 times, so what a whole-buffer inflate costs is the attacker's choice (a
 * 1.2 MB DICOM became 1.2 GB); a stream that is destroyed at the budget costs the budget and one
 * chunk of zlib's work beyond it, whatever it would expand to.
 */
export function inflatePrefix(
  input: Uint8Array,
  format: "gzip" | "raw",
  maxBytes: number,
): Promise<InflatedPrefix> {
  const options = {
    // A cut input (a head read) ends with what it gave instead of an "unexpected end of file".
    finishFlush: constants.Z_SYNC_FLUSH,
    chunkSize: Math.min(64 * 1024, Math.max(1024, maxBytes)),
  };
  const stream = format === "gzip" ? createGunzip(options) : createInflateRaw(options);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const settle = (stop: InflatedPrefix["stop"]) => {
      if (settled) return;
      settled = true;
      stream.destroy();
      const whole = Buffer.concat(chunks, Math.min(total, maxBytes));
      resolve({ bytes: new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength), stop });
    };
    stream.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.byteLength;
      if (total >= maxBytes) settle("budget");
    });
    stream.on("end", () => settle("end"));
    stream.on("error", () => settle("corrupt"));
    stream.end(input);
  });
}
