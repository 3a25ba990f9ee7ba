import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlags } from "../../../packages/aws/src/flags";
import { createRecordsTable, type Dynalite, startDynalite } from "../../helpers/emulators";

let dynamo: Dynalite;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.stop();
});

/** A fresh table per test, so that tests share the emulator but not their items. */
async function newTable(): Promise<string> {
  tables += 1;
  return createRecordsTable(dynamo.client, `flags-${tables}`);
}

describe("createFlags", () => {
  it("raises a flag once until it is lowered or goes stale", async () => {
    // Prepare
    const flags = createFlags(dynamo.doc, await newTable());
    const at = (minute: number) => `2024-05-01T10:0${minute}:00.000Z`;
    const staleAfter = 120;

    // Act
    const first = await flags.raise("assembly#g", at(0), staleAfter);
    const again = await flags.raise("assembly#g", at(1), staleAfter);
    const other = await flags.raise("assembly#h", at(1), staleAfter);
    const stale = await flags.raise("assembly#g", at(2), staleAfter);
    const afterStale = await flags.raise("assembly#g", at(3), staleAfter);
    await flags.lower("assembly#g");
    const afterLower = await flags.raise("assembly#g", at(3), staleAfter);

    // Assert
    expect([first, again, other, stale, afterStale, afterLower]).toEqual([
      true,
      false,
      true,
      true,
      false,
      true,
    ]);
  });
});
