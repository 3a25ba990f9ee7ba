import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../../packages/api/src/index";
import { reimportSequencer } from "../../../packages/aws/src/job-ids";
import {
  JOB_LEASE_SECONDS,
  runReimportPage,
  startReimport,
  type WorkMessage,
} from "../../../packages/core/src/index";
import { createApiDeps } from "../../../packages/lambda/src/api-deps";
import { createWorkHandler } from "../../../packages/lambda/src/work-handler";
import { callApi } from "../../helpers/api-request";
import { mediaBytes } from "../../helpers/media";
import { DATA_BUCKET, type PipelineHarness, startPipeline } from "../../helpers/pipeline-harness";

const TOKEN = "test-token-0123456789";

let h: PipelineHarness;
let app: ReturnType<typeof createApp>;
let work: ReturnType<typeof createWorkHandler>;

beforeAll(async () => {
  h = await startPipeline();
  app = createApp(createApiDeps(h.deps, TOKEN));
  work = createWorkHandler(h.deps);
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const call = (path: string, init: { method?: string; json?: unknown; token?: string } = {}) =>
  callApi(app, TOKEN, path, init);

/** Starts a reimport and runs its steps to the end. */
async function reimport(body: Record<string, unknown>) {
  const started = await call("/reimports", { method: "POST", json: body });
  await h.workQueue.drain(work, { timeoutMs: 60_000 });
  return { started, job: (await call(`/reimports/${started.body.id}`)).body };
}

/** Puts objects while the bridge holds their events back: records are left as they were (missed events). */
async function putUnseen(objects: Record<string, string | Uint8Array>) {
  h.bridgePaused = true;
  try {
    const entries = Object.entries(objects);
    for (let i = 0; i < entries.length; i += 50) {
      await Promise.all(entries.slice(i, i + 50).map(([key, body]) => h.put(key, body)));
    }
    await h.flushBridge();
  } finally {
    h.bridgePaused = false;
  }
}

describe("POST /reimports and POST /reconcile: admission", () => {
  it("admits one of 40 whole-bucket reimports and reconciles sent at once; the others answer 409 with its id", async () => {
    await putUnseen({ "whole/a.txt": "a\n" });
    const asks = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? call("/reimports", { method: "POST", json: { prefix: "", dryRun: i % 4 === 0 } })
        : call("/reconcile", { method: "POST", json: {} }),
    );

    const answers = await Promise.all(asks);
    const accepted = answers.filter((answer) => answer.status === 202);
    const refused = answers.filter((answer) => answer.status === 409);
    const queued = h.workQueue.size();
    await h.workQueue.drain(work, { timeoutMs: 60_000 });
    const ended = (await call(`/reimports/${accepted[0]?.body.id}`)).body;
    const next = await reimport({ prefix: "" });

    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(39);
    for (const { body } of refused) {
      expect(body.error.code).toBe("job-running");
      expect(body.error.message).toContain("the whole bucket");
      expect(body.error.details).toEqual([
        { path: "prefix", message: expect.any(String), jobId: accepted[0]?.body.id },
      ]);
    }
    expect(queued).toBe(1);
    expect(ended.status).toBe("done");
    expect(next.started.status).toBe(202);
    expect(next.job.status).toBe("done");
  }, 60_000);

  it("answers 429 while four jobs run, 409 for a prefix inside a running job's, and admits again once they end", async () => {
    await putUnseen({ "cap/a/1.txt": "1\n", "cap/e/1.txt": "1\n" });
    const first = [
      await call("/reimports", { method: "POST", json: { prefix: "cap/a/" } }),
      await call("/reimports", { method: "POST", json: { prefix: "cap/b/", dryRun: true } }),
      await call("/reconcile", { method: "POST", json: { prefix: "cap/c/" } }),
      await call("/reimports", { method: "POST", json: { keys: ["cap/d/1.txt"] } }),
    ];

    const fifth = await app.request("/reimports", {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ prefix: "cap/e/" }),
    });
    const fifthBody = JSON.parse(await fifth.text());
    const inside = await call("/reimports", { method: "POST", json: { prefix: "cap/a/deeper/" } });
    await h.workQueue.drain(work, { timeoutMs: 60_000 });
    const afterwards = await reimport({ prefix: "cap/e/" });

    expect(first.map((answer) => answer.status)).toEqual([202, 202, 202, 202]);
    expect(fifth.status).toBe(429);
    expect(fifth.headers.get("retry-after")).toBe("60");
    expect(fifthBody.error.code).toBe("too-many-jobs");
    expect(fifthBody.error.message).toContain("(4)");
    expect(fifthBody.error.details.map((d: { jobId: string }) => d.jobId)).toEqual(
      first.map((answer) => answer.body.id),
    );
    expect(inside.status).toBe(409);
    expect(inside.body.error.details[0].jobId).toBe(first[0]?.body.id);
    expect(afterwards.started.status).toBe(202);
    expect(afterwards.job).toMatchObject({ status: "done", done: 1 });
  }, 60_000);

  it("frees the place of a job whose steps were lost once its lease expires", async () => {
    const lost = await call("/reimports", { method: "POST", json: { prefix: "lost/" } });
    // Its function died with its only message: the job never ends.
    const [message] = h.workQueue.receive(1);
    h.workQueue.delete(message?.receiptHandle ?? "");
    const { now } = h.deps.pipeline;
    const refused = await call("/reconcile", { method: "POST", json: { prefix: "lost/" } });
    h.deps.pipeline.now = () => new Date(Date.now() + JOB_LEASE_SECONDS * 1000 + 1).toISOString();
    const admitted = await call("/reconcile", { method: "POST", json: { prefix: "lost/" } }).finally(() => {
      h.deps.pipeline.now = now;
    });
    await h.workQueue.drain(work, { timeoutMs: 60_000 });

    expect(lost.status).toBe(202);
    expect(refused.status).toBe(409);
    expect(admitted.status).toBe(202);
    expect((await call(`/reimports/${admitted.body.id}`)).body.status).toBe("done");
    expect((await call(`/reimports/${lost.body.id}`)).body.status).toBe("queued");
  }, 30_000);
});

describe("POST /reimports: a key that keeps failing", () => {
  it("counts it as failed with its error on the step's last attempt, reimports the rest of its page, and ends the job", async () => {
    await putUnseen({ "flaky/a.txt": "a\n", "flaky/b.txt": "b\n", "flaky/c.txt": "c\n" });
    const name = "fail-flaky-b";
    // Every read of one object answers 500, after the SDK's retries: a transient error that never passes.
    h.s3.client.middlewareStack.add(
      (next) => async (args) => {
        const input: object = args.input;
        if ("Key" in input && input.Key === "flaky/b.txt")
          throw Object.assign(new Error("We encountered an internal error."), {
            name: "InternalError",
            $fault: "server",
            $metadata: { httpStatusCode: 500 },
          });
        return next(args);
      },
      { step: "initialize", name },
    );

    const { started, job } = await reimport({ prefix: "flaky/" }).finally(() =>
      h.s3.client.middlewareStack.remove(name),
    );

    expect(started.status).toBe(202);
    expect(job).toMatchObject({ status: "done", total: 3, done: 2, failed: 1 });
    expect(job.errors).toEqual([
      { key: "flaky/b.txt", code: "reimport-failed", message: expect.stringContaining("last attempt") },
    ]);
    expect((await h.record("flaky/a.txt"))?.status).toBe("ready");
    expect((await h.record("flaky/c.txt"))?.status).toBe("ready");
    expect(h.workQueue.deadLetters()).toHaveLength(0);
  }, 30_000);
});

describe("POST /reimports: a prefix", () => {
  it("counts a 1,000-object prefix before processing it, shows 0 < done < total mid-way, then finishes", async () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `bulk/d${i % 3}/n${String(i).padStart(4, "0")}.txt`);
    await putUnseen(Object.fromEntries(keys.map((key) => [key, `note ${key}\n`])));
    let steps = 0;
    const counting: typeof work = (event, context) => {
      steps += 1;
      return work(event, context);
    };

    const started = await call("/reimports", { method: "POST", json: { prefix: "bulk/" } });
    await h.workQueue.drain(counting, { until: () => steps >= 2, timeoutMs: 60_000 });
    const midway = (await call(`/reimports/${started.body.id}`)).body;
    await h.workQueue.drain(work, { timeoutMs: 60_000 });
    const finished = (await call(`/reimports/${started.body.id}`)).body;
    const records = await h.deps.pipeline.records.getMany(DATA_BUCKET, keys);

    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ status: "queued", total: 0 });
    expect(started.body.id).toMatch(/^[0-9A-Z]{26}$/);
    expect(midway).toMatchObject({ status: "running", total: 1000 });
    expect(midway.done).toBeGreaterThan(0);
    expect(midway.done).toBeLessThan(1000);
    expect(finished).toMatchObject({ status: "done", total: 1000, done: 1000, failed: 0, errors: [] });
    expect(finished.plan).toBeUndefined();
    expect(records).toHaveLength(1000);
    expect(records.every((record) => record.sequencers.reimport !== undefined)).toBe(true);
  }, 60_000);

  it("writes nothing but its job on a dry run, and plans creates, updates, unchanged and invalid keys", async () => {
    await h.put("dry/same.txt", "same\n");
    await h.put("dry/changed.txt", "changed\n");
    await h.settle();
    await putUnseen({
      "dry/changed.txt.metadata.json": '{"camera":"c1"}',
      "dry/new.txt": "new\n",
      "dry/broken.txt": "broken\n",
      "dry/broken.txt.metadata.json": "not json",
    });
    const keys = ["dry/same.txt", "dry/changed.txt", "dry/new.txt", "dry/broken.txt"];
    const before = await h.deps.pipeline.records.getMany(DATA_BUCKET, keys);

    const { started, job } = await reimport({ prefix: "dry/", dryRun: true });
    const after = await h.deps.pipeline.records.getMany(DATA_BUCKET, keys);

    expect(started.status).toBe(202);
    expect(job).toMatchObject({ status: "done", total: 4, done: 4, failed: 0, dryRun: true });
    expect(job.plan.counts).toEqual({ create: 1, update: 1, unchanged: 1, invalid: 1, missing: 0 });
    expect(job.plan.truncated).toBe(false);
    expect(
      Object.fromEntries(job.plan.entries.map((e: { key: string; action: string }) => [e.key, e.action])),
    ).toEqual({
      "dry/broken.txt": "invalid",
      "dry/changed.txt": "update",
      "dry/new.txt": "create",
      "dry/same.txt": "unchanged",
    });
    expect(after.map((r) => [r.key, r.revision])).toEqual(before.map((r) => [r.key, r.revision]));
    expect(after.map((r) => r.key)).toEqual(["dry/same.txt", "dry/changed.txt"]);
  }, 30_000);
});

describe("POST /reimports: a dry run's plan", () => {
  it("plans a key no object answers under as missing, and names the fields an update would change", async () => {
    await h.put("plan/a.png", mediaBytes("image.png"));
    await h.put("plan/a.png.metadata.json", '{"site":"north","camera":"c1"}');
    await h.put("plan/b.txt", "b\n");
    await h.put("plan/gone.txt", "gone\n");
    await h.settle();
    await putUnseen({
      "plan/a.png": mediaBytes("image.jpg"),
      "plan/a.png.metadata.json": '{"site":"south","camera":"c1"}',
      "plan/b.txt.metadata.json": "not json",
    });
    h.bridgePaused = true;
    await h.remove("plan/gone.txt");
    await h.flushBridge();
    h.bridgePaused = false;
    h.held.splice(0);
    const keys = ["plan/a.png", "plan/b.txt", "plan/gone.txt", "plan/never.png"];

    const { job } = await reimport({ keys, dryRun: true });
    const byKey = Object.fromEntries(
      job.plan.entries.map((e: { key: string; action: string; changes?: string[] }) => [e.key, e]),
    );

    expect(job).toMatchObject({ status: "done", total: 4, done: 4, failed: 0 });
    expect(job.plan.counts).toEqual({ create: 0, update: 1, unchanged: 0, invalid: 1, missing: 2 });
    expect(byKey["plan/never.png"]).toEqual({ key: "plan/never.png", action: "missing" });
    expect(byKey["plan/gone.txt"]).toMatchObject({
      action: "missing",
      changes: expect.arrayContaining(["status"]),
    });
    expect(byKey["plan/a.png"].action).toBe("update");
    expect(byKey["plan/a.png"].changes).toEqual(
      expect.arrayContaining(["clientMetadata.site", "mediaMetadata.mimeType", "etag", "importEntry"]),
    );
    expect(byKey["plan/a.png"].changes).not.toContain("clientMetadata.camera");
    expect(byKey["plan/a.png"].changes).not.toContain("updatedAt");
    expect(byKey["plan/b.txt"]).toMatchObject({
      action: "invalid",
      changes: expect.arrayContaining(["status"]),
    });
    expect((await h.record("plan/gone.txt"))?.status).toBe("ready");
  }, 30_000);
});

describe("reimport and reconcile steps: done never passes total", () => {
  const ids = (id: string) => ({
    id,
    sequencer: reimportSequencer(Date.now()),
    leaseUntil: "2100-01-01T00:00:00.000Z",
  });

  /** The job's deps with pages of five keys and a work queue the test runs by hand. */
  function stepDeps() {
    const sent: WorkMessage[] = [];
    const deps = {
      ...h.deps.pipeline,
      settings: { ...h.deps.pipeline.settings, pageSize: 5 },
      work: { send: async (message: WorkMessage) => void sent.push(message) },
      jobs: h.deps.jobs,
    };
    const run = (message: WorkMessage | undefined) => {
      if (message?.type !== "reimport-count" && message?.type !== "reimport-page")
        throw new Error(`not a reimport step: ${message?.type}`);
      return runReimportPage(deps, message);
    };
    return { sent, deps, run };
  }

  const notes = (prefix: string, names: string[]) =>
    Object.fromEntries(names.map((name) => [`${prefix}${name}`, `${name}\n`]));

  it("counts each page once when a redelivered step lists the prefix anew and finds it changed", async () => {
    const names = Array.from({ length: 12 }, (_, i) => `b${String(i).padStart(2, "0")}.txt`);
    await putUnseen(notes("redeliver/", names));
    const { sent, deps, run } = stepDeps();
    const request = { target: { prefix: "redeliver/" }, mode: "merge" as const, dryRun: false, force: false };
    await startReimport(deps, request, ids("REDELIVERED0000000000000001"));
    await run(sent.shift()); // the count
    const firstPage = sent.shift();
    await run(firstPage);

    // Objects land before the first page's end, then that page's message is delivered again: its own
    // listing now ends elsewhere. Deliveries then run newest first (SQS keeps no order).
    await putUnseen(notes("redeliver/", ["a0.txt", "a1.txt", "a2.txt"]));
    await run(firstPage);
    for (let guard = 0; sent.length > 0 && guard < 20; guard += 1) await run(sent.pop());
    const job = await h.deps.jobs.getJob("REDELIVERED0000000000000001");

    expect(job).toMatchObject({ status: "done", total: 12, done: 12, failed: 0 });
  }, 30_000);

  it("keeps total at the keys processed when objects arrive between the count and their page", async () => {
    await putUnseen(notes("grow/", ["b1.txt", "b2.txt", "b3.txt", "b4.txt"]));
    const { sent, deps, run } = stepDeps();
    const request = { target: { prefix: "grow/" }, mode: "merge" as const, dryRun: false, force: false };
    await startReimport(deps, request, ids("GROWN00000000000000000001"));
    await run(sent.shift());
    const counted = await h.deps.jobs.getJob("GROWN00000000000000000001");

    await putUnseen(notes("grow/", ["a1.txt", "a2.txt", "a3.txt"]));
    const seen: [number, number][] = [];
    for (let guard = 0; sent.length > 0 && guard < 20; guard += 1) {
      await run(sent.shift());
      const job = await h.deps.jobs.getJob("GROWN00000000000000000001");
      seen.push([job?.done ?? -1, job?.total ?? -1]);
    }
    const job = await h.deps.jobs.getJob("GROWN00000000000000000001");

    expect(counted).toMatchObject({ total: 4, done: 0 });
    expect(seen.every(([done, total]) => done <= total)).toBe(true);
    expect(job).toMatchObject({ status: "done", total: 7, done: 7, failed: 0 });
  }, 30_000);
});

describe("POST /reimports: modes and keys", () => {
  it("keeps the API metadata layer with merge and drops it with overwrite", async () => {
    await h.put("edit/a.txt", "a\n");
    await h.put("edit/a.txt.metadata.json", '{"camera":"c1"}');
    await h.settle();
    await call("/records/edit/a.txt/metadata", { method: "PATCH", json: { lens: "x" } });

    const merged = await reimport({ keys: ["edit/a.txt"] });
    const afterMerge = await h.record("edit/a.txt");
    const overwritten = await reimport({ keys: ["edit/a.txt"], mode: "overwrite" });
    const afterOverwrite = await h.record("edit/a.txt");

    expect(merged.job).toMatchObject({ status: "done", mode: "merge", total: 1, done: 1 });
    expect(afterMerge?.apiLayer).toEqual({ lens: "x" });
    expect(afterMerge?.clientMetadata).toEqual({ camera: "c1", lens: "x" });
    expect(overwritten.job).toMatchObject({ status: "done", mode: "overwrite", done: 1 });
    expect(afterOverwrite?.apiLayer).toBeUndefined();
    expect(afterOverwrite?.clientMetadata).toEqual({ camera: "c1" });
    expect(afterOverwrite?.provenance).toEqual({ camera: "edit/a.txt.metadata.json" });
  }, 30_000);

  it("reimports a list of keys, failing the keys that are not data objects", async () => {
    await putUnseen({ "keys/b.txt": "b\n" });

    const { started, job } = await reimport({
      keys: ["keys/b.txt", "keys/b.txt.metadata.json", "keys/missing.txt"],
      force: true,
    });

    expect(started.body).toMatchObject({ status: "queued", total: 3 });
    expect(job).toMatchObject({ status: "done", total: 3, done: 2, failed: 1, force: true, prefix: null });
    expect(job.errors).toEqual([
      expect.objectContaining({ key: "keys/b.txt.metadata.json", code: "not-a-data-object" }),
    ]);
    expect((await h.record("keys/b.txt"))?.status).toBe("ready");
    expect(await h.record("keys/missing.txt")).toBeNull();
  }, 30_000);
});

describe("POST /reimports: validation, GET /reimports/{id}: unknown ids", () => {
  it("answers 400 when keys and prefix are both or neither given, or the body is invalid", async () => {
    const neither = await call("/reimports", { method: "POST", json: {} });
    const both = await call("/reimports", { method: "POST", json: { keys: ["a.txt"], prefix: "" } });
    const empty = await call("/reimports", { method: "POST", json: { keys: [] } });
    const mode = await call("/reimports", { method: "POST", json: { prefix: "", mode: "replace" } });
    const unknown = await call("/reimports", { method: "POST", json: { prefx: "a/" } });
    const noBody = await call("/reimports", { method: "POST" });

    for (const res of [neither, both, empty, mode, unknown, noBody]) {
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("invalid-request");
    }
    expect(mode.body.error.details[0].path).toBe("mode");
    expect(h.workQueue.size()).toBe(0);
  });

  it("answers 404 for an unknown job and 401 without the token", async () => {
    const missing = await call("/reimports/01ARZ3NDEKTSV4RRFFQ69G5FAV");
    const unauthorized = await call("/reimports/01ARZ3NDEKTSV4RRFFQ69G5FAV", { token: "wrong" });

    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not-found");
    expect(unauthorized.status).toBe(401);
  });

  it("documents both routes in /openapi.json", async () => {
    const doc = JSON.parse(await (await app.request("/openapi.json")).text());

    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/reimports", "/reimports/{id}"]));
    expect(doc.paths["/reimports"].post.responses["202"]).toBeDefined();
  });
});
