import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type MemoryQueueSnapshot,
  memoryQueueSnapshotSchema,
} from "../../../packages/cli/src/local/queue-snapshot";
import { createSnapshotWriter, loadSnapshot, releaseInFlight } from "../../../packages/cli/src/queue-store";

const schema = memoryQueueSnapshotSchema(z.string());

function snapshotWith(bodies: string[], visibleAt = 0): MemoryQueueSnapshot<string> {
  return {
    version: 1,
    messages: bodies.map((body, i) => ({
      messageId: `m${i}`,
      body,
      sentAt: 0,
      firstReceivedAt: null,
      receiveCount: 0,
      visibleAt,
      receiptHandle: visibleAt > 0 ? "h" : null,
      lastError: null,
    })),
    deadLetters: [],
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sluice-queue-store-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("createSnapshotWriter", () => {
  it("writes only the latest of several scheduled snapshots when flushed, leaving no temp file", async () => {
    // Prepare
    const file = join(dir, "queues", "ingest.json");
    const writer = createSnapshotWriter<string>(file, 10_000);
    writer.schedule(snapshotWith(["a"]));
    writer.schedule(snapshotWith(["a", "b"]));

    // Act
    await writer.flush();

    // Assert
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual(snapshotWith(["a", "b"]));
    expect(await readdir(join(dir, "queues"))).toEqual(["ingest.json"]);
  });
});

describe("loadSnapshot", () => {
  it("answers null when the file does not exist", async () => {
    // Act
    const loaded = await loadSnapshot(join(dir, "none.json"), schema);

    // Assert
    expect(loaded).toBeNull();
  });

  it("throws rather than dropping messages when the file is not a snapshot", async () => {
    // Prepare
    const file = join(dir, "bad.json");
    await writeFile(file, '{"version":2}');

    // Act
    const loading = loadSnapshot(file, schema);

    // Assert
    await expect(loading).rejects.toThrow(/is not a queue snapshot/);
  });
});

describe("releaseInFlight", () => {
  it("makes a message visible at once when it was in flight at the stop", () => {
    // Act
    const released = releaseInFlight(snapshotWith(["a"], 5_000), 1_000);

    // Assert
    expect(released.messages[0]).toMatchObject({ visibleAt: 1_000, receiptHandle: null });
  });
});
