import {
  EventBridgeClient,
  EventBridgeServiceException,
  PutEventsCommand,
} from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import {
  createEventBridgePublisher,
  entrySize,
  MAX_PUT_BYTES,
} from "../../../packages/aws/src/eventbridge-publisher";
import type { OutboundEvent, PublishFailure } from "../../../packages/core/src/delivery/outbound-events";

const client = new EventBridgeClient({
  region: "us-east-1",
  credentials: { accessKeyId: "t", secretAccessKey: "t" },
});
const eventBridge = mockClient(client);

afterEach(() => {
  eventBridge.reset();
});

function failedEvent(n: number, message = "bad sidecar"): OutboundEvent {
  const key = `photos/${n}.jpg`;
  return {
    source: "sluice",
    detailType: "ingest.failed",
    time: "2026-11-24T10:00:00.000Z",
    detail: {
      id: `ingest.failed:data#${key}#1`,
      bucket: "data",
      key,
      revision: 1,
      errors: [{ code: "x", message }],
    },
  };
}

function publisher() {
  const failures: PublishFailure[] = [];
  const publish = createEventBridgePublisher({
    client,
    eventBusName: "default",
    onFailure: (f) => failures.push(f),
  });
  return { publish, failures };
}

function entriesOfCall(i: number): unknown[] {
  const input = eventBridge.commandCalls(PutEventsCommand)[i]?.args[0].input;
  return input?.Entries ?? [];
}

describe("createEventBridgePublisher", () => {
  it("puts events in calls of at most 10 entries when 23 are published", async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: String(i) })),
    }));
    const { publish, failures } = publisher();
    const events = Array.from({ length: 23 }, (_, i) => failedEvent(i));

    await publish.publish(events);

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 3);
    expect([0, 1, 2].map((i) => entriesOfCall(i).length)).toEqual([10, 10, 3]);
    expect(eventBridge).toHaveReceivedNthCommandWith(PutEventsCommand, 1, {
      Entries: expect.arrayContaining([
        {
          EventBusName: "default",
          Source: "sluice",
          DetailType: "ingest.failed",
          Detail: JSON.stringify(events[0]?.detail),
          Time: new Date("2026-11-24T10:00:00.000Z"),
        },
      ]),
    });
    expect(failures).toEqual([]);
  });

  it("retries only the failed entries once when EventBridge answers a FailedEntryCount", async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 2,
        Entries: [
          { EventId: "a" },
          { ErrorCode: "ThrottlingException", ErrorMessage: "slow down" },
          { EventId: "c" },
          { ErrorCode: "InternalFailure", ErrorMessage: "oops" },
        ],
      })
      .resolvesOnce({ FailedEntryCount: 0, Entries: [{ EventId: "b" }, { EventId: "d" }] });
    const { publish, failures } = publisher();
    const events = [0, 1, 2, 3].map((i) => failedEvent(i));

    await publish.publish(events);

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 2);
    expect(entriesOfCall(1)).toEqual([
      expect.objectContaining({ Detail: JSON.stringify(events[1]?.detail) }),
      expect.objectContaining({ Detail: JSON.stringify(events[3]?.detail) }),
    ]);
    expect(failures).toEqual([]);
  });

  it("reports the entries that fail again after the one retry, without throwing", async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: input.Entries.length,
      Entries: input.Entries.map(() => ({ ErrorCode: "InternalFailure", ErrorMessage: "down" })),
    }));
    const { publish, failures } = publisher();
    const events = [failedEvent(0), failedEvent(1)];

    await publish.publish(events);

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 2);
    expect(failures).toEqual([{ events, reason: "InternalFailure: down" }]);
  });

  it("reports a call's events and goes on with the next call when PutEvents throws", async () => {
    const throttled = new EventBridgeServiceException({
      name: "ThrottlingException",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
      message: "Rate exceeded",
    });
    eventBridge
      .on(PutEventsCommand)
      .rejectsOnce(throttled)
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: "k" }] });
    const { publish, failures } = publisher();
    const events = Array.from({ length: 11 }, (_, i) => failedEvent(i));

    await expect(publish.publish(events)).resolves.toBeUndefined();

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 2);
    expect(failures).toEqual([{ events: events.slice(0, 10), reason: "ThrottlingException: Rate exceeded" }]);
  });

  it("reports an entry above 256 KB without sending it and sends the others", async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "a" }] });
    const { publish, failures } = publisher();
    const huge = failedEvent(0, "x".repeat(MAX_PUT_BYTES));
    const small = failedEvent(1);

    await publish.publish([huge, small]);

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(entriesOfCall(0)).toEqual([expect.objectContaining({ Detail: JSON.stringify(small.detail) })]);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.events).toEqual([huge]);
    expect(failures[0]?.reason).toMatch(/^entry is \d+ bytes; PutEvents takes 262144$/);
  });

  it("starts a new call before the calls' entries together pass 256 KB", async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map(() => ({ EventId: "e" })),
    }));
    const { publish, failures } = publisher();
    // Three entries of about 100 KB: two fit in one call, the third does not.
    const events = [0, 1, 2].map((i) => failedEvent(i, "y".repeat(100_000)));

    await publish.publish(events);

    expect([0, 1].map((i) => entriesOfCall(i).length)).toEqual([2, 1]);
    expect(failures).toEqual([]);
  });
});

describe("entrySize", () => {
  it("counts 14 bytes for Time plus the UTF-8 bytes of Source, DetailType, Detail and Resources", () => {
    const size = entrySize({
      Source: "sluice",
      DetailType: "ingest.completed",
      Detail: '{"k":"é"}',
      Time: new Date(0),
      Resources: ["arn:x"],
    });

    expect(size).toBe(14 + 6 + 16 + 10 + 5);
  });
});
