import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobStore } from "../../../packages/aws/src/job-store";
import type { JobStore, NewJob } from "../../../packages/core/src/index";
import { createRecordsTable, type Dynalite, startDynalite } from "../../helpers/emulators";

const AT = "2026-01-01T00:00:00.000Z";
let dynamo: Dynalite;
let tableName: string;
let jobs: JobStore;
let ids = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
  tableName = await createRecordsTable(dynamo.client, "jobs");
  jobs = createJobStore(dynamo.doc, tableName);
});
afterAll(async () => {
  await dynamo?.stop();
});

async function newJob(overrides: Partial<NewJob> = {}): Promise<string> {
  ids += 1;
  const id = `JOB${ids}`;
  await jobs.createJob({
    id,
    kind: "reimport",
    status: "queued",
    total: 0,
    mode: "merge",
    dryRun: false,
    force: false,
    prefix: "p/",
    createdAt: AT,
    ...overrides,
  });
  return id;
}

describe("createJobStore", () => {
  it("stores a job under #job#<id> and reads it back with zeroed progress", async () => {
    const id = await newJob({ total: 3, force: true });

    const job = await jobs.getJob(id);
    const raw = await dynamo.doc.send(new GetCommand({ TableName: tableName, Key: { pk: `#job#${id}` } }));

    expect(job).toMatchObject({ id, status: "queued", total: 3, done: 0, failed: 0, errors: [], steps: 0 });
    expect(job?.force).toBe(true);
    expect(job?.plan).toBeNull();
    expect(raw.Item?.pk).toBe(`#job#${id}`);
    expect(await jobs.getJob("nope")).toBeNull();
  });

  it("adds each step's progress once, however often the step is delivered", async () => {
    const id = await newJob();

    const first = await jobs.addProgress(id, { step: 0, total: 10, at: AT });
    const again = await jobs.addProgress(id, { step: 0, total: 10, at: AT });
    const second = await jobs.addProgress(id, { step: 1, done: 4, failed: 1, at: AT });
    const skipped = await jobs.addProgress(id, { step: 5, done: 4, at: AT });

    expect([first, again, second, skipped]).toEqual([true, false, true, false]);
    expect(await jobs.getJob(id)).toMatchObject({ total: 10, done: 4, failed: 1, steps: 2 });
  });

  it("keeps at most 100 errors and 1,000 plan entries while the counts stay exact", async () => {
    const id = await newJob({ dryRun: true });
    const errors = Array.from({ length: 70 }, (_, i) => ({
      key: `k${i}`,
      code: "x",
      message: "m".repeat(900),
    }));
    const plan = Array.from({ length: 700 }, (_, i) => ({ key: `k${i}`, action: "create" as const }));

    await jobs.addProgress(id, { step: 0, failed: 70, errors, plan, at: AT });
    await jobs.addProgress(id, {
      step: 1,
      failed: 70,
      errors,
      plan: plan.map((e) => ({ ...e, action: "unchanged" as const })),
      at: AT,
    });
    const job = await jobs.getJob(id);

    expect(job?.failed).toBe(140);
    expect(job?.errors).toHaveLength(100);
    expect(job?.errors[0]?.message).toHaveLength(500);
    expect(job?.plan?.counts).toEqual({ create: 700, update: 0, unchanged: 700, invalid: 0, missing: 0 });
    expect(job?.plan?.entries).toHaveLength(1000);
    expect(job?.plan?.truncated).toBe(true);
  });

  it("keeps plan entries' changed fields, counts missing keys, and records where the job goes on", async () => {
    const id = await newJob({ dryRun: true });
    const update = { key: "a", action: "update" as const, changes: ["clientMetadata.site", "status"] };
    const next = { type: "reimport-page" as const, cursor: "token" };

    const fresh = await jobs.getJob(id);
    await jobs.addProgress(id, { step: 0, plan: [update, { key: "b", action: "missing" }], next, at: AT });
    const going = await jobs.getJob(id);
    await jobs.addProgress(id, { step: 1, next: null, at: AT });
    const ended = await jobs.getJob(id);

    expect(fresh?.next).toBeUndefined();
    expect(going?.next).toEqual(next);
    expect(going?.plan?.entries).toEqual([update, { key: "b", action: "missing" }]);
    expect(going?.plan?.counts).toMatchObject({ update: 1, missing: 1 });
    expect(ended?.next).toBeNull();
  });

  it("moves a status forward only, and to failed from any unfinished status", async () => {
    const id = await newJob();
    const done = await newJob();

    const moves = [
      await jobs.setStatus(id, "running", AT),
      await jobs.setStatus(id, "counting", AT),
      await jobs.setStatus(id, "failed", AT),
      await jobs.setStatus(done, "done", AT),
      await jobs.setStatus(done, "failed", AT),
      await jobs.setStatus("nope", "running", AT),
    ];

    expect(moves).toEqual([true, false, true, true, false, false]);
    expect((await jobs.getJob(id))?.status).toBe("failed");
    expect((await jobs.getJob(done))?.status).toBe("done");
  });

  it("replaces the running-jobs registry only over the version it read, from none at version 0", async () => {
    const place = { id: "R1", kind: "reconcile" as const, prefix: null, dryRun: false, expiresAt: AT };

    const empty = await jobs.readRunningJobs();
    const first = await jobs.writeRunningJobs([place], 0);
    const againFromNone = await jobs.writeRunningJobs([], 0);
    const read = await jobs.readRunningJobs();
    const stale = await jobs.writeRunningJobs([], 0);
    const next = await jobs.writeRunningJobs([{ ...place, prefix: "p/" }], read.version);
    const raw = await dynamo.doc.send(new GetCommand({ TableName: tableName, Key: { pk: "#jobs#running" } }));

    expect(empty).toEqual({ jobs: [], version: 0 });
    expect([first, againFromNone, stale, next]).toEqual([true, false, false, true]);
    expect(read).toEqual({ jobs: [place], version: 1 });
    expect(await jobs.readRunningJobs()).toEqual({ jobs: [{ ...place, prefix: "p/" }], version: 2 });
    expect(raw.Item?.pk).toBe("#jobs#running");
  });
});
