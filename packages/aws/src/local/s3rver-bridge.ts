import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type S3rver from "s3rver";
import {
  type BridgeIdentity,
  nextBridgeSequencer,
  S3rverEventSchema,
  toEventBridgeS3Event,
} from "./s3rver-event";

/** A running bridge from s3rver's events to a queue. */
export interface S3rverBridge {
  /** Resolves when every send started so far has finished; rejects with the first unreported failure. */
  settled(): Promise<void>;
  /** Unsubscribes from s3rver. */
  stop(): void;
}

/** Options of createS3rverBridge; errors go to `onError` when given, else to the next `settled()`. */
export interface S3rverBridgeOptions extends Partial<BridgeIdentity> {
  onError?: (error: unknown) => void;
  /**
   * The one bucket whose events are sent, as the EventBridge rule matches the data bucket in AWS: one
   * s3rver holds the exports bucket too, whose writes must not reach the ingest queue. Every bucket's when left out.
   */
  bucket?: string;
}

/**
 * Subscribes to s3rver's `event` emitter and sends, for each record, the SQS body that an EventBridge
 * rule targeting a queue would deliver in AWS.
 */
export function createS3rverBridge(
  server: S3rver,
  send: (body: string) => Promise<void> | void,
  options: S3rverBridgeOptions = {},
): S3rverBridge {
  // S3rver extends Koa, an EventEmitter, but its typings omit that side.
  const emitter: unknown = server;
  if (!(emitter instanceof EventEmitter)) throw new TypeError("s3rver instance is not an EventEmitter");
  const identity = { account: options.account ?? "000000000000", region: options.region ?? "us-east-1" };
  let tail: Promise<void> = Promise.resolve();
  const failures: unknown[] = [];
  const fail = (error: unknown): void => {
    if (options.onError) options.onError(error);
    else failures.push(error);
  };

  const listener = (payload: unknown): void => {
    const parsed = S3rverEventSchema.safeParse(payload);
    if (!parsed.success) {
      fail(parsed.error);
      return;
    }
    for (const record of parsed.data.Records) {
      if (options.bucket !== undefined && record.s3.bucket.name !== options.bucket) continue;
      const stamp = {
        ...identity,
        id: randomUUID(),
        sequencer: nextBridgeSequencer(record.s3.object.sequencer),
      };
      const body = JSON.stringify(toEventBridgeS3Event(record, stamp));
      // Sends run one at a time in event order, off s3rver's request path so a failing send cannot break it.
      tail = tail.then(() => send(body)).catch(fail);
    }
  };
  emitter.on("event", listener);

  return {
    async settled() {
      let seen: Promise<void> | undefined;
      while (seen !== tail) {
        seen = tail;
        await seen;
      }
      if (failures.length > 0) throw failures.splice(0)[0];
    },
    stop() {
      emitter.off("event", listener);
    },
  };
}
