import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  EventParseError,
  parseStorageEventBody,
  S3ObjectEventSchema,
  toStorageEvent,
} from "../../../packages/aws/src/event-parser";
import { isRetryable } from "../../../packages/core/src/errors";
import { decodeEventKey } from "../../../packages/core/src/pipeline/storage-event";

function fixture(name: string): string {
  return readFileSync(new URL(`../../fixtures/events/${name}`, import.meta.url), "utf8");
}

function eventFixture(name: string) {
  return S3ObjectEventSchema.parse(JSON.parse(fixture(name)));
}

function parseError(body: string): unknown {
  try {
    parseStorageEventBody(body);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("parseStorageEventBody", () => {
  it("returns a created StorageEvent with every field when the body is an Object Created event", () => {
    // Prepare
    const body = fixture("object-created.json");

    // Act
    const event = parseStorageEventBody(body);

    // Assert
    expect(event).toEqual({
      bucket: "example-data-bucket",
      rawKey: "videos/clip-01.mp4",
      kind: "created",
      sequencer: "617f08299329d189",
      etag: "b1946ac92492d2347c6235b4d2611184",
      versionId: "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
      size: 5242880,
      reason: "PutObject",
      time: "2021-11-12T00:00:00Z",
    });
  });

  it("returns a deleted StorageEvent with reason and deletion type when the body is an Object Deleted event", () => {
    const event = parseStorageEventBody(fixture("object-deleted.json"));

    expect(event).toEqual({
      bucket: "example-data-bucket",
      rawKey: "videos/clip-01.mp4",
      kind: "deleted",
      sequencer: "617f0837b476e463",
      versionId: "1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF",
      reason: "DeleteObject",
      deletionType: "Delete Marker Created",
      time: "2021-11-12T00:00:10Z",
    });
  });

  it("returns a deleted StorageEvent with reason Lifecycle Expiration when a lifecycle rule expired the object", () => {
    const event = parseStorageEventBody(fixture("lifecycle-expiration.json"));

    expect(event.kind).toBe("deleted");
    expect(event.reason).toBe("Lifecycle Expiration");
    expect(event.deletionType).toBe("Permanently Deleted");
    expect(event.rawKey).toBe("videos/old/clip-00.mp4");
    expect(event.etag).toBeUndefined();
    expect(event.size).toBeUndefined();
  });

  it("keeps a form-encoded key raw, and decodeEventKey decodes it, when the event key is form-encoded", () => {
    const event = parseStorageEventBody(fixture("object-created-encoded-key.json"));

    expect(event.rawKey).toBe("ds1/caf%C3%A9+2024/clip%2B1+%2550.mp4");
    expect(decodeEventKey(event.rawKey)).toBe("ds1/café 2024/clip+1 %50.mp4");
  });

  it("keeps a raw key that decodeEventKey leaves unchanged when the event key has no encoding", () => {
    const created = eventFixture("object-created.json");
    const body = JSON.stringify({
      ...created,
      detail: { ...created.detail, object: { key: "videos/café-α/clip.mp4", sequencer: "0A" } },
    });

    const event = parseStorageEventBody(body);

    expect(event.rawKey).toBe("videos/café-α/clip.mp4");
    expect(decodeEventKey(event.rawKey)).toBe("videos/café-α/clip.mp4");
  });

  it("accepts the event when the uploader's source address is IPv6", () => {
    const event = parseStorageEventBody(fixture("object-created-encoded-key.json"));

    expect(event.reason).toBe("CompleteMultipartUpload");
    expect(event.etag).toBe("d41d8cd98f00b204e9800998ecf8427e-2");
  });

  it("throws a non-retryable EventParseError when the body is not JSON", () => {
    const error = parseError("{not json");

    expect(error).toBeInstanceOf(EventParseError);
    expect(isRetryable(error)).toBe(false);
    expect(String(error)).toMatch(/Invalid JSON/);
  });

  it("throws EventParseError naming the expected shape when the body is a direct S3 notification", () => {
    const error = parseError(fixture("s3-notification.json"));

    expect(error).toBeInstanceOf(EventParseError);
    expect(String(error)).toMatch(/EventBridge S3 "Object Created"\/"Object Deleted" event/);
  });

  it("throws EventParseError when the detail type is another S3 event", () => {
    const body = JSON.stringify({
      ...eventFixture("object-created.json"),
      "detail-type": "Object Restore Completed",
    });

    expect(parseError(body)).toBeInstanceOf(EventParseError);
  });

  it("throws EventParseError naming the sequencer when the event has none", () => {
    const created = eventFixture("object-created.json");
    const body = JSON.stringify({
      ...created,
      detail: { ...created.detail, object: { key: "a.mp4", size: 1 } },
    });

    const error = parseError(body);

    expect(error).toBeInstanceOf(EventParseError);
    expect(String(error)).toMatch(/sequencer/);
  });
});

describe("toStorageEvent", () => {
  it("maps an already parsed event when the caller parsed the envelope itself", () => {
    const parsed = eventFixture("object-deleted.json");

    expect(toStorageEvent(parsed).kind).toBe("deleted");
  });
});
