import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { describe, expect, it } from "vitest";
import type { OutboundEvent, PublishFailure } from "../../../packages/core/src/delivery/outbound-events";
import type { EventPublisher } from "../../../packages/core/src/ports/event-publisher";
import type { SluiceRecord } from "../../../packages/core/src/records/record";
import {
  createEventPublisher,
  createOutboundEvents,
  reportPublishFailure,
} from "../../../packages/lambda/src/publish-events";
import { heldImportKeys } from "../../../packages/lambda/src/publish-exports";

const record: SluiceRecord = {
  bucket: "data",
  key: "a.png",
  objectUrl: "https://data.s3.eu-west-1.amazonaws.com/a.png",
  dataType: "image",
  status: "ready",
  title: "a.png",
  clientMetadata: {},
  provenance: {},
  mediaMetadata: null,
  sidecarKey: null,
  etag: "e",
  versionId: null,
  errors: [],
  warnings: [],
  updatedAt: "2026-11-24T10:00:00.000Z",
  importEntry: null,
  export: { state: "pending" },
};

function recordingPublisher(fail?: Error) {
  const published: OutboundEvent[][] = [];
  const publisher: EventPublisher = {
    async publish(events) {
      published.push([...events]);
      if (fail) throw fail;
    },
  };
  return { publisher, published };
}

describe("createOutboundEvents", () => {
  it("publishes the collected events once, together, when flushed after a batch", async () => {
    // Prepare
    const { publisher, published } = recordingPublisher();
    const events = createOutboundEvents(publisher, () => undefined);
    events.observe({ key: "a.png", outcome: "written", record, read: null, revision: 3 });
    events.observe({ key: "a.png", outcome: "stale", record: null, read: null });

    // Act
    await events.flush();
    await events.flush();

    // Assert
    expect(published.map((batch) => batch.map((e) => e.detail.id))).toEqual([
      ["ingest.completed:data#a.png#3"],
    ]);
  });

  it("reports the events and resolves when the publisher throws", async () => {
    // Prepare
    const { publisher } = recordingPublisher(new Error("bus gone"));
    const failures: PublishFailure[] = [];
    const events = createOutboundEvents(publisher, (f) => failures.push(f));
    events.observe({ key: "a.png", outcome: "written", record, read: null, revision: 1 });

    // Act
    const flushed = events.flush();

    // Assert
    await expect(flushed).resolves.toBeUndefined();
    expect(failures).toEqual([
      { events: [expect.objectContaining({ detailType: "ingest.completed" })], reason: "bus gone" },
    ]);
  });

  it("is disabled and neither builds nor collects events when there is no publisher", async () => {
    // Prepare: a derivation that counts what is read of it, since with no publisher nothing can be seen published
    const reads: PropertyKey[] = [];
    const derivation = new Proxy(
      { key: "a.png", outcome: "written" as const, record, read: null, revision: 1 },
      {
        get(target, property, receiver) {
          reads.push(property);
          return Reflect.get(target, property, receiver);
        },
      },
    );
    const failures: PublishFailure[] = [];
    const events = createOutboundEvents(null, (f) => failures.push(f));

    // Act
    events.observe(derivation);
    await events.flush();

    // Assert
    expect(events.enabled).toBe(false);
    expect(reads).toEqual([]);
    expect(failures).toEqual([]);
  });
});

describe("createEventPublisher", () => {
  it("answers null when neither EVENT_BUS_NAME nor WEBHOOK_URL is set", () => {
    expect(createEventPublisher({ eventBusName: null, webhookUrl: null }, null, () => undefined)).toBeNull();
  });

  it("answers a publisher when WEBHOOK_URL is set", () => {
    const publisher = createEventPublisher(
      { eventBusName: null, webhookUrl: "http://127.0.0.1:9/hook" },
      null,
      () => undefined,
    );

    expect(publisher).not.toBeNull();
  });
});

describe("reportPublishFailure", () => {
  it("counts the undelivered events in the outboundEvents.failed metric when a publish fails", () => {
    // Prepare
    const metrics = new Metrics({ namespace: "Test", serviceName: "test" });
    const logger = new Logger({ serviceName: "test", logLevel: "SILENT" });
    const event = {
      source: "sluice",
      detailType: "export.written",
      time: "t",
      detail: { id: "x", file: "f", entries: 0, byImportKey: {} },
    } as const;

    // Act
    reportPublishFailure(logger, metrics)({ events: [event, event], reason: "down" });

    // Assert
    expect(metrics.serializeMetrics()).toMatchObject({ "outboundEvents.failed": 2 });
  });
});

describe("heldImportKeys", () => {
  it("keeps the entries of each import key the file holds and leaves out the others when given its counts", () => {
    const counts = {
      videos: 1,
      audio: 0,
      images: 2,
      image_groups: 0,
      dicom_series: 0,
      text: 0,
      pdfs: 0,
      nifti: 0,
    };

    expect(heldImportKeys(counts)).toEqual({ images: 2, videos: 1 });
  });
});
