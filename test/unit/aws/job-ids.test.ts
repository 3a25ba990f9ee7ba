import { describe, expect, it } from "vitest";
import { newJobIds, reimportSequencer } from "../../../packages/aws/src/job-ids";

describe("reimportSequencer", () => {
  it("grows with the time and ends in 8 random hex digits", () => {
    const earlier = reimportSequencer(1_700_000_000_000);
    const later = reimportSequencer(1_700_000_000_001);

    expect(earlier).toMatch(/^[0-9a-f]{20}$/);
    expect(earlier.slice(0, 12)).toBe((1_700_000_000_000).toString(16).padStart(12, "0"));
    expect(earlier < later).toBe(true);
  });
});

describe("newJobIds", () => {
  it("answers the id, a sequencer of the start time and a lease after it when a job starts", () => {
    const ms = 1_700_000_000_000;

    const ids = newJobIds("01JZ0000000000000000000001", ms);

    expect(ids.id).toBe("01JZ0000000000000000000001");
    expect(ids.sequencer.slice(0, 12)).toBe(ms.toString(16).padStart(12, "0"));
    expect(Date.parse(ids.leaseUntil)).toBeGreaterThan(ms);
  });
});
