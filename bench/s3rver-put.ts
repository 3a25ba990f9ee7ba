// How many PUTs per second s3rver alone takes on this machine (no pipeline, no events consumed):
// the ceiling any local-stack load figure sits under. `tsx bench/s3rver-put.ts [objects] [concurrency]`.
import { cpus } from "node:os";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { startS3rver } from "../test/helpers/emulators";
import { mediaBytes } from "../test/helpers/media";

const objects = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 32);
const s3 = await startS3rver(["ingest"]);
const body = mediaBytes("image.png");
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < objects; i = next++) {
      await s3.client.send(new PutObjectCommand({ Bucket: "ingest", Key: `load/${i}.png`, Body: body }));
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    cpus: cpus().length,
    objects,
    concurrency,
    seconds: +seconds.toFixed(1),
    putsPerSecond: Math.round(objects / seconds),
  }),
);
await s3.stop();
