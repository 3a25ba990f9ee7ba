import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLeases, releaseAbandonedLease } from "../../../packages/aws/src/leases";
import { createRecordsTable, type Dynalite, startDynalite } from "../../helpers/emulators";

let dynamo: Dynalite;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.stop();
});

const at = (minute: number) => `2024-05-01T10:0${minute}:00.000Z`;

describe("releaseAbandonedLease", () => {
  it("frees a lease whoever holds it, so that a new owner takes it before it would have expired", async () => {
    // Prepare: the lease of an exporter killed mid-run, held until minute 5.
    tables += 1;
    const tableName = await createRecordsTable(dynamo.client, `leases-${tables}`);
    const leases = createLeases(dynamo.doc, tableName);
    await leases.acquireLease("exporter", "export-4242-1", at(0), at(5));
    const whileHeld = await leases.acquireLease("exporter", "export-4343-2", at(1), at(6));

    // Act
    await releaseAbandonedLease(dynamo.doc, tableName, "exporter");
    const afterRelease = await leases.acquireLease("exporter", "export-4343-2", at(1), at(6));

    // Assert
    expect(whileHeld).toBe(false);
    expect(afterRelease).toBe(true);
  });

  it("writes nothing for a lease never taken", async () => {
    // Prepare
    tables += 1;
    const tableName = await createRecordsTable(dynamo.client, `leases-${tables}`);

    // Act
    await releaseAbandonedLease(dynamo.doc, tableName, "exporter");
    const item = await dynamo.doc.send(
      new GetCommand({ TableName: tableName, Key: { pk: "#lease#exporter" } }),
    );

    // Assert
    expect(item.Item).toBeUndefined();
  });
});
