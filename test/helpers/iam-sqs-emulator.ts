import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SQSRecord } from "aws-lambda";
import { z } from "zod";

/** One message in an emulated queue. */
interface StoredMessage {
  id: string;
  body: string;
  attributes: Record<string, unknown>;
  sentAt: number;
  receiveCount: number;
  visibleAt: number;
  receipt: string | null;
}

/** A message as the event source mapping hands it to a function, with the handle to settle it by. */
export interface Delivered {
  record: SQSRecord;
  receipt: string;
}

/** SQS and EventBridge on loopback, as far as Sluice's functions and a Lambda event source mapping use them. */
export interface SqsEmulator {
  url: string;
  /** The URL of the queue named `name` (the functions' SDK clients send to `url` whatever the URL's host). */
  queueUrl(name: string): string;
  /** What Lambda's poller does: receives up to `max` visible messages, hidden until `settle`. */
  poll(name: string, max: number): Delivered[];
  /** Deletes the acknowledged messages; the others become visible again, and after `maxReceives` move to `dlq`. */
  settle(name: string, delivered: readonly Delivered[], failedIds: ReadonlySet<string>): void;
  /** Puts a message on a queue as SQS itself would (a redrive policy moving a failed message to its DLQ). */
  place(name: string, body: string, receiveCount?: number): void;
  size(name: string): number;
  /** Every entry `PutEvents` accepted. */
  events: Record<string, unknown>[];
  stop(): Promise<void>;
}

const str = z.string();
const Attributes = z.record(str, z.unknown()).optional();
const Requests = {
  SendMessage: z.object({ QueueUrl: str, MessageBody: str, MessageAttributes: Attributes }),
  SendMessageBatch: z.object({
    QueueUrl: str,
    Entries: z.array(z.object({ Id: str, MessageBody: str, MessageAttributes: Attributes })),
  }),
  ReceiveMessage: z.object({
    QueueUrl: str,
    MaxNumberOfMessages: z.number().optional(),
    VisibilityTimeout: z.number().optional(),
  }),
  DeleteMessage: z.object({ QueueUrl: str, ReceiptHandle: str }),
  DeleteMessageBatch: z.object({
    QueueUrl: str,
    Entries: z.array(z.object({ Id: str, ReceiptHandle: str })),
  }),
  ChangeMessageVisibility: z.object({ QueueUrl: str, ReceiptHandle: str, VisibilityTimeout: z.number() }),
  ChangeMessageVisibilityBatch: z.object({
    QueueUrl: str,
    Entries: z.array(z.object({ Id: str, ReceiptHandle: str, VisibilityTimeout: z.number() })),
  }),
  GetQueueAttributes: z.object({ QueueUrl: str }),
  PutEvents: z.object({ Entries: z.array(z.record(str, z.unknown())) }),
};

class EmulatorError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");
const ACCOUNT = "000000000000";
const DEFAULT_VISIBILITY_SECONDS = 30;

/**
 * Starts SQS and EventBridge (AWS's JSON protocol, `X-Amz-Target`) on loopback with the named queues. No
 * emulator of either is in the project; the IAM test needs the commands the functions send to succeed the way
 * AWS answers them (MD5 of bodies included, which the SDK checks). Long polls answer at once.
 */
export async function startSqsEmulator(
  queueNames: readonly string[],
  redrive: { maxReceives: number; dlqOf: Record<string, string> },
): Promise<SqsEmulator> {
  const queues = new Map<string, StoredMessage[]>(queueNames.map((name) => [name, []]));
  const events: Record<string, unknown>[] = [];
  let url = "";

  const queueOf = (queueUrl: string): { name: string; messages: StoredMessage[] } => {
    const name = queueUrl.split("/").at(-1) ?? "";
    const messages = queues.get(name);
    if (!messages) throw new EmulatorError("AWS.SimpleQueueService.NonExistentQueue", `no queue ${queueUrl}`);
    return { name, messages };
  };
  const byReceipt = (messages: StoredMessage[], receipt: string) => {
    const found = messages.find((m) => m.receipt === receipt);
    if (!found) throw new EmulatorError("ReceiptHandleIsInvalid", `no message with handle ${receipt}`);
    return found;
  };
  const enqueue = (messages: StoredMessage[], body: string, attributes = {}, receiveCount = 0) => {
    const message = {
      id: randomUUID(),
      body,
      attributes,
      sentAt: Date.now(),
      receiveCount,
      visibleAt: 0,
      receipt: null,
    };
    messages.push(message);
    return message;
  };
  const receive = (messages: StoredMessage[], max: number, visibilitySeconds: number) => {
    const now = Date.now();
    return messages
      .filter((m) => m.visibleAt <= now)
      .slice(0, max)
      .map((m) => {
        m.receiveCount += 1;
        m.visibleAt = now + visibilitySeconds * 1000;
        m.receipt = `${m.id}#${randomUUID()}`;
        return m;
      });
  };
  const remove = (messages: StoredMessage[], message: StoredMessage) =>
    messages.splice(messages.indexOf(message), 1);

  const answer = (target: string, body: unknown): Record<string, unknown> => {
    switch (target) {
      case "AmazonSQS.SendMessage": {
        const r = Requests.SendMessage.parse(body);
        const m = enqueue(queueOf(r.QueueUrl).messages, r.MessageBody, r.MessageAttributes);
        return { MessageId: m.id, MD5OfMessageBody: md5(r.MessageBody) };
      }
      case "AmazonSQS.SendMessageBatch": {
        const r = Requests.SendMessageBatch.parse(body);
        const { messages } = queueOf(r.QueueUrl);
        const Successful = r.Entries.map((e) => ({
          Id: e.Id,
          MessageId: enqueue(messages, e.MessageBody, e.MessageAttributes).id,
          MD5OfMessageBody: md5(e.MessageBody),
        }));
        return { Successful, Failed: [] };
      }
      case "AmazonSQS.ReceiveMessage": {
        const r = Requests.ReceiveMessage.parse(body);
        const got = receive(
          queueOf(r.QueueUrl).messages,
          r.MaxNumberOfMessages ?? 1,
          r.VisibilityTimeout ?? DEFAULT_VISIBILITY_SECONDS,
        );
        return {
          Messages: got.map((m) => ({
            MessageId: m.id,
            ReceiptHandle: m.receipt,
            MD5OfBody: md5(m.body),
            Body: m.body,
            Attributes: { ApproximateReceiveCount: String(m.receiveCount), SentTimestamp: String(m.sentAt) },
            MessageAttributes: m.attributes,
          })),
        };
      }
      case "AmazonSQS.DeleteMessage": {
        const r = Requests.DeleteMessage.parse(body);
        const { messages } = queueOf(r.QueueUrl);
        remove(messages, byReceipt(messages, r.ReceiptHandle));
        return {};
      }
      case "AmazonSQS.DeleteMessageBatch": {
        const r = Requests.DeleteMessageBatch.parse(body);
        const { messages } = queueOf(r.QueueUrl);
        for (const e of r.Entries) remove(messages, byReceipt(messages, e.ReceiptHandle));
        return { Successful: r.Entries.map((e) => ({ Id: e.Id })), Failed: [] };
      }
      case "AmazonSQS.ChangeMessageVisibility": {
        const r = Requests.ChangeMessageVisibility.parse(body);
        byReceipt(queueOf(r.QueueUrl).messages, r.ReceiptHandle).visibleAt =
          Date.now() + r.VisibilityTimeout * 1000;
        return {};
      }
      case "AmazonSQS.ChangeMessageVisibilityBatch": {
        const r = Requests.ChangeMessageVisibilityBatch.parse(body);
        const { messages } = queueOf(r.QueueUrl);
        for (const e of r.Entries)
          byReceipt(messages, e.ReceiptHandle).visibleAt = Date.now() + e.VisibilityTimeout * 1000;
        return { Successful: r.Entries.map((e) => ({ Id: e.Id })), Failed: [] };
      }
      case "AmazonSQS.GetQueueAttributes": {
        const { messages } = queueOf(Requests.GetQueueAttributes.parse(body).QueueUrl);
        const now = Date.now();
        const visible = messages.filter((m) => m.visibleAt <= now).length;
        return {
          Attributes: {
            ApproximateNumberOfMessages: String(visible),
            ApproximateNumberOfMessagesNotVisible: String(messages.length - visible),
          },
        };
      }
      case "AWSEvents.PutEvents": {
        const { Entries } = Requests.PutEvents.parse(body);
        events.push(...Entries);
        return { FailedEntryCount: 0, Entries: Entries.map(() => ({ EventId: randomUUID() })) };
      }
      default:
        throw new EmulatorError("UnknownOperationException", `not emulated: ${target}`);
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const type = String(req.headers["content-type"] ?? "application/x-amz-json-1.0");
      try {
        const reply = answer(
          String(req.headers["x-amz-target"] ?? ""),
          JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"),
        );
        res.writeHead(200, { "content-type": type, "x-amzn-requestid": randomUUID() });
        res.end(JSON.stringify(reply));
      } catch (error) {
        const code = error instanceof EmulatorError ? error.type : "InvalidParameterValue";
        res.writeHead(400, { "content-type": type, "x-amzn-query-error": `${code};Sender` });
        res.end(
          JSON.stringify({ __type: code, message: String(error instanceof Error ? error.message : error) }),
        );
      }
    });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address: string | AddressInfo | null = server.address();
  if (address === null || typeof address === "string") throw new Error("the SQS emulator is not on TCP");
  url = `http://127.0.0.1:${address.port}`;

  const named = (name: string) => queueOf(`/${name}`).messages;
  return {
    url,
    queueUrl: (name) => `${url}/${ACCOUNT}/${name}`,
    poll(name, max) {
      return receive(named(name), max, DEFAULT_VISIBILITY_SECONDS).map((m) => ({
        receipt: m.receipt ?? "",
        record: {
          messageId: m.id,
          receiptHandle: m.receipt ?? "",
          body: m.body,
          attributes: {
            ApproximateReceiveCount: String(m.receiveCount),
            SentTimestamp: String(m.sentAt),
            SenderId: "AIDAEMULATED",
            ApproximateFirstReceiveTimestamp: String(m.sentAt),
          },
          messageAttributes: {},
          md5OfBody: md5(m.body),
          eventSource: "aws:sqs",
          eventSourceARN: `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`,
          awsRegion: "us-east-1",
        },
      }));
    },
    settle(name, delivered, failedIds) {
      const messages = named(name);
      for (const { record, receipt } of delivered) {
        const message = messages.find((m) => m.receipt === receipt);
        if (!message) continue;
        if (!failedIds.has(record.messageId)) {
          remove(messages, message);
          continue;
        }
        message.visibleAt = 0;
        const dlq = redrive.dlqOf[name];
        if (dlq !== undefined && message.receiveCount >= redrive.maxReceives) {
          remove(messages, message);
          named(dlq).push({ ...message, receipt: null });
        }
      }
    },
    place(name, body, receiveCount = 0) {
      enqueue(named(name), body, {}, receiveCount);
    },
    size: (name) => named(name).length,
    events,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
