import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";

const CORPUS_DIR = resolve(import.meta.dirname, "../fixtures/bad-inputs");

const ObjectSchema = z.union([
  z.object({ key: z.string(), file: z.string(), padTo: z.number().int().positive().optional() }).strict(),
  z.object({ key: z.string(), generate: z.literal("json-over-10mb") }).strict(),
]);

const ExpectSchema = z
  .object({
    status: z.enum(["ready", "invalid", "skipped"]),
    error: z.string().optional(),
    warning: z.string().optional(),
  })
  .strict();

const ItemSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["sidecar", "defaults", "media", "key"]),
    about: z.string(),
    target: z.string(),
    objects: z.array(ObjectSchema).min(1),
    expect: ExpectSchema,
  })
  .strict();

const IndexSchema = z.object({ good: z.array(z.string()), items: z.array(ItemSchema) }).strict();

/** One entry of the bad-input corpus: the objects to upload and what the target key's record must show. */
export type BadInput = z.infer<typeof ItemSchema>;

/** The expected outcome of one corpus entry. */
export type BadInputExpectation = z.infer<typeof ExpectSchema>;

/** The corpus index (test/fixtures/bad-inputs/index.json), checked against its schema. */
export function loadBadInputs(): BadInput[] {
  const raw: unknown = JSON.parse(readFileSync(resolve(CORPUS_DIR, "index.json"), "utf8"));
  return IndexSchema.parse(raw).items;
}

/** The bytes of one committed corpus file under files/. */
export function badInputFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve(CORPUS_DIR, "files", name)));
}

/** Path of the committed corpus folder, for the drift check against its generator. */
export const BAD_INPUTS_DIR = CORPUS_DIR;

/** A JSON object of exactly 10,000,001 bytes: one byte over the sidecar limit, built rather than committed. */
export function jsonOverTenMegabytes(): Uint8Array {
  const total = 10_000_001;
  const prefix = '{"pad":"';
  const suffix = '"}';
  const bytes = new Uint8Array(total).fill(0x78);
  bytes.set(new TextEncoder().encode(prefix), 0);
  bytes.set(new TextEncoder().encode(suffix), total - suffix.length);
  return bytes;
}

/** Every object of the given entries by key, generated ones built on demand (once, shared). */
export function badInputObjects(items: readonly BadInput[]): Map<string, Uint8Array> {
  const objects = new Map<string, Uint8Array>();
  let big: Uint8Array | undefined;
  for (const item of items) {
    for (const object of item.objects) {
      if ("file" in object) objects.set(object.key, padded(badInputFile(object.file), object.padTo));
      else {
        big ??= jsonOverTenMegabytes();
        objects.set(object.key, big);
      }
    }
  }
  return objects;
}

/** The bytes followed by zeros up to `padTo` (a large object whose header is all that matters). */
function padded(bytes: Uint8Array, padTo: number | undefined): Uint8Array {
  if (padTo === undefined || padTo <= bytes.byteLength) return bytes;
  const out = new Uint8Array(padTo);
  out.set(bytes);
  return out;
}
