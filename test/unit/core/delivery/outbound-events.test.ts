import { describe, expect, it } from "vitest";
import {
  exportWrittenEvent,
  OutboundEventSchema,
} from "../../../../packages/core/src/delivery/outbound-events";

describe("exportWrittenEvent", () => {
  it("totals the entries per import key and keys its id by the file when an import file is written", () => {
    const event = exportWrittenEvent(
      "imports/01J.json",
      { images: 2, videos: 1 },
      "2026-11-24T10:00:00.000Z",
    );

    expect(event.detail).toEqual({
      id: "export.written:imports/01J.json",
      file: "imports/01J.json",
      entries: 3,
      byImportKey: { images: 2, videos: 1 },
    });
    expect(OutboundEventSchema.safeParse(event).success).toBe(true);
  });
});
