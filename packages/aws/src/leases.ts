import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Leases } from "@sluice/core";
import { isConditionFailed, toDynamoError } from "./dynamo-errors";

// A released lease expired at the epoch: free to anyone at any time.
const FREE = "1970-01-01T00:00:00.000Z";

// A bucket name never starts with `#`, so no record (`<bucket>#<key>`) can collide with a lease.
const leasePk = (name: string) => `#lease#${name}`;

/** Named leases in the records table (one item `{ pk: "#lease#<name>", owner, expiresAt }` each), so that one exporter runs at a time. */
export function createLeases(doc: DynamoDBDocumentClient, tableName: string): Leases {
  return {
    async acquire(name, owner, now, until) {
      const pk = leasePk(name);
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk, owner, expiresAt: until },
            // A lease held until T is free at T (half-open), so a holder cannot overlap its successor.
            ConditionExpression: "attribute_not_exists(pk) OR #expiresAt <= :now OR #owner = :owner",
            ExpressionAttributeNames: { "#expiresAt": "expiresAt", "#owner": "owner" },
            ExpressionAttributeValues: { ":now": now, ":owner": owner },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw toDynamoError(error, `PutItem ${pk}`);
      }
    },

    async release(name, owner) {
      const pk = leasePk(name);
      try {
        // Released by marking it expired, not by deleting it: the exporter needs no DeleteItem on the table.
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk, owner, expiresAt: FREE },
            ConditionExpression: "#owner = :owner",
            ExpressionAttributeNames: { "#owner": "owner" },
            ExpressionAttributeValues: { ":owner": owner },
          }),
        );
      } catch (error) {
        // Someone else holds it now (ours expired): theirs to release. A lease never taken fails too: nothing to free.
        if (!isConditionFailed(error)) throw toDynamoError(error, `PutItem ${pk}`);
      }
    },
  };
}

/**
 * Frees the named lease whoever holds it, for a caller that knows its holder is gone: the local stack at start,
 * which owns its data directory (data-dir-lock.ts), so a lease there is a dead process's. Without this the first
 * export after a kill -9 waited out the dead exporter's lease (5 minutes). Never used in AWS, where a holder may
 * be running.
 */
export async function releaseAbandonedLease(
  doc: DynamoDBDocumentClient,
  tableName: string,
  name: string,
): Promise<void> {
  const pk = leasePk(name);
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk, owner: "released-at-start", expiresAt: FREE },
        ConditionExpression: "attribute_exists(pk)",
      }),
    );
  } catch (error) {
    // Never taken: nothing to free.
    if (!isConditionFailed(error)) throw toDynamoError(error, `PutItem ${pk}`);
  }
}
