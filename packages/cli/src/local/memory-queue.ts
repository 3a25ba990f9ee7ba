import { randomUUID } from "node:crypto";
import { type DrainOptions, type DrainResult, drainQueue, type SqsBatchHandler } from "./drain-queue";
import type { DeadLetter, MemoryQueueSnapshot, ReceivedMessage, StoredMessage } from "./queue-snapshot";

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
  /**
   * Called after every change of state without a snapshot: a caller that persists takes `snapshot()` when it
   * writes, so a burst of changes costs one copy rather than one copy of the whole queue per change.
   */
  onDirty?: () => void;
  /**
   * Called with each message as it is sent; `send` resolves only once this has, as SQS answers SendMessage only
   * once the message is stored: a caller that writes it down makes sends durable. It must read the message
   * before returning, since the queue changes it as it is received.
   */
  onSend?: (message: Readonly<StoredMessage<T>>) => Promise<void> | void;
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
  /**
   * Delivers batches to a Lambda-style SQS handler until the queue is empty and nothing is in flight; several
   * drains may share the queue, as concurrent invocations share an SQS queue.
   */
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
  // Messages by id, in send order (a Map keeps insertion order and deletes in O(1)), and the id each
  // live receipt handle points at: a queue of thousands must not copy or scan itself on every change.
  let messages = new Map<string, StoredMessage<T>>();
  let handles = new Map<string, string>();
  let deadLetters: DeadLetter<T>[] = [];

  const current = (): MemoryQueueSnapshot<T> => ({
    version: 1,
    messages: [...messages.values()],
    deadLetters,
  });
  const changed = () => {
    options.onDirty?.();
    if (options.onChange) options.onChange(structuredClone(current()));
  };
  // Only the latest receipt handle acts on a message, as in SQS.
  const held = (handle: string) => {
    const id = handles.get(handle);
    const message = id === undefined ? undefined : messages.get(id);
    return message?.receiptHandle === handle ? message : undefined;
  };
  const remove = (message: StoredMessage<T>) => {
    messages.delete(message.messageId);
    if (message.receiptHandle !== null) handles.delete(message.receiptHandle);
  };
  const count = (visible: boolean) => {
    const at = now();
    let n = 0;
    for (const m of messages.values()) if (m.visibleAt <= at === visible) n += 1;
    return n;
  };

  const queue: MemoryQueue<T> = {
    arn,
    async send(body) {
      const at = now();
      const messageId = newId();
      const message: StoredMessage<T> = {
        messageId,
        body: structuredClone(body),
        sentAt: at,
        firstReceivedAt: null,
        receiveCount: 0,
        visibleAt: at,
        receiptHandle: null,
        lastError: null,
      };
      messages.set(messageId, message);
      changed();
      await options.onSend?.(message);
    },
    receive(max = options.batchSize ?? 10) {
      const at = now();
      const received: ReceivedMessage<T>[] = [];
      let deadLettered = false;
      for (const message of messages.values()) {
        if (received.length >= max) break;
        if (message.visibleAt > at) continue;
        // SQS moves a message to the dead-letter queue when a receive would exceed maxReceiveCount.
        if (message.receiveCount >= maxReceives) {
          remove(message);
          deadLetters.push({ ...message, receiptHandle: null, deadLetteredAt: at });
          deadLettered = true;
          continue;
        }
        message.receiveCount += 1;
        message.firstReceivedAt ??= at;
        if (message.receiptHandle !== null) handles.delete(message.receiptHandle);
        message.receiptHandle = newId();
        handles.set(message.receiptHandle, message.messageId);
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
      remove(message);
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
    deadLetters: () => structuredClone(deadLetters),
    size: () => count(true),
    inFlight: () => count(false),
    drain: (handler, drainOptions = {}) =>
      drainQueue(
        {
          queue,
          serialize,
          region,
          visibilityTimeoutMs,
          now,
          sleep: options.sleep,
          nextVisibleAt: () => {
            let next = Number.POSITIVE_INFINITY;
            for (const m of messages.values()) next = Math.min(next, m.visibleAt);
            return next;
          },
          batchSize: options.batchSize ?? 10,
        },
        handler,
        drainOptions,
      ),
    snapshot: () => structuredClone(current()),
    restore(snapshot) {
      const copy = structuredClone(snapshot);
      messages = new Map(copy.messages.map((m) => [m.messageId, m]));
      handles = new Map();
      for (const m of copy.messages) if (m.receiptHandle !== null) handles.set(m.receiptHandle, m.messageId);
      deadLetters = copy.deadLetters;
      changed();
    },
  };
  return queue;
}
