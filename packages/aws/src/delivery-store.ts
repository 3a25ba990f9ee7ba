import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { DELIVERY_STATES, type Delivery, type DeliveryStore, isOpen } from "@sluice/core";
import { z } from "zod";
import { callDynamo, isConditionFailed, toDynamoError } from "./dynamo-errors";
import { batchGetItems } from "./record-reads";
import { BY_STATUS_INDEX } from "./table";

// A bucket name never starts with `#`, so no record can collide with a delivery.
const deliveryPk = (file: string) => `#delivery#${file}`;
const OPEN = "delivery#open";
const CLOSED = "delivery#closed";

const DeliverySchema = z.object({
  file: z.string(),
  folder: z.string(),
  keys: z.array(z.string()),
  state: z.enum(DELIVERY_STATES),
  jobId: z.string().nullable(),
  attempts: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  counts: z.object({ done: z.number(), error: z.number(), cancelled: z.number() }).nullable(),
  errors: z.array(z.string()),
});

/**
 * Deliveries in the records table (`pk = #delivery#<file>`), listed through the sparse `byStatus`
 * index under `delivery#open` or `delivery#closed`, oldest first by creation.
 */
export function createDeliveryStore(doc: DynamoDBDocumentClient, tableName: string): DeliveryStore {
  const item = (delivery: Delivery) => ({
    ...delivery,
    pk: deliveryPk(delivery.file),
    statusPk: isOpen(delivery.state) ? OPEN : CLOSED,
    statusSk: `${delivery.createdAt}#${delivery.file}`,
  });
  const query = async (partition: string, forward: boolean, limit: number) => {
    const found: Delivery[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await callDynamo(`Query ${BY_STATUS_INDEX} ${partition}`, () =>
        doc.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: BY_STATUS_INDEX,
            KeyConditionExpression: "statusPk = :partition",
            ExpressionAttributeValues: { ":partition": partition },
            ScanIndexForward: forward,
            Limit: limit - found.length,
            ExclusiveStartKey: cursor,
          }),
        ),
      );
      for (const raw of page.Items ?? []) found.push(DeliverySchema.parse(raw));
      cursor = page.LastEvaluatedKey;
    } while (cursor !== undefined && found.length < limit);
    return found;
  };
  const put = async (delivery: Delivery, condition: string, values: Record<string, unknown>) => {
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: item(delivery),
          ConditionExpression: condition,
          ExpressionAttributeNames: condition.includes("#state") ? { "#state": "state" } : undefined,
          ExpressionAttributeValues: Object.keys(values).length > 0 ? values : undefined,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw toDynamoError(error, `PutItem ${deliveryPk(delivery.file)}`);
    }
  };
  return {
    async enqueue(delivery) {
      await put(delivery, "attribute_not_exists(pk)", {});
    },
    listOpen: () => query(OPEN, true, 1_000),
    async listRecent(limit) {
      const both = [...(await query(OPEN, false, limit)), ...(await query(CLOSED, false, limit))];
      return both.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)).slice(0, limit);
    },
    async getMany(files) {
      const items = await batchGetItems(doc, tableName, files.map(deliveryPk));
      return [...items.values()].map((raw) => DeliverySchema.parse(raw));
    },
    update: (next, expected) => put(next, "#state = :expected", { ":expected": expected }),
  };
}
