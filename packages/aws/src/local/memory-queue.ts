import { randomUUID } from "node:crypto";
import type { SQSRecordAttributes } from "aws-lambda";
import { type DrainOptions, type DrainResult, drainQueue, type SqsBatchHandler } from "./drain-queue";
import type { DeadLetter, MemoryQueueSnapshot } from "./queue-snapshot";

/** A received message, hidden from other receivers for the visibility timeout. */
export interface ReceivedMessage<T> {
  messageId: string;
  receiptHandle: string;
  body: T;
  receiveCount: number;
  attributes: SQSRecordAttributes;
}

/** Settings of an in-process queue; every default is SQS's or design.md's. */
export interface MemoryQueueOptions<T> {
  /** Default 30 s, as SQS. */
  visibilityTimeoutMs?: number;
  /** Receives after which a message is dead-lettered on its next receive (default 5, design.md "Decisions"). */
  maxReceives?: number;
  /** Messages per drained batch (default 10). */
  batchSize?: number;
  /** Names the queue in `eventSourceARN` (default "local-queue"). */
  name?: string;
  region?: string;
  account?: string;
  /** The SQS body of a message; by default a string as is, anything else as JSON. */
  serialize?: (body: T) => string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  newId?: () => string;
  /** Called after every change of state, with a snapshot, so that a caller can persist it. */
  onChange?: (snapshot: MemoryQueueSnapshot<T>) => void;
}

/** An in-process queue with SQS semantics (visibility timeout, redelivery, dead letters) for local runs and tests. */
export interface MemoryQueue<T> {
  readonly arn: string;
  /** Enqueues a message; a promise so that a queue of WorkMessage is a core `WorkQueue`. */
  send(body: T): Promise<void>;
  receive(max?: number): ReceivedMessage<T>[];
  /** Deletes a received message; false when the handle is stale (the message was received again or is gone). */
  delete(receiptHandle: string): boolean;
  /** Hides a received message for `timeoutMs` from now (0 makes it visible at once). */
  changeVisibility(receiptHandle: string, timeoutMs: number): boolean;
  /** Notes why a received message failed; it reappears after its visibility timeout, as in SQS. */
  fail(receiptHandle: string, error?: unknown): boolean;
  deadLetters(): DeadLetter<T>[];
  /** Messages available to receive now. */
  size(): number;
  /** Messages received and still hidden. */
  inFlight(): number;
  /** Delivers batches to a Lambda-style SQS handler until the queue is empty and nothing is in flight. */
  drain(handler: SqsBatchHandler, options?: DrainOptions): Promise<DrainResult>;
  snapshot(): MemoryQueueSnapshot<T>;
  restore(snapshot: MemoryQueueSnapshot<T>): void;
}

/** Creates an in-process queue with SQS semantics whose state is one serialisable object. */
export function createMemoryQueue<T = string>(options: MemoryQueueOptions<T> = {}): MemoryQueue<T> {
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
  const maxReceives = options.maxReceives ?? 5;
  const now = options.now ?? Date.now;
  const newId = options.newId ?? randomUUID;
  const serialize =
    options.serialize ?? ((body: T) => (typeof body === "string" ? body : JSON.stringify(body)));
  const region = options.region ?? "us-east-1";
  const arn = `arn:aws:sqs:${region}:${options.account ?? "000000000000"}:${options.name ?? "local-queue"}`;
  let state: MemoryQueueSnapshot<T> = { version: 1, messages: [], deadLetters: [] };

  const changed = () => options.onChange?.(structuredClone(state));
  // Only the latest receipt handle acts on a message, as in SQS.
  const held = (handle: string) => state.messages.find((m) => m.receiptHandle === handle);

  const queue: MemoryQueue<T> = {
    arn,
    async send(body) {
      const at = now();
      state.messages.push({
        messageId: newId(),
        body: structuredClone(body),
        sentAt: at,
        firstReceivedAt: null,
        receiveCount: 0,
        visibleAt: at,
        receiptHandle: null,
        lastError: null,
      });
      changed();
    },
    receive(max = options.batchSize ?? 10) {
      const at = now();
      const received: ReceivedMessage<T>[] = [];
      let deadLettered = false;
      for (const message of state.messages.filter((m) => m.visibleAt <= at)) {
        if (received.length >= max) break;
        // SQS moves a message to the dead-letter queue when a receive would exceed maxReceiveCount.
        if (message.receiveCount >= maxReceives) {
          state.messages = state.messages.filter((m) => m !== message);
          state.deadLetters.push({ ...message, receiptHandle: null, deadLetteredAt: at });
          deadLettered = true;
          continue;
        }
        message.receiveCount += 1;
        message.firstReceivedAt ??= at;
        message.receiptHandle = newId();
        message.visibleAt = at + visibilityTimeoutMs;
        received.push({
          messageId: message.messageId,
          receiptHandle: message.receiptHandle,
          body: structuredClone(message.body),
          receiveCount: message.receiveCount,
          attributes: {
            ApproximateReceiveCount: String(message.receiveCount),
            SentTimestamp: String(message.sentAt),
            SenderId: "LOCAL",
            ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt),
          },
        });
      }
      if (received.length > 0 || deadLettered) changed();
      return received;
    },
    delete(receiptHandle) {
      const message = held(receiptHandle);
      if (message === undefined) return false;
      state.messages = state.messages.filter((m) => m !== message);
      changed();
      return true;
    },
    changeVisibility(receiptHandle, timeoutMs) {
      const message = held(receiptHandle);
      if (message === undefined) return false;
      message.visibleAt = now() + timeoutMs;
      changed();
      return true;
    },
    fail(receiptHandle, error) {
      const message = held(receiptHandle);
      if (message === undefined) return false;
      message.lastError = error === undefined ? null : error instanceof Error ? error.message : String(error);
      changed();
      return true;
    },
    deadLetters: () => structuredClone(state.deadLetters),
    size: () => state.messages.filter((m) => m.visibleAt <= now()).length,
    inFlight: () => state.messages.filter((m) => m.visibleAt > now()).length,
    drain: (handler, drainOptions = {}) =>
      drainQueue(
        {
          queue,
          serialize,
          region,
          now,
          sleep: options.sleep,
          nextVisibleAt: () => Math.min(...state.messages.map((m) => m.visibleAt)),
          batchSize: options.batchSize ?? 10,
        },
        handler,
        drainOptions,
      ),
    snapshot: () => structuredClone(state),
    restore(snapshot) {
      state = structuredClone(snapshot);
      changed();
    },
  };
  return queue;
}
