import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { RecordStore } from "@sluice/core";
import { isConditionFailed, toDynamoError } from "./dynamo-errors";

/** Named leases (`pk = lease#<name>`) in the records table, so that one exporter runs at a time. */
export function createLeases(
  doc: DynamoDBDocumentClient,
  tableName: string,
): Pick<RecordStore, "acquireLease" | "releaseLease"> {
  return {
    async acquireLease(name, owner, now, until) {
      const pk = `#lease#${name}`;
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

    async releaseLease(name, owner) {
      const pk = `#lease#${name}`;
      try {
        await doc.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { pk },
            ConditionExpression: "#owner = :owner",
            ExpressionAttributeNames: { "#owner": "owner" },
            ExpressionAttributeValues: { ":owner": owner },
          }),
        );
      } catch (error) {
        // Someone else holds it now (ours expired): theirs to release.
        if (!isConditionFailed(error)) throw toDynamoError(error, `DeleteItem ${pk}`);
      }
    },
  };
}
