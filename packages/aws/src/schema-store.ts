import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { parseMetadataSchema, type SchemaStore } from "@sluice/core";
import { z } from "zod";
import { callDynamo } from "./dynamo-errors";

// A bucket name never starts with `#`, so no record (`<bucket>#<key>`) can collide with the schema.
const SCHEMA_PK = "#schema#current";

// The schema is stored as JSON text, for the same reasons as a record's payload (see record-item.ts).
const SchemaItemSchema = z.object({ schema: z.string() });

/** The metadata schema in force, one item (`pk = #schema#current`) in the records table, read consistently. */
export function createSchemaStore(doc: DynamoDBDocumentClient, tableName: string): SchemaStore {
  return {
    async get() {
      const read = new GetCommand({ TableName: tableName, Key: { pk: SCHEMA_PK }, ConsistentRead: true });
      const item: unknown = (await callDynamo(`GetItem ${SCHEMA_PK}`, () => doc.send(read))).Item;
      if (item === undefined) return null;
      const text = SchemaItemSchema.parse(item).schema;
      const parsed = parseMetadataSchema(JSON.parse(text));
      if (parsed.ok) return parsed.schema;
      const problems = parsed.errors.map((found) => `${found.path ?? ""} ${found.message}`.trim()).join("; ");
      throw new Error(`the stored metadata schema is invalid: ${problems}`);
    },

    async put(schema) {
      const write = new PutCommand({
        TableName: tableName,
        Item: { pk: SCHEMA_PK, schema: JSON.stringify(schema) },
      });
      await callDynamo(`PutItem ${SCHEMA_PK}`, () => doc.send(write));
    },
  };
}
