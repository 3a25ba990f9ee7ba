import { type DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { RecordStore } from "@sluice/core";
import { z } from "zod";
import { callDynamo } from "./dynamo-errors";
import { recordPk } from "./record-item";

const ScannedSchema = z.object({ key: z.string() });
const CursorSchema = z.object({ pk: z.string() });

/**
 * Pages of the records table for a reconcile: a Scan (a table keyed by hash cannot be read by
 * prefix) filtered to live records of one bucket under a prefix, reading only their keys.
 */
export function createRecordScan(
  doc: DynamoDBDocumentClient,
  tableName: string,
): Pick<RecordStore, "scanKeys"> {
  return {
    async scanKeys(bucket, prefix, cursor, limit) {
      const start = cursor === null ? undefined : CursorSchema.parse(JSON.parse(cursor));
      const scan = new ScanCommand({
        TableName: tableName,
        Limit: limit,
        ExclusiveStartKey: start,
        FilterExpression: "begins_with(pk, :prefix) AND #status <> :deleted",
        ProjectionExpression: "#key",
        ExpressionAttributeNames: { "#key": "key", "#status": "status" },
        ExpressionAttributeValues: { ":prefix": recordPk(bucket, prefix), ":deleted": "deleted" },
      });
      const page = await callDynamo(`Scan ${tableName}`, () => doc.send(scan));
      const keys = (page.Items ?? []).map((item) => ScannedSchema.parse(item).key);
      const next =
        page.LastEvaluatedKey === undefined
          ? null
          : JSON.stringify(CursorSchema.parse(page.LastEvaluatedKey));
      return { keys, cursor: next };
    },
  };
}
