import { describe, expect, it } from "vitest";
import {
  type DeadLetterQueueName,
  type DeadLetters,
  redriveDeadLetters,
} from "../../../../packages/core/src/index";

/** Dead letters in memory by queue; `asked` records each redrive call. */
function createMemoryDeadLetters(held: Record<DeadLetterQueueName, string[]>) {
  const asked: { queue: DeadLetterQueueName; ids: readonly string[] | undefined }[] = [];
  const deadLetters: DeadLetters = {
    async list() {
      return { messages: [], total: 0 };
    },
    async redrive(queue, ids) {
      asked.push({ queue, ids });
      const moving = ids === undefined ? held[queue] : held[queue].filter((id) => ids.includes(id));
      held[queue] = held[queue].filter((id) => !moving.includes(id));
      const notFound = ids === undefined ? [] : ids.filter((id) => !moving.includes(id));
      return { moved: moving.length, failed: [], notFound, more: false };
    },
  };
  return Object.assign(deadLetters, { asked });
}

describe("redriveDeadLetters", () => {
  it("moves every dead letter of each queue when no ids are given", async () => {
    const deadLetters = createMemoryDeadLetters({ ingest: ["i1", "i2"], work: ["w1"] });

    const outcome = await redriveDeadLetters(deadLetters, ["ingest", "work"], undefined);

    expect(outcome).toEqual({ moved: 3, failed: [], notFound: [], more: false });
  });

  it("names as not found only the ids no queue held when ids are given", async () => {
    const deadLetters = createMemoryDeadLetters({ ingest: ["i1"], work: ["w1"] });

    const outcome = await redriveDeadLetters(deadLetters, ["ingest", "work"], ["w1", "i1", "gone"]);

    expect(outcome).toEqual({ moved: 2, failed: [], notFound: ["gone"], more: false });
    expect(deadLetters.asked).toEqual([
      { queue: "ingest", ids: ["w1", "i1", "gone"] },
      { queue: "work", ids: ["w1", "gone"] },
    ]);
  });

  it("asks no further queue when the ids are all found in an earlier one", async () => {
    const deadLetters = createMemoryDeadLetters({ ingest: ["i1"], work: ["w1"] });

    const outcome = await redriveDeadLetters(deadLetters, ["ingest", "work"], ["i1"]);

    expect(outcome.moved).toBe(1);
    expect(deadLetters.asked.map(({ queue }) => queue)).toEqual(["ingest"]);
  });
});
