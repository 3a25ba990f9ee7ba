import { describe, expect, it } from "vitest";
import { runDeliveries } from "../../../../packages/core/src/delivery/deliver";
import type { Delivery, DeliveryState, EncordJobs } from "../../../../packages/core/src/index";
import { createFakePipeline, createMemoryDeliveryStore } from "../../../helpers/fakes";

type FakePipeline = ReturnType<typeof createFakePipeline>;

/**
 * Encord's upload jobs on the pipeline's simulated clock: a job ends `jobMs` after it started (or at
 * the time given for a seeded one); a long poll holds until the job ends or its wait is over.
 */
function createClockedEncord(p: FakePipeline, jobMs: number) {
  const endsAt = new Map<string, number>();
  const polls: { jobId: string; timeoutSeconds: number }[] = [];
  const starts: string[] = [];
  const encord: EncordJobs = {
    async start(_folder, _importFile, fileName) {
      starts.push(fileName);
      const jobId = `job-${starts.length}`;
      endsAt.set(jobId, p.clockMs + jobMs);
      return jobId;
    },
    async poll(_folder, jobId, timeoutSeconds) {
      polls.push({ jobId, timeoutSeconds });
      const end = endsAt.get(jobId) ?? Number.POSITIVE_INFINITY;
      p.advance(Math.max(0, Math.min(end, p.clockMs + timeoutSeconds * 1000) - p.clockMs));
      const counts = { done: 0, error: 0, cancelled: 0 };
      const status = p.clockMs >= end ? "DONE" : "PENDING";
      return { status, itemsWithNames: [], unitErrors: [], errors: [], counts };
    },
  };
  return { encord, endsAt, polls, starts };
}

function delivery(file: string, folder: string, state: DeliveryState, jobId: string | null = null): Delivery {
  const at = "2026-01-01T00:00:00.000Z";
  return {
    file,
    folder,
    keys: [],
    state,
    jobId,
    attempts: jobId ? 1 : 0,
    createdAt: at,
    updatedAt: at,
    counts: null,
    errors: [],
  };
}

/** A fake pipeline with delivery, and `budget(ms)`: limits whose time left counts down on its clock from now. */
function setUp(jobMs = 30_000) {
  const p = createFakePipeline();
  const deliveries = createMemoryDeliveryStore();
  const jobs = createClockedEncord(p, jobMs);
  const deps = { ...p.deps, deliveries, encord: jobs.encord };
  const budget = (ms: number, pollSeconds = 20) => {
    const deadline = p.clockMs + ms;
    return { pollSeconds, remainingMs: () => deadline - p.clockMs };
  };
  const states = () => [...deliveries.deliveries.values()].map((d) => d.state);
  return { p, deliveries, jobs, deps, budget, states };
}

describe("runDeliveries", () => {
  it("returns within its budget and leaves the jobs it did not finish to a later run when every poll holds its whole wait", async () => {
    // Prepare
    const { p, deliveries, jobs, deps, budget, states } = setUp();
    for (const n of [1, 2, 3]) {
      await deliveries.enqueue(delivery(`imports/f${n}.json`, `folder-${n}`, "running", `seeded-${n}`));
      jobs.endsAt.set(`seeded-${n}`, 70_000);
    }

    // Act: the schedule's runs, one a minute, each with 25 s
    const elapsed: number[] = [];
    const finished: string[] = [];
    for (let run = 0; run < 5 && states().includes("running"); run += 1) {
      const startedAt = p.clockMs;
      const result = await runDeliveries(deps, budget(25_000));
      elapsed.push(p.clockMs - startedAt);
      finished.push(...result.finished.map((f) => f.file));
      p.advance(60_000 - (p.clockMs - startedAt));
    }

    // Assert
    expect(Math.max(...elapsed)).toBeLessThanOrEqual(25_000);
    expect(elapsed.length).toBeGreaterThan(1);
    expect(finished.sort()).toEqual(["imports/f1.json", "imports/f2.json", "imports/f3.json"]);
    expect(states()).toEqual(["done", "done", "done"]);
  });

  it("caps a poll's wait by the time left when that is shorter than pollSeconds", async () => {
    // Prepare
    const { deliveries, jobs, deps, budget } = setUp();
    await deliveries.enqueue(delivery("imports/a.json", "folder-a", "running", "seeded"));

    // Act
    await runDeliveries(deps, budget(7_500));

    // Assert
    expect(jobs.polls).toEqual([{ jobId: "seeded", timeoutSeconds: 7 }]);
  });

  it("shares the time left between the folders still to poll when their jobs are all running", async () => {
    // Prepare
    const { deliveries, jobs, deps, budget } = setUp();
    for (const n of [1, 2, 3]) {
      await deliveries.enqueue(delivery(`imports/f${n}.json`, `folder-${n}`, "running", `seeded-${n}`));
    }

    // Act
    const result = await runDeliveries(deps, budget(30_000));

    // Assert
    expect(jobs.polls.map((poll) => poll.timeoutSeconds)).toEqual([10, 10, 10]);
    expect(result.outOfTime).toBe(false);
  });

  it("starts and polls nothing, and leaves every delivery open, when less than a second is left", async () => {
    // Prepare
    const { p, deliveries, jobs, deps, budget, states } = setUp();
    p.exports.files.set("imports/q.json", "{}");
    await deliveries.enqueue(delivery("imports/q.json", "folder-q", "queued"));
    await deliveries.enqueue(delivery("imports/r.json", "folder-r", "running", "seeded"));

    // Act
    const result = await runDeliveries(deps, budget(900));

    // Assert
    expect(result).toEqual({ started: [], restarted: [], finished: [], outOfTime: true });
    expect(jobs.starts).toEqual([]);
    expect(jobs.polls).toEqual([]);
    expect(states()).toEqual(["queued", "running"]);
  });

  it("starts a folder's next file when its job ended, and leaves it running for a later run when time is up", async () => {
    // Prepare
    const { p, deliveries, jobs, deps, budget, states } = setUp(60_000);
    p.exports.files.set("imports/b.json", "{}");
    await deliveries.enqueue(delivery("imports/a.json", "folder-a", "running", "seeded"));
    await deliveries.enqueue({
      ...delivery("imports/b.json", "folder-a", "queued"),
      createdAt: "2026-01-02",
    });
    jobs.endsAt.set("seeded", 5_000);

    // Act
    const result = await runDeliveries(deps, budget(25_000));

    // Assert
    expect(result.finished.map((f) => f.file)).toEqual(["imports/a.json"]);
    expect(result.started).toEqual(["imports/b.json"]);
    expect(jobs.polls.map((poll) => poll.timeoutSeconds)).toEqual([20, 20]);
    expect(p.clockMs).toBeLessThanOrEqual(25_000);
    expect(states()).toEqual(["done", "running"]);
  });
});
