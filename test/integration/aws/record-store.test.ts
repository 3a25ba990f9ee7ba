import { createHash } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordPk, shardOf } from "../../../packages/aws/src/record-item";
import { createRecordStore } from "../../../packages/aws/src/record-store";
import { BY_STATUS_INDEX, PENDING_EXPORT_INDEX } from "../../../packages/aws/src/table";
import { InvalidCursorError, WriteConflictError } from "../../../packages/core/src/errors";
import type { RecordStore, StoredRecord } from "../../../packages/core/src/ports/record-store";
import { type RecordedCall, recordCalls } from "../../helpers/aws-call-recorder";
import {
  createRecordsTable,
  type Dynalite,
  type S3rverHandle,
  startDynalite,
  startS3rver,
} from "../../helpers/emulators";

const EXPORTS = "sluice-exports";
let dynamo: Dynalite;
let s3: S3rverHandle;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
  s3 = await startS3rver([EXPORTS]);
});

afterAll(async () => {
  await dynamo?.stop();
  await s3?.stop();
});

/** A store over a table of its own whose DynamoDB calls are recorded (operation names, in order). */
async function recordedStore(shards?: number): Promise<{ store: RecordStore; operations: () => string[] }> {
  const { tableName } = await newStore(shards);
  const credentials = { accessKeyId: "test", secretAccessKey: "test" };
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: "us-east-1", credentials });
  const calls: RecordedCall[] = [];
  recordCalls(client, "dynamodb", calls);
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const store = createRecordStore({ doc, tableName, s3: s3.client, exportsBucket: EXPORTS, shards });
  return { store, operations: () => calls.splice(0).map((call) => call.operation) };
}

/** A fresh table per test, so that tests share the emulators but not their items. */
async function newStore(shards?: number): Promise<{ store: RecordStore; tableName: string }> {
  tables += 1;
  const tableName = await createRecordsTable(dynamo.client, `records-${tables}`);
  const store = createRecordStore({
    doc: dynamo.doc,
    tableName,
    s3: s3.client,
    exportsBucket: EXPORTS,
    shards,
  });
  return { store, tableName };
}

function storedRecord(key: string, overrides: Partial<StoredRecord> = {}): StoredRecord {
  return {
    bucket: "data",
    key,
    objectUrl: `s3://data/${key}`,
    dataType: "video",
    status: "ready",
    title: key,
    clientMetadata: {},
    provenance: {},
    mediaMetadata: null,
    sidecarKey: null,
    etag: null,
    versionId: null,
    errors: [],
    warnings: [],
    updatedAt: "2024-05-01T10:00:00.000Z",
    importEntry: null,
    export: { state: "pending" },
    revision: 1,
    sequencers: { [key]: "0055AA".padEnd(64, "0") },
    ...overrides,
  };
}

async function indexPks(tableName: string, index: string): Promise<string[]> {
  const out = await dynamo.doc.send(new ScanCommand({ TableName: tableName, IndexName: index }));
  return (out.Items ?? []).map((item) => String(item.pk)).sort();
}

/** Overflow objects of one record (tables share the exports bucket, so a pk may recur across tests). */
async function overflowKeys(pk: string): Promise<string[]> {
  const prefix = `records/${createHash("sha256").update(pk).digest("hex")}/`;
  const out = await s3.client.send(new ListObjectsV2Command({ Bucket: EXPORTS, Prefix: prefix }));
  return (out.Contents ?? []).map((object) => object.Key ?? "");
}

describe("createRecordStore", () => {
  it("returns every field it stored when a full record is read back", async () => {
    // Prepare
    const { store } = await newStore();
    const key = "folder/a b+c/été 🎞.mp4";
    const record = storedRecord(key, {
      status: "incomplete",
      clientMetadata: {
        camera: "front",
        huge: 1e300,
        beyondSafe: 2 ** 60,
        nested: { list: [1, 2.5, null, true] },
      },
      provenance: { camera: "folder/a b+c/été 🎞.mp4.json", huge: "folder/_defaults.json" },
      mediaMetadata: {
        fileSize: 1234,
        mimeType: "video/mp4",
        width: 1920,
        height: 1080,
        fps: 29.97,
        duration: 1.5,
      },
      sidecarKey: `${key}.json`,
      etag: '"abc"',
      versionId: "v1",
      errors: [{ code: "group-incomplete", message: "2 of 3 members", path: "members" }],
      warnings: [{ code: "type-mismatch", message: "content says video/mp4" }],
      importEntry: { objectUrl: `s3://data/${key}`, title: key, clientMetadata: { camera: "front" } },
      export: { state: "held", file: "imports/01.json", at: "2024-05-01T10:01:00.000Z" },
      encord: { itemId: "item-1", jobId: "job-1" },
      revision: 7,
    });
    await store.put(record, null);

    // Act
    const read = await store.get("data", key);
    const many = await store.getMany("data", [key]);

    // Assert
    expect(read).toEqual(record);
    expect(many).toEqual([record]);
    expect(await store.get("data", "missing.mp4")).toBeNull();
  });

  it("refuses to create a record when an item already exists", async () => {
    // Prepare
    const { store } = await newStore();
    await store.put(storedRecord("a.mp4"), null);

    // Act
    const second = store.put(storedRecord("a.mp4", { title: "other" }), null);

    // Assert
    await expect(second).rejects.toBeInstanceOf(WriteConflictError);
    expect((await store.get("data", "a.mp4"))?.title).toBe("a.mp4");
  });

  it("lets exactly one of two writers win when both expect the same revision", async () => {
    // Prepare
    const { store } = await newStore();
    await store.put(storedRecord("a.mp4"), null);

    // Act
    const outcomes = await Promise.allSettled([
      store.put(storedRecord("a.mp4", { revision: 2, title: "first" }), 1),
      store.put(storedRecord("a.mp4", { revision: 2, title: "second" }), 1),
    ]);

    // Assert
    const won = outcomes.flatMap((outcome, index) => (outcome.status === "fulfilled" ? [index] : []));
    const lost = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(WriteConflictError);
    const stored = await store.get("data", "a.mp4");
    expect(stored?.revision).toBe(2);
    expect(stored?.title).toBe(won[0] === 0 ? "first" : "second");
  });

  it("refuses a write when the expected revision is stale", async () => {
    // Prepare
    const { store } = await newStore();
    await store.put(storedRecord("a.mp4"), null);
    await store.put(storedRecord("a.mp4", { revision: 2 }), 1);

    // Act
    const stale = store.put(storedRecord("a.mp4", { revision: 2, title: "stale" }), 1);

    // Assert
    await expect(stale).rejects.toBeInstanceOf(WriteConflictError);
    expect((await store.get("data", "a.mp4"))?.title).toBe("a.mp4");
  });

  it("keeps each record only in the sparse indexes its status and export state call for", async () => {
    // Prepare
    const { store, tableName } = await newStore();
    await store.put(storedRecord("done.mp4", { export: { state: "exported", file: "f", at: "t" } }), null);
    await store.put(storedRecord("bad.mp4", { status: "invalid", export: { state: "held" } }), null);
    await store.put(storedRecord("new.mp4"), null);

    // Act
    const byStatus = await indexPks(tableName, BY_STATUS_INDEX);
    const pendingBefore = await indexPks(tableName, PENDING_EXPORT_INDEX);
    const marked = await store.markExported(
      "data",
      "new.mp4",
      1,
      "imports/x.json",
      "2024-05-01T11:00:00.000Z",
    );
    const pendingAfter = await indexPks(tableName, PENDING_EXPORT_INDEX);

    // Assert
    expect(byStatus).toEqual(["data#bad.mp4"]);
    expect(pendingBefore).toEqual(["data#new.mp4"]);
    expect(marked).toBe(true);
    expect(pendingAfter).toEqual([]);
    const exported = await store.get("data", "new.mp4");
    expect(exported?.export).toEqual({
      state: "exported",
      file: "imports/x.json",
      at: "2024-05-01T11:00:00.000Z",
    });
    expect(exported?.revision).toBe(2);
  });

  it("drops a record from byStatus when it becomes ready", async () => {
    // Prepare
    const { store, tableName } = await newStore();
    await store.put(storedRecord("a.mp4", { status: "invalid" }), null);
    const before = await indexPks(tableName, BY_STATUS_INDEX);

    // Act
    await store.put(storedRecord("a.mp4", { revision: 2 }), 1);

    // Assert
    expect(before).toEqual(["data#a.mp4"]);
    expect(await indexPks(tableName, BY_STATUS_INDEX)).toEqual([]);
  });

  it("answers false from markExported and keeps the record pending when its revision changed", async () => {
    // Prepare
    const { store } = await newStore();
    await store.put(storedRecord("a.mp4"), null);
    await store.put(storedRecord("a.mp4", { revision: 2, title: "changed" }), 1);

    // Act
    const marked = await store.markExported("data", "a.mp4", 1, "imports/x.json", "2024-05-01T11:00:00.000Z");

    // Assert
    expect(marked).toBe(false);
    const pending = await store.listPending("2024-05-01T12:00:00.000Z", 10);
    expect(pending.map((record) => [record.key, record.export.state])).toEqual([["a.mp4", "pending"]]);
  });

  it("answers false from markExported when the record does not exist", async () => {
    // Prepare
    const { store } = await newStore();

    // Act
    const marked = await store.markExported("data", "nothing.mp4", 1, "imports/x.json", "t");

    // Assert
    expect(marked).toBe(false);
    expect(await store.get("data", "nothing.mp4")).toBeNull();
  });

  it("lists pending records of every shard oldest first, up to the time and the limit given", async () => {
    // Prepare
    const { store } = await newStore();
    const seconds = Array.from({ length: 40 }, (_, index) => (index * 17) % 40);
    for (const second of seconds) {
      const updatedAt = `2024-05-01T10:00:${String(second).padStart(2, "0")}.000Z`;
      await store.put(storedRecord(`clip-${second}.mp4`, { updatedAt }), null);
    }
    await store.put(
      storedRecord("old-exported.mp4", {
        updatedAt: "2024-05-01T09:00:00.000Z",
        export: { state: "exported" },
      }),
      null,
    );
    const shardsUsed = new Set(seconds.map((second) => shardOf(recordPk("data", `clip-${second}.mp4`), 16)));

    // Act
    const upToCutoff = await store.listPending("2024-05-01T10:00:29.000Z", 100);
    const firstFive = await store.listPending("2024-05-01T10:00:29.000Z", 5);

    // Assert
    expect(shardsUsed.size).toBeGreaterThan(8);
    expect(upToCutoff.map((record) => record.key)).toEqual(
      Array.from({ length: 30 }, (_, second) => `clip-${second}.mp4`),
    );
    expect(firstFive.map((record) => record.key)).toEqual([
      "clip-0.mp4",
      "clip-1.mp4",
      "clip-2.mp4",
      "clip-3.mp4",
      "clip-4.mp4",
    ]);
    expect(await store.listPending("2024-05-01T09:59:59.999Z", 100)).toEqual([]);
  });

  it("pages through one shard when its pending items exceed a 1 MB query page", async () => {
    // Prepare
    const { store } = await newStore(1);
    const filler = "x".repeat(300_000);
    for (let index = 0; index < 6; index += 1) {
      const updatedAt = `2024-05-01T10:00:0${index}.000Z`;
      await store.put(storedRecord(`big-${index}.mp4`, { updatedAt, clientMetadata: { filler } }), null);
    }

    // Act
    const pending = await store.listPending("2024-05-01T11:00:00.000Z", 10);

    // Assert
    expect(pending.map((record) => record.key)).toEqual(
      Array.from({ length: 6 }, (_, index) => `big-${index}.mp4`),
    );
    expect(pending.every((record) => record.clientMetadata.filler === filler)).toBe(true);
  });

  it("reads the pending index with one Scan when it holds no more than one page", async () => {
    // Prepare
    const { store, operations } = await recordedStore();
    const idle = await store.listPending("2024-05-01T11:00:00.000Z", 10);
    const idleOperations = operations();
    for (let index = 0; index < 40; index += 1) await store.put(storedRecord(`clip-${index}.mp4`), null);
    operations();

    // Act
    const pending = await store.listPending("2024-05-01T11:00:00.000Z", 100);

    // Assert
    expect(idle).toEqual([]);
    expect(idleOperations).toEqual(["Scan"]);
    expect(pending).toHaveLength(40);
    expect(operations()).toEqual(["Scan", "BatchGetItem"]);
  });

  it("queries each shard, oldest first, when one Scan page does not hold the whole pending index", async () => {
    // Prepare: four 300 KB items fill more than a 1 MB page.
    const { store, operations } = await recordedStore(4);
    const filler = "x".repeat(300_000);
    for (let index = 3; index >= 0; index -= 1) {
      const updatedAt = `2024-05-01T10:00:0${index}.000Z`;
      await store.put(storedRecord(`big-${index}.mp4`, { updatedAt, clientMetadata: { filler } }), null);
    }
    operations();

    // Act
    const pending = await store.listPending("2024-05-01T11:00:00.000Z", 3);

    // Assert
    expect(pending.map((record) => record.key)).toEqual(["big-0.mp4", "big-1.mp4", "big-2.mp4"]);
    expect(operations().filter((operation) => operation !== "BatchGetItem")).toEqual([
      "Scan",
      "Query",
      "Query",
      "Query",
      "Query",
    ]);
  });

  it("moves a 5 MB clientMetadata of per-frame embeddings to S3 and reads it back unchanged", async () => {
    // Prepare
    const { store, tableName } = await newStore();
    const frames = Array.from({ length: 540 }, (_, frame) => ({
      frame,
      embedding: Array.from({ length: 512 }, (_, dimension) => Math.sin(frame * 512 + dimension)),
    }));
    const record = storedRecord("long.mp4", {
      clientMetadata: { frames },
      provenance: { frames: "long.mp4.json" },
      importEntry: { objectUrl: "s3://data/long.mp4", clientMetadata: { frames } },
    });
    expect(JSON.stringify(record.clientMetadata).length).toBeGreaterThan(5_000_000);

    // Act
    await store.put(record, null);
    const raw = await dynamo.doc.send(new GetCommand({ TableName: tableName, Key: { pk: "data#long.mp4" } }));

    // Assert
    expect(await store.get("data", "long.mp4")).toEqual(record);
    expect(await store.getMany("data", ["long.mp4"])).toEqual([record]);
    expect(await store.listPending("2024-05-01T10:00:00.000Z", 1)).toEqual([record]);
    expect(JSON.stringify(raw.Item).length).toBeLessThan(5_000);
    expect(raw.Item?.clientMetadata).toBeUndefined();
    expect(raw.Item?.payload).toBeUndefined();
    expect(await overflowKeys("data#long.mp4")).toEqual([raw.Item?.overflow.key]);
  });

  it("replaces the overflow object on a rewrite and removes it when the record shrinks", async () => {
    // Prepare
    const { store } = await newStore();
    const big = { text: "y".repeat(400_000) };
    await store.put(storedRecord("a.mp4", { clientMetadata: big }), null);
    const first = await overflowKeys("data#a.mp4");

    // Act
    await store.put(storedRecord("a.mp4", { revision: 2, clientMetadata: { ...big, more: 1 } }), 1);
    const second = await overflowKeys("data#a.mp4");
    await store.put(storedRecord("a.mp4", { revision: 3, clientMetadata: { small: true } }), 2);

    // Assert
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(second).not.toEqual(first);
    expect(await overflowKeys("data#a.mp4")).toEqual([]);
    expect((await store.get("data", "a.mp4"))?.clientMetadata).toEqual({ small: true });
  });

  it("reads more than 100 keys in the order asked, each once, leaving missing keys out", async () => {
    // Prepare
    const { store } = await newStore();
    const keys = Array.from({ length: 230 }, (_, index) => `k/${String(index).padStart(3, "0")}.jpg`);
    for (const key of keys) await store.put(storedRecord(key), null);
    const asked = [...keys].reverse().concat(["k/missing.jpg", "k/000.jpg"]);

    // Act
    const records = await store.getMany("data", asked);

    // Assert
    expect(records.map((record) => record.key)).toEqual([...keys].reverse());
  });
});

describe("createRecordStore: listIndexed", () => {
  it("keeps group and series records in byStatus in every status, apart from other records", async () => {
    // Prepare
    const { store, tableName } = await newStore();
    await store.put(storedRecord("seq/", { dataType: "image_sequence" }), null);
    await store.put(storedRecord("dicom:2.25.1", { dataType: "dicom_series", status: "incomplete" }), null);
    await store.put(storedRecord("a.mp4"), null);

    // Act
    const entries = await dynamo.doc.send(
      new ScanCommand({ TableName: tableName, IndexName: BY_STATUS_INDEX }),
    );

    // Assert
    const partitions = (entries.Items ?? []).map((item) => [item.pk, String(item.statusPk).split("#")[0]]);
    expect(partitions.sort()).toEqual([
      ["data#dicom:2.25.1", "group"],
      ["data#seq/", "group"],
    ]);
  });

  it("pages through the records of a status across every shard, each once, in index order, under a prefix", async () => {
    // Prepare: records spread over the shards, some filtered out by prefix, type or status.
    const { store } = await newStore();
    const gone: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const key = `gone/k${String(i).padStart(2, "0")}.txt`;
      const updatedAt = `2024-05-01T10:${String(59 - i).padStart(2, "0")}:00.000Z`;
      gone.push(key);
      await store.put(storedRecord(key, { status: "deleted", dataType: "text", updatedAt }), null);
    }
    for (let i = 0; i < 30; i += 1)
      await store.put(storedRecord(`else/k${i}.txt`, { status: "deleted" }), null);
    await store.put(storedRecord("gone/bad.txt", { status: "invalid" }), null);
    await store.put(storedRecord("gone/grp/", { dataType: "image_group", status: "deleted" }), null);
    const filter = { prefix: "gone/", status: "deleted" as const };

    // Act
    const keys: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await store.listIndexed("data", "status", filter, cursor, 7);
      keys.push(...page.records.map((r) => r.key));
      cursor = page.cursor;
      pages += 1;
    } while (cursor !== null && pages < 50);
    const texts = await store.listIndexed("data", "status", { ...filter, type: "text" }, null, 100);

    // Assert: oldest change first (the keys were written newest first).
    expect(keys).toEqual(["gone/grp/", ...[...gone].reverse()]);
    expect(texts.records.map((r) => r.key)).toEqual([...gone].reverse());
    expect(texts.cursor).toBeNull();
  });

  it("lists groups in any status, and refuses a cursor that is not a position of the listing", async () => {
    // Prepare
    const { store } = await newStore();
    await store.put(storedRecord("a/seq/", { dataType: "image_sequence", status: "incomplete" }), null);
    await store.put(storedRecord("a/grp/", { dataType: "image_group" }), null);
    await store.put(storedRecord("b/grp/", { dataType: "image_group" }), null);
    await store.put(storedRecord("dicom:2.25.9", { dataType: "dicom_series", title: "a/scans/axial" }), null);

    // Act
    const groups = await store.listIndexed("data", "groups", { prefix: "a/", type: "image_group" }, null, 10);
    const series = await store.listIndexed(
      "data",
      "groups",
      { prefix: "a/", type: "dicom_series" },
      null,
      10,
    );
    const refused = await store
      .listIndexed("data", "groups", { prefix: "", type: "image_group", status: "ready" }, "invalid#x", 10)
      .catch((error: unknown) => error);

    // Assert
    expect(groups.records.map((r) => r.key)).toEqual(["a/grp/"]);
    expect(series.records.map((r) => r.key)).toEqual(["dicom:2.25.9"]);
    expect(refused).toBeInstanceOf(InvalidCursorError);
  });
});
