import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type StoredMessage, storedMessageSchema } from "../../../packages/cli/src/local/queue-snapshot";
import { openPersistentQueue } from "../../../packages/cli/src/local-queues";
import { openJournal, readJournal } from "../../../packages/cli/src/queue-journal";

const schema = storedMessageSchema(z.string());

function message(id: string, body = id): StoredMessage<string> {
  return {
    messageId: id,
    body,
    sentAt: 1,
    firstReceivedAt: null,
    receiveCount: 0,
    visibleAt: 1,
    receiptHandle: null,
    lastError: null,
  };
}

let dataDir: string;
let dir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "sluice-journal-"));
  dir = join(dataDir, "queues");
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("openJournal", () => {
  it("has every appended message on disk once append returns, in the current file", () => {
    // Prepare
    const journal = openJournal<string>(dir, "ingest", []);

    // Act
    for (const id of ["a", "b", "c"]) journal.append(message(id));
    const lines = readFileSync(join(dir, "ingest.sent.0.jsonl"), "utf8").trim().split("\n");
    journal.close();

    // Assert
    expect(lines.map((line) => JSON.parse(line).messageId)).toEqual(["a", "b", "c"]);
  });

  it("drops the files a snapshot covers once it is written, and keeps the sends that came after it", async () => {
    // Prepare
    const journal = openJournal<string>(dir, "ingest", [3]);
    journal.append(message("before"));
    const dropCovered = journal.cut();
    journal.append(message("after"));

    // Act
    dropCovered();
    journal.close();

    // Assert
    const read = await readJournal(dir, "ingest", schema);
    expect(read.messages.map((m) => m.messageId)).toEqual(["after"]);
    expect(read.generations).toEqual([5]);
  });
});

describe("readJournal", () => {
  it("leaves out a last line the process died writing, and reads the files oldest first", async () => {
    // Prepare
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, "ingest.sent.10.jsonl"),
      `${JSON.stringify(message("late"))}\n{"messageId":"to`,
    );
    await writeFile(join(dir, "ingest.sent.9.jsonl"), `${JSON.stringify(message("early"))}\n`);
    await writeFile(join(dir, "work.sent.0.jsonl"), `${JSON.stringify(message("other queue"))}\n`);

    // Act
    const read = await readJournal(dir, "ingest", schema);

    // Assert
    expect(read.messages.map((m) => m.messageId)).toEqual(["early", "late"]);
    expect(read.generations).toEqual([9, 10]);
  });

  it("refuses a whole line that is not a message rather than dropping it", async () => {
    // Prepare
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "ingest.sent.0.jsonl"), "not json\n");

    // Act
    const read = readJournal(dir, "ingest", schema);

    // Assert
    await expect(read).rejects.toThrow("is not a queued message");
  });
});

describe("openPersistentQueue", () => {
  it("restores a message whose send resolved when the process died before the queue's next snapshot", async () => {
    // Prepare: no flush, as after a kill -9 (the snapshot, debounced, comes later if ever).
    const first = await openPersistentQueue(dataDir, "ingest", z.string());
    await first.queue.send("acknowledged");
    const onDisk = await readJournal(dir, "ingest", schema);

    // Act
    const reopened = await openPersistentQueue(dataDir, "ingest", z.string());

    // Assert
    expect(onDisk.messages.map((m) => m.body)).toEqual(["acknowledged"]);
    expect(reopened.queue.receive().map((m) => m.body)).toEqual(["acknowledged"]);
    // Both write the same file through the same temp name: one after the other.
    await first.flush();
    await reopened.flush();
  });

  it("restores each message once when both the snapshot and the journal hold it, and leaves no journal after a flush", async () => {
    // Prepare: a snapshot of two messages, the journal file of the first left behind (the process died before
    // dropping it), and a send journaled after the snapshot.
    const first = await openPersistentQueue(dataDir, "ingest", z.string());
    await first.queue.send("one");
    await first.queue.send("two");
    await first.flush();
    const [oneId] = first.queue.snapshot().messages.map((m) => m.messageId);
    await writeFile(join(dir, "ingest.sent.0.jsonl"), `${JSON.stringify(message(oneId ?? "", "one"))}\n`);
    await writeFile(join(dir, "ingest.sent.1.jsonl"), `${JSON.stringify(message("m-three", "three"))}\n`);

    // Act
    const reopened = await openPersistentQueue(dataDir, "ingest", z.string());
    const bodies = reopened.queue.receive().map((m) => m.body);
    await reopened.flush();

    // Assert
    expect(bodies).toEqual(["one", "two", "three"]);
    expect((await readdir(dir)).filter((f) => f.includes(".sent."))).toEqual([]);
  });
});
