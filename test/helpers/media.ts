import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** Path of a small real media file under test/fixtures/media. */
export function mediaPath(name: string): string {
  return resolve(import.meta.dirname, "../fixtures/media", name);
}

/** Bytes of a small real media file under test/fixtures/media. */
export function mediaBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(mediaPath(name)));
}
