// `npm run bench:local`: how long `sluice start` takes to print its ready line, and the latency from an
// upload (a video and its sidecar, through a plain S3 client) to its ready record in the API, p50/p99
// over 100 uploads. Targets (issue 5): ready within 20 s, p99 within 2 s.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { setTimeout as delay } from "node:timers/promises";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

const ROOT = resolve(import.meta.dirname, "..");
const VIDEO = join(ROOT, "test/fixtures/probe/media/h264-25fps-faststart.mp4");
const UPLOADS = 100;
const RECORD_TIMEOUT_MS = 30_000;

interface Ready {
  api: string;
  s3: string;
  bucket: string;
  token: string;
}

const dataDir = await mkdtemp(join(tmpdir(), "sluice-bench-"));
const started = performance.now();
const child = spawn(process.execPath, [join(ROOT, "packages/cli/bin/sluice.js"), "start"], {
  cwd: ROOT,
  env: { ...process.env, DATA_DIR: dataDir, PORT: "0", S3_PORT: "0", DYNAMODB_PORT: "0" },
  stdio: ["ignore", "pipe", "inherit"],
});
try {
  const ready = await readyLine(child);
  const readyMs = performance.now() - started;
  const latencies = await uploadAll(ready);
  latencies.sort((a, b) => a - b);
  console.log(`time to ready line: ${readyMs.toFixed(0)} ms (target 20000)`);
  console.log(
    `upload-to-record over ${UPLOADS}: p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${(latencies.at(-1) ?? 0).toFixed(0)} ms (target p99 2000)`,
  );
} finally {
  child.kill("SIGTERM");
  await new Promise((done) => child.once("exit", done));
  await rm(dataDir, { recursive: true, force: true });
}

async function readyLine(process: ChildProcess): Promise<Ready> {
  if (process.stdout === null) throw new Error("no stdout");
  for await (const line of createInterface({ input: process.stdout })) {
    const match = /^sluice ready api=(\S+) s3=(\S+) bucket=(\S+) exports=\S+ token=(\S+)$/.exec(line);
    if (match?.[1] && match[2] && match[3] && match[4])
      return { api: match[1], s3: match[2], bucket: match[3], token: match[4] };
  }
  throw new Error("sluice start exited before its ready line");
}

async function uploadAll(ready: Ready): Promise<number[]> {
  const client = new S3Client({
    endpoint: ready.s3,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const body = await readFile(VIDEO);
  const latencies: number[] = [];
  for (let i = 0; i < UPLOADS; i += 1) {
    const key = `bench/${i}.mp4`;
    const t0 = performance.now();
    await client.send(new PutObjectCommand({ Bucket: ready.bucket, Key: key, Body: body }));
    await client.send(
      new PutObjectCommand({ Bucket: ready.bucket, Key: `${key}.metadata.json`, Body: `{"n":${i}}` }),
    );
    await waitForRecord(ready, key);
    latencies.push(performance.now() - t0);
  }
  client.destroy();
  return latencies;
}

async function waitForRecord(ready: Ready, key: string): Promise<void> {
  const deadline = performance.now() + RECORD_TIMEOUT_MS;
  while (performance.now() < deadline) {
    const response = await fetch(`${ready.api}/records/${encodeURIComponent(key)}`, {
      headers: { authorization: `Bearer ${ready.token}` },
    });
    const text = await response.text();
    if (response.status === 200 && text.includes('"status":"ready"') && text.includes('"sidecarKey":"'))
      return;
    await delay(10);
  }
  throw new Error(`no ready record for ${key} within ${RECORD_TIMEOUT_MS} ms`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
