import { createRequire } from "node:module";

/** The part of dynalite's db module that a write goes through (dynalite/db/index.js). */
interface DynaliteDb {
  updateIndexes(
    store: unknown,
    table: unknown,
    existingItem: unknown,
    item: unknown,
    cb: (error?: unknown) => void,
  ): void;
}

/** A string attribute of a raw dynalite item (`{ S: "..." }`), or undefined. */
export type StringAttribute = (name: string) => string | undefined;

function stringAttributes(item: unknown): StringAttribute {
  return (name) => {
    if (item === null || typeof item !== "object" || !(name in item)) return undefined;
    const value: unknown = Reflect.get(item, name);
    if (value === null || typeof value !== "object" || !("S" in value)) return undefined;
    return typeof value.S === "string" ? value.S : undefined;
  };
}

/**
 * Leaves dynalite as a `kill -9` in the middle of a write leaves it. dynalite writes a PutItem's or
 * UpdateItem's index entries first and its item second (db/index.js `updateIndexes`, then `itemDb.put`),
 * so a process killed between the two keeps, in each index, an entry of a write the table never saw. For
 * every write of an item that `cut(item)` picks, this writes the index entries and then fails the request
 * as the dead process would (a 500: the client never hears that the index changed).
 * Answers a function that stops cutting and says how many writes it cut. In-process dynalite only: the
 * db module is the one the server required.
 */
export function cutWritesAfterTheirIndexes(cut: (attribute: StringAttribute) => boolean): () => number {
  const db: DynaliteDb = createRequire(import.meta.url)("dynalite/db");
  const original = db.updateIndexes;
  let cuts = 0;
  db.updateIndexes = (store, table, existingItem, item, cb) => {
    if (item === null || item === undefined || !cut(stringAttributes(item))) {
      original(store, table, existingItem, item, cb);
      return;
    }
    original(store, table, existingItem, item, (error) => {
      if (error) return cb(error);
      cuts += 1;
      cb({
        statusCode: 500,
        body: { __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "killed" },
      });
    });
  };
  return () => {
    db.updateIndexes = original;
    return cuts;
  };
}
