import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { JOB_LEASE_SECONDS, type JobLease, type JobStore, RunningJobSchema } from "@sluice/core";
import { z } from "zod";
import { callDynamo, isConditionFailed, toDynamoError } from "./dynamo-errors";

// A bucket name never starts with `#`, so no record can collide with it.
const REGISTRY_PK = "#jobs#running";

const RegistryItemSchema = z.object({
  pk: z.literal(REGISTRY_PK),
  version: z.number().int().positive(),
  jobs: z.array(RunningJobSchema),
});

/**
 * The running-jobs registry: one item listing the place of every running reimport and reconcile, replaced
 * whole under a version condition (GetItem and PutItem only: dynalite has no transactions, and a lock item
 * per prefix could not see an overlapping prefix).
 */
export function createRunningJobs(
  doc: DynamoDBDocumentClient,
  tableName: string,
): Pick<JobStore, "readRunningJobs" | "writeRunningJobs"> {
  return {
    async readRunningJobs() {
      const read = new GetCommand({ TableName: tableName, Key: { pk: REGISTRY_PK }, ConsistentRead: true });
      const item: unknown = (await callDynamo(`GetItem ${REGISTRY_PK}`, () => doc.send(read))).Item;
      if (item === undefined) return { jobs: [], version: 0 };
      const { jobs, version } = RegistryItemSchema.parse(item);
      return { jobs, version };
    },

    async writeRunningJobs(jobs, version) {
      const condition =
        version === 0
          ? { ConditionExpression: "attribute_not_exists(pk)" }
          : {
              ConditionExpression: "#version = :version",
              ExpressionAttributeNames: { "#version": "version" },
              ExpressionAttributeValues: { ":version": version },
            };
      const item = { pk: REGISTRY_PK, version: version + 1, jobs: [...jobs] };
      try {
        await doc.send(new PutCommand({ TableName: tableName, Item: item, ...condition }));
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw toDynamoError(error, `PutItem ${REGISTRY_PK}`);
      }
    },
  };
}

/** A job's place from `ms` (the time now): the whole lease, renewed by a step once half of it is gone. */
export function jobLeaseAt(ms: number): JobLease {
  return {
    until: new Date(ms + JOB_LEASE_SECONDS * 1000).toISOString(),
    renewBefore: new Date(ms + (JOB_LEASE_SECONDS * 1000) / 2).toISOString(),
  };
}
