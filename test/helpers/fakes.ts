import { createHash } from "node:crypto";
import {
  createMemoryByteSource,
  DEFAULT_IMPORT_LIMITS,
  DEFAULT_PROBE_SETTINGS,
  type Delivery,
  type DeliveryStore,
  type ExportStore,
  type Flags,
  type ImportFileInfo,
  isGroupType,
  isOpen,
  type Leases,
  type MetadataSchema,
  matchesFilter,
  NotFoundError,
  type ObjectStore,
  type PipelineDeps,
  type RecordStore,
  type SchemaStore,
  type StoredRecord,
  type WorkMessage,
  type WorkQueue,
  WriteConflictError,
} from "../../packages/core/src/index";

/** An in-memory bucket: a fake of the ObjectStore port for core use-case tests. */
export function createMemoryObjectStore(bucket = "data") {
  const objects = new Map<string, { bytes: Uint8Array; etag: string; versionId: string }>();
  let version = 0;
  const store: ObjectStore & {
    put(key: string, bytes: Uint8Array | string): void;
    remove(key: string): void;
  } = {
    bucket,
    put(key, bytes) {
      const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
      version += 1;
      objects.set(key, {
        bytes: data,
        etag: createHash("md5").update(data).digest("hex"),
        versionId: `v${version}`,
      });
    },
    remove(key) {
      objects.delete(key);
    },
    async head(key) {
      const o = objects.get(key);
      return o
        ? { key, size: o.bytes.byteLength, etag: o.etag, versionId: o.versionId, contentType: null }
        : null;
    },
    async open(key) {
      const o = objects.get(key);
      if (!o) throw new NotFoundError(`no such key ${key}`);
      return { ...createMemoryByteSource(o.bytes), etag: o.etag, versionId: o.versionId, contentType: null };
    },
    async list(prefix, cursor, limit) {
      const keys = [...objects.keys()]
        .filter((k) => k.startsWith(prefix) && (cursor === null || k > cursor))
        .sort();
      const page = keys.slice(0, limit);
      const listed = page.map((key) => ({ key, etag: objects.get(key)?.etag ?? null, lastModified: null }));
      return { keys: page, objects: listed, cursor: keys.length > limit ? (page.at(-1) ?? null) : null };
    },
  };
  return store;
}

/** An in-memory records table with the same conditional-write rules as the DynamoDB store. */
export function createMemoryRecordStore() {
  const items = new Map<string, StoredRecord>();
  const clone = <T>(v: T): T => structuredClone(v);
  const store: RecordStore & { items: Map<string, StoredRecord> } = {
    items,
    async get(bucket, key) {
      const item = items.get(`${bucket}#${key}`);
      return item ? clone(item) : null;
    },
    async getMany(bucket, keys) {
      return keys.flatMap((k) => {
        const item = items.get(`${bucket}#${k}`);
        return item ? [clone(item)] : [];
      });
    },
    async put(record, expectedRevision) {
      const current = items.get(`${record.bucket}#${record.key}`);
      if ((current?.revision ?? null) !== expectedRevision) throw new WriteConflictError("revision changed");
      items.set(`${record.bucket}#${record.key}`, clone(record));
    },
    async listPending(changedBefore, limit) {
      return [...items.values()]
        .filter((r) => r.export.state === "pending" && r.updatedAt <= changedBefore)
        .sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : 1))
        .slice(0, limit)
        .map(clone);
    },
    async scanKeys(bucket, prefix, cursor, limit) {
      const live = [...items.values()]
        .filter((r) => r.bucket === bucket && r.key.startsWith(prefix) && r.status !== "deleted")
        .map((r) => r.key)
        .filter((key) => cursor === null || key > cursor)
        .sort();
      const page = live.slice(0, limit);
      return { keys: page, cursor: live.length > limit ? (page.at(-1) ?? null) : null };
    },
    async listIndexed(bucket, source, filter, after, limit) {
      // The byStatus index's entries: groups and series always, other records while not ready.
      const sortKey = (r: StoredRecord) => `${r.status}#${r.updatedAt}#${r.bucket}#${r.key}`;
      const listed = [...items.values()]
        .filter((r) => r.bucket === bucket && matchesFilter(r, filter))
        .filter((r) => (source === "groups" ? isGroupType(r.dataType) : r.status !== "ready"))
        .filter((r) => after === null || sortKey(r) > after)
        .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
      const page = listed.slice(0, limit);
      const last = page.at(-1);
      return { records: page.map(clone), cursor: listed.length > limit && last ? sortKey(last) : null };
    },
    async claimExport(bucket, key, revision, file) {
      const item = items.get(`${bucket}#${key}`);
      if (!item || item.revision !== revision) return null;
      item.export = { state: "pending", file };
      item.revision += 1;
      return clone(item);
    },
    async markExported(bucket, key, revision, file, at) {
      const item = items.get(`${bucket}#${key}`);
      if (!item || item.revision !== revision) return false;
      item.export = { state: "exported", file, at };
      item.revision += 1;
      return true;
    },
    async setEncord(bucket, key, encord) {
      const item = items.get(`${bucket}#${key}`);
      if (!item) return;
      item.encord = encord;
      item.revision += 1;
    },
  };
  return store;
}

/** In-memory leases: held until their expiry unless renewed by their owner. */
export function createMemoryLeases() {
  const held = new Map<string, { owner: string; until: string }>();
  const leases: Leases = {
    async acquire(name, owner, now, until) {
      const lease = held.get(name);
      if (lease && lease.owner !== owner && lease.until > now) return false;
      held.set(name, { owner, until });
      return true;
    },
    async release(name, owner) {
      if (held.get(name)?.owner === owner) held.delete(name);
    },
  };
  return leases;
}

/** In-memory flags that go stale after the time given when raised. */
export function createMemoryFlags() {
  const raisedAt = new Map<string, string>();
  const flags: Flags = {
    async raise(name, now, staleAfterSeconds) {
      const raised = raisedAt.get(name);
      if (raised !== undefined && Date.parse(raised) + staleAfterSeconds * 1000 > Date.parse(now))
        return false;
      raisedAt.set(name, now);
      return true;
    },
    async lower(name) {
      raisedAt.delete(name);
    },
  };
  return flags;
}

/** The metadata schema in memory; none until one is put. */
export function createMemorySchemaStore() {
  let schema: MetadataSchema | null = null;
  const store: SchemaStore = {
    async get() {
      return schema;
    },
    async put(next) {
      schema = next;
    },
  };
  return store;
}

/** Collects work messages; `drain` runs them through a handler until none are left. */
export function createMemoryWorkQueue() {
  const messages: WorkMessage[] = [];
  const queue: WorkQueue & {
    messages: WorkMessage[];
    drain(handle: (m: WorkMessage) => Promise<unknown>): Promise<number>;
  } = {
    messages,
    async send(message) {
      messages.push(structuredClone(message));
    },
    async drain(handle) {
      let handled = 0;
      for (let m = messages.shift(); m !== undefined; m = messages.shift()) {
        await handle(m);
        handled += 1;
      }
      return handled;
    },
  };
  return queue;
}

/** Keeps import files in memory, with the counts and time they were stored with. */
export function createMemoryExportStore(now: () => string = () => new Date().toISOString()) {
  const files = new Map<string, string>();
  const infos = new Map<string, ImportFileInfo>();
  const store: ExportStore & { files: Map<string, string> } = {
    files,
    async putImport(name, body, counts) {
      const key = `imports/${name}.json`;
      files.set(key, body);
      infos.set(key, { writtenAt: now(), counts });
      return key;
    },
    async describeImport(key) {
      if (!files.has(key)) return null;
      return infos.get(key) ?? { writtenAt: null, counts: null };
    },
    importKey: (name) => `imports/${name}.json`,
    async getImport(key) {
      const body = files.get(key);
      if (body === undefined) throw new NotFoundError(`no import ${key}`);
      return body;
    },
    async hasImport(key) {
      return files.has(key);
    },
  };
  return store;
}

/** Deliveries in memory, with the DynamoDB store's conditional update; open ones listed oldest first. */
export function createMemoryDeliveryStore() {
  const deliveries = new Map<string, Delivery>();
  const store: DeliveryStore & { deliveries: Map<string, Delivery> } = {
    deliveries,
    async enqueue(delivery) {
      if (!deliveries.has(delivery.file)) deliveries.set(delivery.file, structuredClone(delivery));
    },
    async listOpen() {
      return [...deliveries.values()]
        .filter((d) => isOpen(d.state))
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.file.localeCompare(b.file))
        .map((d) => structuredClone(d));
    },
    async listRecent(limit) {
      return [...deliveries.values()]
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, limit)
        .map((d) => structuredClone(d));
    },
    async getMany(files) {
      return files.flatMap((file) => {
        const delivery = deliveries.get(file);
        return delivery ? [structuredClone(delivery)] : [];
      });
    },
    async update(next, expected) {
      if (deliveries.get(next.file)?.state !== expected) return false;
      deliveries.set(next.file, structuredClone(next));
      return true;
    },
  };
  return store;
}

/** Pipeline deps over in-memory fakes with a settable clock. */
export function createFakePipeline(bucket = "data") {
  let clock = 0;
  const objects = createMemoryObjectStore(bucket);
  const records = createMemoryRecordStore();
  const schema = createMemorySchemaStore();
  const work = createMemoryWorkQueue();
  const exports = createMemoryExportStore();
  const iso = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
  const deps: PipelineDeps = {
    objects,
    records,
    leases: createMemoryLeases(),
    flags: createMemoryFlags(),
    schema,
    work,
    exports,
    settings: {
      suffixes: [".metadata.json"],
      emitTextPdfMetadata: false,
      probeSettings: DEFAULT_PROBE_SETTINGS,
      limits: DEFAULT_IMPORT_LIMITS,
      objectUrlOf: (key) => `https://${bucket}.s3.eu-west-1.amazonaws.com/${encodeURI(key)}`,
      pageSize: 50,
    },
    now: () => iso(clock),
  };
  return {
    deps,
    objects,
    records,
    schema,
    work,
    exports,
    advance(ms: number) {
      clock += ms;
    },
    iso,
    get clockMs() {
      return clock;
    },
  };
}
