import { AsyncLocalStorage } from "node:async_hooks";
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
  /**
   * Answer each upload (or delete) only once its events are sent, and with a 500 when a send failed, so that an
   * acknowledged write's event is as durable as `send`: in AWS, S3 → EventBridge → SQS is durable once S3 has
   * answered. Needs an s3rver prepared with `holdS3rverAnswers` (createLocalS3rver's is).
   */
  answerAfterSend?: boolean;
}

// The sends started while s3rver handles one request, collected in that request's async context.
const requestSends = new AsyncLocalStorage<Promise<void>[]>();
const holding = new WeakSet<object>();

/**
 * Makes s3rver hold each answer until the sends its request started (through a bridge with `answerAfterSend`)
 * have finished; call before `run()`, which composes the middleware. s3rver emits an object's event after
 * storing it and before its handler returns, so the event is sent while the request is still unanswered.
 */
export function holdS3rverAnswers(server: S3rver): void {
  // S3rver extends Koa, whose typings it omits: `middleware` is Koa's list, composed when run() listens.
  const app: unknown = server;
  if (!(typeof app === "object" && app !== null && "middleware" in app && Array.isArray(app.middleware)))
    throw new TypeError("s3rver has no Koa middleware list: cannot hold its answers");
  const hold = async (_ctx: unknown, next: () => Promise<unknown>) => {
    const sends: Promise<void>[] = [];
    await requestSends.run(sends, next);
    // A failed send throws: s3rver answers it as a 500 InternalError, which S3 clients retry.
    await Promise.all(sends);
  };
  app.middleware.unshift(hold);
  holding.add(app);
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
  if (options.answerAfterSend && !holding.has(emitter))
    throw new TypeError("answerAfterSend needs an s3rver prepared with holdS3rverAnswers before run()");
  const identity = { account: options.account ?? "000000000000", region: options.region ?? "us-east-1" };
  const pending = new Set<Promise<void>>();
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
      // Sends start in event order, and may finish together (a durable queue writes them down in one go); a
      // send that throws rejects its promise instead of breaking s3rver's request.
      const sending = new Promise<void>((resolve) => resolve(send(body)));
      const reported = sending.catch(fail).finally(() => pending.delete(reported));
      pending.add(reported);
      if (options.answerAfterSend) requestSends.getStore()?.push(sending);
    }
  };
  emitter.on("event", listener);

  return {
    async settled() {
      while (pending.size > 0) await Promise.all(pending);
      if (failures.length > 0) throw failures.splice(0)[0];
    },
    stop() {
      emitter.off("event", listener);
    },
  };
}
