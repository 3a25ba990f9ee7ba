import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Flags } from "@sluice/core";
import { isConditionFailed, toDynamoError } from "./dynamo-errors";

const LOWERED = "1970-01-01T00:00:00.000Z";

// A bucket name never starts with `#`, so no record (`<bucket>#<key>`) can collide with a flag.
const flagPk = (name: string) => `#flag#${name}`;

/**
 * Named flags in the records table (one item `{ pk: "#flag#<name>", raisedAt }` each): "a follow-up is
 * queued", so that many events of one group queue one assembly rather than one each.
 */
export function createFlags(doc: DynamoDBDocumentClient, tableName: string): Flags {
  return {
    async raise(name, now, staleAfterSeconds) {
      const pk = flagPk(name);
      const staleBefore = new Date(Date.parse(now) - staleAfterSeconds * 1000).toISOString();
      try {
        await doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk, raisedAt: now },
            ConditionExpression: "attribute_not_exists(pk) OR #raisedAt <= :staleBefore",
            ExpressionAttributeNames: { "#raisedAt": "raisedAt" },
            ExpressionAttributeValues: { ":staleBefore": staleBefore },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw toDynamoError(error, `PutItem ${pk}`);
      }
    },

    async lower(name) {
      const pk = flagPk(name);
      try {
        // Lowered = raised at the epoch, always stale: a PutItem, so that no pipeline function needs DeleteItem.
        await doc.send(new PutCommand({ TableName: tableName, Item: { pk, raisedAt: LOWERED } }));
      } catch (error) {
        throw toDynamoError(error, `PutItem ${pk}`);
      }
    },
  };
}
