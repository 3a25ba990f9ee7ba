// The always-failing messages of `bench:load --poison N`. Each poison is a real image whose record item the
// running code cannot read: an item in a newer release's format (as after a rollback) or edited by hand. Every
// event of that key fails in the records adapter's parse, so the ingest handler fails the message, each
// delivery fails alike, and after five receives it belongs in the dead-letter queue, with nothing else there.
// The queues' own files in DATA_DIR are read as the third witness, independent of the API.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { z } from "zod";
import { decodeEventKey } from "../packages/core/src/pipeline/storage-event";
import type { PlannedObject } from "./load-upload";

/** `n` images under their own folder, none with a sidecar. */
export function planPoison(n: number): PlannedObject[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `load/poison/obj-${i}.png`,
    fixture: "image.png",
    sidecar: "none",
  }));
}

/** The good plan with the poison spread evenly through it, so that poison arrives among the good uploads. */
export function interleave(
  good: readonly PlannedObject[],
  poison: readonly PlannedObject[],
): PlannedObject[] {
  const mixed: PlannedObject[] = [];
  const every = Math.max(1, Math.floor(good.length / (poison.length + 1)));
  let p = 0;
  for (const [i, object] of good.entries()) {
    mixed.push(object);
    if ((i + 1) % every === 0 && p < poison.length) mixed.push(poison[p++] as PlannedObject);
  }
  return [...mixed, ...poison.slice(p)];
}

/** Writes, before any upload, an item for each poison key that the record store cannot parse. */
export async function plantUnreadableRecords(
  dynamo: DynamoDBClient,
  table: string,
  bucket: string,
  poison: readonly PlannedObject[],
): Promise<void> {
  for (const object of poison) {
    const item = { pk: { S: `${bucket}#${object.key}` }, formatVersion: { N: "2" }, data: { S: "{}" } };
    await dynamo.send(new PutItemCommand({ TableName: table, Item: item }));
  }
}

const SnapshotSchema = z.object({
  messages: z.array(z.object({ body: z.unknown() })),
  deadLetters: z.array(
    z.object({ body: z.unknown(), receiveCount: z.number(), lastError: z.string().nullable() }),
  ),
});
const EventKeySchema = z.object({ detail: z.object({ object: z.object({ key: z.string() }) }) });

/** What the persisted queues hold: messages still queued, and dead letters split into poison and good. */
export async function readQueues(dataDir: string, poisonKeys: ReadonlySet<string>) {
  const read = async (name: string) => {
    const text = await readFile(join(dataDir, "queues", `${name}.json`), "utf8").catch(() => null);
    return text === null ? { messages: [], deadLetters: [] } : SnapshotSchema.parse(JSON.parse(text));
  };
  const [ingest, work] = [await read("ingest"), await read("work")];
  const keyOf = (body: unknown) => {
    const event = EventKeySchema.safeParse(typeof body === "string" ? safeJson(body) : body);
    return event.success ? decodeEventKey(event.data.detail.object.key) : null;
  };
  const poisonDead = ingest.deadLetters.filter((d) => poisonKeys.has(keyOf(d.body) ?? ""));
  return {
    queued: ingest.messages.length + work.messages.length,
    deadLetters: ingest.deadLetters.length + work.deadLetters.length,
    poisonDeadLettered: new Set(poisonDead.map((d) => keyOf(d.body))).size,
    poisonReceives: [...new Set(poisonDead.map((d) => d.receiveCount))],
    goodDeadLettered: ingest.deadLetters.length - poisonDead.length + work.deadLetters.length,
    sampleError: poisonDead[0]?.lastError?.split(":").slice(0, 2).join(":") ?? null,
  };
}

/** How many dead letters the API reports for each queue (its `total`, not a page). */
export async function apiDeadLetters(api: string, token: string): Promise<{ ingest: number; work: number }> {
  const response = await fetch(`${api}/dead-letters?limit=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = z
    .object({ total: z.object({ ingest: z.number().default(0), work: z.number().default(0) }) })
    .parse(await response.json());
  return body.total;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
