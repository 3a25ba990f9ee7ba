import { describe, expect, it } from "vitest";
import {
  type OutboundEvent,
  OutboundEventSchema,
} from "../../../../packages/core/src/delivery/outbound-events";
import { eventsOfDerivation } from "../../../../packages/core/src/pipeline/derivation-events";
import { deriveAndStore } from "../../../../packages/core/src/pipeline/derive-and-store";
import { createFakePipeline } from "../../../helpers/fakes";
import { mediaBytes } from "../../../helpers/media";

/** A fake pipeline whose observer turns each derivation into outbound events, as functions/ does. */
function observedPipeline() {
  const p = createFakePipeline();
  const events: OutboundEvent[] = [];
  p.deps.observe = (derivation) => events.push(...eventsOfDerivation(derivation));
  return { ...p, events };
}

describe("eventsOfDerivation", () => {
  it("gives one ingest.completed with the written revision and export state when a good image is written", async () => {
    // Prepare
    const p = observedPipeline();
    p.objects.put("a.png", mediaBytes("image.png"));

    // Act
    await deriveAndStore(p.deps, "a.png", { source: "a.png", sequencer: "01" });

    // Assert
    expect(p.events).toEqual([
      {
        source: "sluice",
        detailType: "ingest.completed",
        time: p.iso(0),
        detail: {
          id: "ingest.completed:data#a.png#1",
          bucket: "data",
          key: "a.png",
          status: "ready",
          dataType: "image",
          revision: 1,
          warnings: [],
          exportState: "pending",
        },
      },
    ]);
    expect(OutboundEventSchema.safeParse(p.events[0]).success).toBe(true);
  });

  it("gives ingest.failed and sidecar.invalid for the same revision when the sidecar is not JSON", async () => {
    // Prepare
    const p = observedPipeline();
    p.objects.put("b.png", mediaBytes("image.png"));
    await deriveAndStore(p.deps, "b.png", { source: "b.png", sequencer: "01" });
    p.events.length = 0;
    p.objects.put("b.png.metadata.json", "{ not json");

    // Act
    await deriveAndStore(p.deps, "b.png", { source: "b.png.metadata.json", sequencer: "02" });

    // Assert
    expect(p.events.map((e) => [e.detailType, e.detail.id])).toEqual([
      ["ingest.failed", "ingest.failed:data#b.png#2"],
      ["sidecar.invalid", "sidecar.invalid:data#b.png#2"],
    ]);
    const [failed, sidecar] = p.events;
    expect(failed?.detail).toMatchObject({ errors: [{ code: "sidecar-not-json" }] });
    expect(sidecar?.detail).toMatchObject({
      sidecarKey: "b.png.metadata.json",
      error: { code: "sidecar-not-json" },
    });
    for (const event of p.events) expect(OutboundEventSchema.safeParse(event).success).toBe(true);
  });

  it("gives nothing when a duplicate event or a re-derivation changes nothing", async () => {
    // Prepare
    const p = observedPipeline();
    p.objects.put("c.png", mediaBytes("image.png"));
    await deriveAndStore(p.deps, "c.png", { source: "c.png", sequencer: "01" });
    p.events.length = 0;

    // Act
    await deriveAndStore(p.deps, "c.png", { source: "c.png", sequencer: "01" });
    await deriveAndStore(p.deps, "c.png", { source: "c.png", sequencer: "02" });

    // Assert
    expect(p.events).toEqual([]);
  });

  it("gives ingest.completed with status deleted when the object is deleted", async () => {
    // Prepare
    const p = observedPipeline();
    p.objects.put("d.png", mediaBytes("image.png"));
    await deriveAndStore(p.deps, "d.png", { source: "d.png", sequencer: "01" });
    p.events.length = 0;
    p.objects.remove("d.png");

    // Act
    await deriveAndStore(p.deps, "d.png", { source: "d.png", sequencer: "02" });

    // Assert
    expect(p.events.map((e) => e.detail)).toEqual([
      expect.objectContaining({
        id: "ingest.completed:data#d.png#2",
        status: "deleted",
        exportState: "held",
      }),
    ]);
  });

  it("gives nothing when a derivation carries no revision", () => {
    const events = eventsOfDerivation({ key: "e.png", outcome: "written", record: null, read: null });

    expect(events).toEqual([]);
  });
});
