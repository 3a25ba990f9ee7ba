// The uploads of `bench:load`: small real media under varied keys (spaces, `+`, non-ASCII), one in ten with a
// sidecar (half uploaded before its data, half after), sent by a pool of concurrent S3 clients' requests.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";

/** One data object of the run and, maybe, its sidecar. */
export interface PlannedObject {
  key: string;
  fixture: string;
  sidecar: "none" | "before" | "after";
}

/** When the first request for an object started (epoch ms), and when its last request was answered. */
export interface UploadTiming {
  startedAt: number;
  doneAt: number;
}

// Mostly images, as real buckets are; one of each other cheap type per 20.
const MIX = [
  ...Array<string>(12).fill("image.png"),
  ...Array<string>(4).fill("image.jpg"),
  "audio.mp3",
  "document.pdf",
  "note.txt",
  "video.mp4",
];

/** The objects of a run of `count`, deterministic so that two runs upload the same keys. */
export function planObjects(count: number): PlannedObject[] {
  return Array.from({ length: count }, (_, i) => {
    const fixture = MIX[i % MIX.length] ?? "image.png";
    const ext = fixture.slice(fixture.lastIndexOf("."));
    const folder = i % 50 === 7 ? "naïve café+plus" : `site-${i % 7}/cam ${i % 13}`;
    const sidecar = i % 10 === 3 ? "after" : i % 10 === 7 ? "before" : "none";
    return { key: `load/${folder}/obj-${i}${ext}`, fixture, sidecar };
  });
}

/** Uploads every planned object with `concurrency` requests in flight; answers each object's timing. */
export async function uploadAll(
  client: S3Client,
  bucket: string,
  fixtures: string,
  plan: readonly PlannedObject[],
  concurrency: number,
): Promise<Map<string, UploadTiming>> {
  const bodies = new Map<string, Buffer>();
  for (const name of new Set(plan.map((p) => p.fixture)))
    bodies.set(name, await readFile(join(fixtures, name)));
  const timings = new Map<string, UploadTiming>();
  const put = (key: string, body: Buffer | string) =>
    client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  let next = 0;
  const worker = async () => {
    while (next < plan.length) {
      const object = plan[next];
      next += 1;
      if (object === undefined) break;
      const body = bodies.get(object.fixture) ?? Buffer.alloc(0);
      const sidecar = JSON.stringify({ n: next, site: "plant-7" });
      const startedAt = Date.now();
      if (object.sidecar === "before") await put(`${object.key}.metadata.json`, sidecar);
      await put(object.key, body);
      if (object.sidecar === "after") await put(`${object.key}.metadata.json`, sidecar);
      timings.set(object.key, { startedAt, doneAt: Date.now() });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return timings;
}
