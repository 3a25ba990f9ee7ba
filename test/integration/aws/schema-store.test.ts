import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSchemaStore } from "../../../packages/aws/src/schema-store";
import { parseMetadataSchema } from "../../../packages/core/src/metadata/schema";
import { createRecordsTable, type Dynalite, startDynalite } from "../../helpers/emulators";

let dynamo: Dynalite;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.stop();
});

/** A fresh table per test, so that tests share the emulator but not their items. */
async function newTable(): Promise<string> {
  tables += 1;
  return createRecordsTable(dynamo.client, `schema-${tables}`);
}

describe("createSchemaStore", () => {
  it("returns the metadata schema it stored, and null before one is set", async () => {
    // Prepare
    const store = createSchemaStore(dynamo.doc, await newTable());
    const parsed = parseMetadataSchema({ camera: { ty: "text" }, kind: { ty: "enum", values: ["a", "b"] } });
    if (!parsed.ok) throw new Error("test schema is invalid");
    const before = await store.get();

    // Act
    await store.put(parsed.schema);

    // Assert
    expect(before).toBeNull();
    expect(await store.get()).toEqual(parsed.schema);
  });

  it("fails loudly when the stored schema item is not a valid schema", async () => {
    // Prepare
    const tableName = await newTable();
    const store = createSchemaStore(dynamo.doc, tableName);
    const item = { pk: "#schema#current", schema: JSON.stringify({ $bad: { ty: "text" } }) };
    await dynamo.doc.send(new PutCommand({ TableName: tableName, Item: item }));

    // Act
    const read = store.get();

    // Assert
    await expect(read).rejects.toThrow(/stored metadata schema is invalid/);
  });
});
