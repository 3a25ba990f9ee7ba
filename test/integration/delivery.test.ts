import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../packages/api/src/index";
import { startFakeEncord } from "../../packages/cli/src/fake-encord/index";
import { createApiDeps } from "../../packages/lambda/src/api-deps";
import { createDeliveryHandler, DELIVERY_MARGIN_MS } from "../../packages/lambda/src/delivery-handler";
import { callApi } from "../helpers/api-request";
import { writeEncordKey } from "../helpers/encord-key";
import { mediaBytes } from "../helpers/media";
import { type PipelineHarness, startPipeline } from "../helpers/pipeline-harness";

const FOLDER = "00000000-0000-4000-8000-0000000000f1";
const INTEGRATION = "00000000-0000-4000-8000-0000000000a1";

let h: PipelineHarness;
let fake: Awaited<ReturnType<typeof startFakeEncord>>;
let dir: string;
let deliver: ReturnType<typeof createDeliveryHandler>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sluice-delivery-"));
  const { keyFile, sshLine } = await writeEncordKey(dir);
  fake = await startFakeEncord({
    keys: [sshLine],
    integrations: [INTEGRATION],
    folders: [FOLDER],
    longPollCapSeconds: 1,
    jobDelayMs: 20,
  });
  h = await startPipeline({
    ENCORD_DOMAIN: fake.url,
    ENCORD_FOLDER: FOLDER,
    ENCORD_INTEGRATION: INTEGRATION,
    ENCORD_SSH_KEY_FILE: keyFile,
  });
  deliver = createDeliveryHandler(h.deps, { pollSeconds: 1 });
});
afterAll(async () => {
  await h?.stop();
  await fake?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the poller until no delivery is open (each run long-polls at most a second). */
async function deliverAll(): Promise<void> {
  for (let run = 0; run < 20; run += 1) {
    await deliver();
    if ((await h.deps.pipeline.deliveries?.listOpen())?.length === 0) return;
  }
  throw new Error("deliveries still open after 20 runs");
}

const TOKEN = "test-token-0123456789";

const api = (deps: PipelineHarness["deps"], path: string) =>
  callApi(createApp(createApiDeps(deps, TOKEN)), TOKEN, path);

const itemsAt = (url: string) => [...fake.state.items.values()].filter((item) => item.url === url);

describe("delivery to Encord through the fake server", () => {
  it("ends an upload with its Encord item id on its record, and a unit error on the right record", async () => {
    await h.put("d/good.png", mediaBytes("image.png"));
    await h.put("d/bad.png", mediaBytes("image.png"));
    await h.settle();
    const bad = await h.record("d/bad.png");
    await fake.inject({ unitErrors: { [bad?.objectUrl ?? ""]: "the integration cannot read this object" } });

    await h.exportNow();
    await deliverAll();

    const good = await h.record("d/good.png");
    const failed = await h.record("d/bad.png");
    expect(good?.encord?.itemId).toMatch(/^[0-9a-f-]{36}$/);
    expect(itemsAt(good?.objectUrl ?? "").map((item) => item.uuid)).toEqual([good?.encord?.itemId]);
    expect(failed?.encord).toMatchObject({ error: "the integration cannot read this object" });
    expect(failed?.encord?.itemId).toBeUndefined();
    const [delivery] = (await h.deps.pipeline.deliveries?.listRecent(1)) ?? [];
    expect(delivery).toMatchObject({
      state: "done",
      folder: FOLDER,
      attempts: 1,
      counts: { done: 1, error: 1 },
    });
  });

  it("never makes a duplicate item when the poller stops between starting a job and saving its id", async () => {
    await fake.inject({ unitErrors: {} });
    await h.put("crash/a.png", mediaBytes("image.png"));
    await h.settle();
    await h.exportNow();
    const store = h.deps.pipeline.deliveries;
    if (!store) throw new Error("delivery is off");
    const update = store.update.bind(store);
    store.update = async (next, expected) => {
      if (next.state === "running") throw new Error("stopped before the job id was saved");
      return update(next, expected);
    };
    const crashed = await deliver().then(
      () => "ran",
      (error: Error) => error.message,
    );
    store.update = update;
    const jobsAfterCrash = fake.state.jobs.size;

    await deliverAll();

    const url = (await h.record("crash/a.png"))?.objectUrl ?? "";
    const [delivery] = await store.listRecent(1);
    expect(crashed).toBe("stopped before the job id was saved");
    expect(fake.state.jobs.size).toBe(jobsAfterCrash + 1);
    expect(itemsAt(url)).toHaveLength(1);
    expect(delivery).toMatchObject({ state: "done", attempts: 2 });
  });

  it("brings a metadata change to the item already in Encord", async () => {
    const url = (await h.record("d/good.png"))?.objectUrl ?? "";
    const before = itemsAt(url)[0]?.clientMetadata;

    await h.put("d/good.png.metadata.json", JSON.stringify({ camera: "left", reviewed: true }));
    await h.settle();
    await h.exportNow();
    await deliverAll();

    expect(before).toEqual({});
    expect(itemsAt(url)).toHaveLength(1);
    expect(itemsAt(url)[0]?.clientMetadata).toEqual({ camera: "left", reviewed: true });
  });

  it("retries a poll answered 429 after the Retry-After it was given", async () => {
    await h.put("limited/a.png", mediaBytes("image.png"));
    await h.settle();
    await h.exportNow();
    await fake.inject({
      status: { code: 429, retryAfter: 1, times: 1, route: /data-upload-jobs\/[^/?]+\?/ },
    });
    const started = Date.now();

    await deliverAll();

    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect((await h.record("limited/a.png"))?.encord?.itemId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("starts nothing and leaves the file queued for a later run when the Lambda's remaining time is within the margin", async () => {
    await h.put("late/a.png", mediaBytes("image.png"));
    await h.settle();
    await h.exportNow();
    const jobsBefore = fake.state.jobs.size;

    const result = await deliver({}, { getRemainingTimeInMillis: () => DELIVERY_MARGIN_MS + 500 });
    const open = (await h.deps.pipeline.deliveries?.listOpen()) ?? [];
    await deliverAll();

    expect(result).toMatchObject({ started: [], finished: [], outOfTime: true });
    expect(open.map((delivery) => delivery.state)).toEqual(["queued"]);
    expect(fake.state.jobs.size).toBe(jobsBefore + 1);
    expect((await h.record("late/a.png"))?.encord?.itemId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("asks Encord for a poll no longer than the Lambda's remaining time less the margin", async () => {
    await h.put("short/a.png", mediaBytes("image.png"));
    await h.settle();
    await h.exportNow();
    const encord = await h.deps.encord?.();
    if (!encord) throw new Error("delivery is off");
    const waits: number[] = [];
    const recording = {
      ...encord,
      poll: (folder: string, jobId: string, seconds: number) => {
        waits.push(seconds);
        return encord.poll(folder, jobId, seconds);
      },
    };
    const patient = createDeliveryHandler({ ...h.deps, encord: async () => recording }, { pollSeconds: 20 });
    const deadline = Date.now() + DELIVERY_MARGIN_MS + 2_500;

    await patient({}, { getRemainingTimeInMillis: () => deadline - Date.now() });
    await deliverAll();

    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(1);
    expect(waits[0]).toBeLessThanOrEqual(2);
    expect((await h.record("short/a.png"))?.encord?.itemId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("lists deliveries with their job, state and unit counts, and answers 409 while delivery is off", async () => {
    const listed = await api(h.deps, "/deliveries?limit=50");
    const first = listed.body.deliveries.at(-1);
    const one = await api(h.deps, `/deliveries/${first?.jobId}`);
    const off = await api(
      { ...h.deps, pipeline: { ...h.deps.pipeline, deliveries: undefined } },
      "/deliveries",
    );
    const missing = await api(h.deps, "/deliveries/no-such-job");

    expect(listed.status).toBe(200);
    expect(listed.body.deliveries.length).toBeGreaterThanOrEqual(4);
    expect(first).toMatchObject({ state: "done", folder: FOLDER, records: 2, counts: { done: 1, error: 1 } });
    expect(one).toEqual({ status: 200, body: first });
    expect(off.status).toBe(409);
    expect(off.body.error.code).toBe("delivery-off");
    expect(missing.status).toBe(404);
  });
});
