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

/** A fresh table per test, so that tests share the emulator but not their items. */
async function newTable(): Promise<string> {
  tables += 1;
  return createRecordsTable(dynamo.client, `leases-${tables}`);
}

describe("createLeases", () => {
  it("refuses a lease to a second owner until it expires and renews it for its owner", async () => {
    // Prepare
    const leases = createLeases(dynamo.doc, await newTable());

    // Act
    const first = await leases.acquire("exporter", "a", at(0), at(2));
    const other = await leases.acquire("exporter", "b", at(1), at(3));
    const renewed = await leases.acquire("exporter", "a", at(1), at(4));
    const beforeExpiry = await leases.acquire("exporter", "b", at(3), at(5));
    const atExpiry = await leases.acquire("exporter", "b", at(4), at(6));
    await leases.release("exporter", "a");
    const afterForeignRelease = await leases.acquire("exporter", "a", at(5), at(7));
    await leases.release("exporter", "b");
    const afterRelease = await leases.acquire("exporter", "a", at(5), at(7));

    // Assert
    expect([first, other, renewed, beforeExpiry, atExpiry]).toEqual([true, false, true, false, true]);
    expect(afterForeignRelease).toBe(false);
    expect(afterRelease).toBe(true);
  });

  it("releases a lease by marking it free, never with DeleteItem, so that the exporter needs no DeleteItem", async () => {
    // Prepare
    const leases = createLeases(dynamo.doc, await newTable());
    const commands: string[] = [];
    dynamo.client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName ?? "");
        return next(args);
      },
      { step: "initialize", name: "record-lease-commands" },
    );

    // Act
    try {
      await leases.release("exporter", "never-held");
      await leases.acquire("exporter", "a", at(0), at(9));
      await leases.release("exporter", "a");
      const other = await leases.acquire("exporter", "b", at(1), at(9));
      await leases.release("exporter", "a");
      const stillHeld = await leases.acquire("exporter", "c", at(2), at(9));

      // Assert
      expect([other, stillHeld]).toEqual([true, false]);
      expect(commands).not.toContain("DeleteItemCommand");
      expect(new Set(commands)).toEqual(new Set(["PutItemCommand"]));
    } finally {
      dynamo.client.middlewareStack.remove("record-lease-commands");
    }
  });
});

describe("releaseAbandonedLease", () => {
  it("frees a lease whoever holds it, so that a new owner takes it before it would have expired", async () => {
    // Prepare: the lease of an exporter killed mid-run, held until minute 5.
    tables += 1;
    const tableName = await createRecordsTable(dynamo.client, `leases-${tables}`);
    const leases = createLeases(dynamo.doc, tableName);
    await leases.acquire("exporter", "export-4242-1", at(0), at(5));
    const whileHeld = await leases.acquire("exporter", "export-4343-2", at(1), at(6));

    // Act
    await releaseAbandonedLease(dynamo.doc, tableName, "exporter");
    const afterRelease = await leases.acquire("exporter", "export-4343-2", at(1), at(6));

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
