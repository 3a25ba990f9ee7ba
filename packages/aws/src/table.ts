import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

/** The name of the sparse index of records that are not `ready` (design.md "Records"). */
export const BY_STATUS_INDEX = "byStatus";

/** The name of the sparse index of records waiting for export (design.md "Records"). */
export const PENDING_EXPORT_INDEX = "pendingExport";

/**
 * The CreateTable input of the records table, shared by the infrastructure, the local stack and the tests
 * so that all three create the same table.
 */
export function tableDefinition(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "statusPk", AttributeType: "S" },
      { AttributeName: "statusSk", AttributeType: "S" },
      { AttributeName: "pendingPk", AttributeType: "S" },
      { AttributeName: "pendingSk", AttributeType: "S" },
    ],
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    GlobalSecondaryIndexes: [
      {
        IndexName: BY_STATUS_INDEX,
        KeySchema: [
          { AttributeName: "statusPk", KeyType: "HASH" },
          { AttributeName: "statusSk", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
      {
        IndexName: PENDING_EXPORT_INDEX,
        KeySchema: [
          { AttributeName: "pendingPk", KeyType: "HASH" },
          { AttributeName: "pendingSk", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
    ],
  };
}
