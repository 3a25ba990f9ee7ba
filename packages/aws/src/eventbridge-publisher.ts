import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import type { EventPublisher, OutboundEvent, PublishFailure } from "@sluice/core";

/** PutEvents takes at most 10 entries per call. */
export const MAX_ENTRIES_PER_PUT = 10;
/** PutEvents takes at most 256 KB per entry and per call, counted as `entrySize` counts. */
export const MAX_PUT_BYTES = 256 * 1024;

/** What the EventBridge publisher needs: a client built in the composition root, the bus, and where failures go. */
export interface EventBridgePublisherOptions {
  client: EventBridgeClient;
  eventBusName: string;
  onFailure(failure: PublishFailure): void;
}

/**
 * Puts outbound events on an EventBridge bus in calls of at most 10 entries and 256 KB. Entries that
 * EventBridge answers as failed (throttled, internal) are retried once; what still fails, an entry too
 * large to send and a call that throws are reported through `onFailure`, never thrown.
 */
export function createEventBridgePublisher(options: EventBridgePublisherOptions): EventPublisher {
  const { client, eventBusName, onFailure } = options;
  const put = async (batch: Pending[]): Promise<{ failed: Pending[]; reason: string }> => {
    const command = new PutEventsCommand({ Entries: batch.map((p) => p.entry) });
    const answer = await client.send(command);
    if (!answer.FailedEntryCount) return { failed: [], reason: "" };
    // Answers come back in the order of the entries; a failed one has an ErrorCode.
    const failed = batch.filter((_, i) => answer.Entries?.[i]?.ErrorCode !== undefined);
    const first = answer.Entries?.find((e) => e.ErrorCode !== undefined);
    return { failed, reason: `${first?.ErrorCode ?? "failed"}: ${first?.ErrorMessage ?? ""}`.trim() };
  };
  return {
    async publish(events) {
      const pending: Pending[] = [];
      for (const event of events) {
        const entry = toEntry(event, eventBusName);
        const size = entrySize(entry);
        if (size > MAX_PUT_BYTES)
          onFailure({ events: [event], reason: `entry is ${size} bytes; PutEvents takes ${MAX_PUT_BYTES}` });
        else pending.push({ event, entry, size });
      }
      for (const batch of batches(pending)) {
        try {
          const first = await put(batch);
          if (first.failed.length === 0) continue;
          const retry = await put(first.failed);
          if (retry.failed.length > 0)
            onFailure({ events: retry.failed.map((p) => p.event), reason: retry.reason });
        } catch (error) {
          onFailure({ events: batch.map((p) => p.event), reason: describe(error) });
        }
      }
    },
  };
}

interface Pending {
  event: OutboundEvent;
  entry: PutEventsRequestEntry;
  size: number;
}

function toEntry(event: OutboundEvent, eventBusName: string): PutEventsRequestEntry {
  const time = new Date(event.time);
  return {
    EventBusName: eventBusName,
    Source: event.source,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
    ...(Number.isNaN(time.getTime()) ? {} : { Time: time }),
  };
}

/** An entry's size as EventBridge counts it (its "Calculating PutEvents event entry size" page). */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, "utf8"));
  const resources = (entry.Resources ?? []).reduce((sum, r) => sum + bytes(r), 0);
  return (
    (entry.Time ? 14 : 0) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + resources
  );
}

/** Splits entries into calls of at most 10 entries and 256 KB, in order. */
function batches(pending: readonly Pending[]): Pending[][] {
  const out: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const p of pending) {
    if (current.length === MAX_ENTRIES_PER_PUT || bytes + p.size > MAX_PUT_BYTES) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(p);
    bytes += p.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
