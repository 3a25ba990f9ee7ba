import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  SQSServiceException,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSqsDeadLetters } from "../../../packages/aws/src/sqs-dead-letters";
import { TransientError } from "../../../packages/core/src/errors";

const URL = "https://sqs.eu-west-1.amazonaws.com/123456789012";
const QUEUES = {
  ingest: { sourceUrl: `${URL}/ingest`, dlqUrl: `${URL}/ingest-dlq` },
  work: { sourceUrl: `${URL}/work`, dlqUrl: `${URL}/work-dlq` },
};
const client = new SQSClient({
  region: "eu-west-1",
  credentials: { accessKeyId: "t", secretAccessKey: "t" },
});
const sqs = mockClient(client);

const failure = (name: string, status: number) =>
  new SQSServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
  });

interface FakeMessage {
  id: string;
  body: string;
  receives: number;
  hiddenUntil: number;
  handle: string | null;
}

/**
 * A dead-letter queue with SQS's visibility rules, behind the mocked client: a receive hides what it
 * returns, only the latest receipt handle deletes, and sends to a source queue are recorded.
 */
function fakeSqs() {
  let clock = 1_000_000;
  let handles = 0;
  const dlq = new Map<string, FakeMessage[]>([
    [QUEUES.ingest.dlqUrl, []],
    [QUEUES.work.dlqUrl, []],
  ]);
  const sent: { queueUrl: string; body: string }[] = [];
  const messages = (url: string | undefined) => dlq.get(url ?? "") ?? [];
  sqs.on(GetQueueAttributesCommand).callsFake((input) => ({
    Attributes: { ApproximateNumberOfMessages: String(messages(input.QueueUrl).length) },
  }));
  sqs.on(ReceiveMessageCommand).callsFake((input) => {
    const visible = messages(input.QueueUrl).filter((m) => m.hiddenUntil <= clock);
    const batch = visible.slice(0, input.MaxNumberOfMessages ?? 1);
    for (const m of batch) {
      m.receives += 1;
      m.handle = `h${++handles}`;
      m.hiddenUntil = clock + (input.VisibilityTimeout ?? 30) * 1000;
    }
    return {
      Messages: batch.map((m) => ({
        MessageId: m.id,
        ReceiptHandle: m.handle ?? "",
        Body: m.body,
        Attributes: { ApproximateReceiveCount: String(m.receives), SentTimestamp: "1700000000000" },
      })),
    };
  });
  sqs.on(ChangeMessageVisibilityBatchCommand).callsFake((input) => {
    for (const entry of input.Entries ?? []) {
      const m = messages(input.QueueUrl).find((x) => x.handle === entry.ReceiptHandle);
      if (m) m.hiddenUntil = clock + (entry.VisibilityTimeout ?? 0) * 1000;
    }
    return { Successful: [], Failed: [] };
  });
  const faults = { deletes: 0 };
  sqs.on(DeleteMessageCommand).callsFake((input) => {
    if (faults.deletes > 0) {
      faults.deletes -= 1;
      throw failure("ServiceUnavailable", 503);
    }
    const list = messages(input.QueueUrl);
    const at = list.findIndex((m) => m.handle === input.ReceiptHandle);
    if (at >= 0) list.splice(at, 1);
    return {};
  });
  sqs.on(SendMessageCommand).callsFake((input) => {
    sent.push({ queueUrl: input.QueueUrl ?? "", body: input.MessageBody ?? "" });
    return { MessageId: `new-${sent.length}` };
  });
  return {
    sent,
    faults,
    dead: (queue: "ingest" | "work") => messages(QUEUES[queue].dlqUrl),
    add(queue: "ingest" | "work", id: string, body: string) {
      messages(QUEUES[queue].dlqUrl).push({ id, body, receives: 5, hiddenUntil: 0, handle: null });
    },
    advance(ms: number) {
      clock += ms;
    },
    now: () => clock,
  };
}

let fake: ReturnType<typeof fakeSqs>;
beforeEach(() => {
  fake = fakeSqs();
});
afterEach(() => {
  sqs.reset();
});

const deadLetters = () => createSqsDeadLetters({ client, queues: QUEUES, now: fake.now });

describe("createSqsDeadLetters list", () => {
  it("shows each dead letter with its parsed body, sent time and receive count, and leaves it visible", async () => {
    fake.add("work", "m1", JSON.stringify({ type: "rederive-prefix", prefix: "a/" }));
    fake.add("work", "m2", "not json");

    const page = await deadLetters().list("work", 10);

    expect(page.total).toBe(2);
    expect(page.messages).toEqual([
      {
        id: "m1",
        queue: "work",
        body: { type: "rederive-prefix", prefix: "a/" },
        sentAt: "2023-11-14T22:13:20.000Z",
        receiveCount: 6,
        lastError: null,
        attributes: {},
      },
      expect.objectContaining({ id: "m2", body: "not json" }),
    ]);
    expect(fake.dead("work").every((m) => m.hiddenUntil <= fake.now())).toBe(true);
    expect(sqs).toHaveReceivedCommandWith(ReceiveMessageCommand, {
      QueueUrl: QUEUES.work.dlqUrl,
      MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
      MessageAttributeNames: ["All"],
    });
  });

  it("stops at the limit when the queue holds more", async () => {
    for (let i = 0; i < 25; i += 1) fake.add("ingest", `m${i}`, "{}");

    const page = await deadLetters().list("ingest", 12);

    expect(page.messages.map((m) => m.id)).toEqual(Array.from({ length: 12 }, (_, i) => `m${i}`));
    expect(page.total).toBe(25);
  });

  it("throws TransientError when SQS throttles", async () => {
    sqs.on(ReceiveMessageCommand).rejects(failure("ThrottlingException", 400));

    await expect(deadLetters().list("ingest", 10)).rejects.toBeInstanceOf(TransientError);
  });
});

describe("createSqsDeadLetters redrive", () => {
  it("sends each dead letter to its source queue and deletes it, and a second redrive moves nothing", async () => {
    fake.add("ingest", "m1", '{"detail-type":"Object Created"}');
    fake.add("ingest", "m2", '{"detail-type":"Object Deleted"}');

    const first = await deadLetters().redrive("ingest");
    const second = await deadLetters().redrive("ingest");

    expect(first).toEqual({ moved: 2, failed: [], notFound: [], more: false });
    expect(fake.sent).toEqual([
      { queueUrl: QUEUES.ingest.sourceUrl, body: '{"detail-type":"Object Created"}' },
      { queueUrl: QUEUES.ingest.sourceUrl, body: '{"detail-type":"Object Deleted"}' },
    ]);
    expect(fake.dead("ingest")).toEqual([]);
    expect(second).toEqual({ moved: 0, failed: [], notFound: [], more: false });
    expect(fake.sent).toHaveLength(2);
  });

  it("moves only the ids asked for, leaves the others visible, and names ids it did not find", async () => {
    fake.add("work", "m1", "{}");
    fake.add("work", "m2", "{}");

    const outcome = await deadLetters().redrive("work", ["m2", "gone"]);

    expect(outcome).toEqual({ moved: 1, failed: [], notFound: ["gone"], more: false });
    expect(fake.dead("work").map((m) => [m.id, m.hiddenUntil <= fake.now()])).toEqual([["m1", true]]);
  });

  it("sends each message once when two redrives run at the same time", async () => {
    for (let i = 0; i < 30; i += 1) fake.add("work", `m${i}`, `{"n":${i}}`);

    const [a, b] = await Promise.all([deadLetters().redrive("work"), deadLetters().redrive("work")]);

    expect(a.moved + b.moved).toBe(30);
    expect(new Set(fake.sent.map((s) => s.body)).size).toBe(30);
    expect(fake.sent).toHaveLength(30);
  });

  it("keeps a message dead-lettered and reports it when its send fails", async () => {
    fake.add("work", "m1", "{}");
    sqs.on(SendMessageCommand).rejects(failure("InternalError", 500));

    const outcome = await deadLetters().redrive("work");

    expect(outcome.moved).toBe(0);
    expect(outcome.failed).toEqual([
      { id: "m1", queue: "work", stage: "send", error: expect.stringContaining("InternalError") },
    ]);
    expect(sqs).not.toHaveReceivedCommand(DeleteMessageCommand);
    expect(fake.dead("work").map((m) => [m.id, m.hiddenUntil <= fake.now()])).toEqual([["m1", true]]);
  });

  it("reports a failed delete after the send, and a later redrive sends it once more and deletes it", async () => {
    fake.add("ingest", "m1", "{}");
    fake.faults.deletes = 1;

    const first = await deadLetters().redrive("ingest");
    fake.advance(121_000);
    const second = await deadLetters().redrive("ingest");

    expect(first).toEqual({
      moved: 0,
      failed: [
        { id: "m1", queue: "ingest", stage: "delete", error: expect.stringContaining("ServiceUnavailable") },
      ],
      notFound: [],
      more: false,
    });
    // The copy sent twice is the crash-between-send-and-delete case: the pipeline's sequencer makes it a no-op.
    expect(fake.sent).toEqual([
      { queueUrl: QUEUES.ingest.sourceUrl, body: "{}" },
      { queueUrl: QUEUES.ingest.sourceUrl, body: "{}" },
    ]);
    expect(second).toEqual({ moved: 1, failed: [], notFound: [], more: false });
    expect(fake.dead("ingest")).toEqual([]);
  });

  it("sends a message once when SQS delivers two copies of it", async () => {
    // Standard queues deliver at least once: two stored copies share one message id.
    fake.add("work", "m1", '{"n":1}');
    fake.add("work", "m1", '{"n":1}');

    const outcome = await deadLetters().redrive("work");

    expect(outcome).toEqual({ moved: 1, failed: [], notFound: [], more: false });
    expect(fake.sent).toEqual([{ queueUrl: QUEUES.work.sourceUrl, body: '{"n":1}' }]);
    expect(fake.dead("work")).toEqual([]);
  });

  it("stops at its budget and answers more when messages are left", async () => {
    for (let i = 0; i < 25; i += 1) fake.add("work", `m${i}`, "{}");

    const outcome = await createSqsDeadLetters({
      client,
      queues: QUEUES,
      now: fake.now,
      maxPerRedrive: 10,
    }).redrive("work");

    expect(outcome).toEqual({ moved: 10, failed: [], notFound: [], more: true });
    expect(fake.dead("work")).toHaveLength(15);
  });
});
