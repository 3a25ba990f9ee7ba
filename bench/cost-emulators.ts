// The emulators of `bench:cost`, in a child process of their own so that the bench's process.cpuUsage is the
// pipeline's alone: the local stack's s3rver and dynalite (startLocalS3, startLocalDynamo), a counting proxy in
// front of each (cost-proxy.ts), and the local bridge from s3rver's events to the parent's ingest queue. An
// upload is answered only once the parent has queued its event (answerAfterSend), as in the local stack.
// Protocol (IPC): → ready; ← take → counts; → event ← ack; ← stop.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createS3rverBridge } from "../packages/cli/src/local/s3rver-bridge";
import { startLocalDynamo, startLocalS3 } from "../packages/cli/src/local-emulators";
import {
  type ChildMessage,
  DATA_BUCKET,
  EXPORTS_BUCKET,
  ParentMessageSchema,
  TABLE_NAME,
} from "./cost-protocol";
import { dynamoOperationOf, s3OperationOf, startCountingProxy } from "./cost-proxy";

await serve();

async function serve(): Promise<void> {
  const post = (message: ChildMessage) => process.send?.(message);
  const dataDir = await mkdtemp(join(tmpdir(), "sluice-cost-"));
  const s3 = await startLocalS3(dataDir, 0, [DATA_BUCKET, EXPORTS_BUCKET]);
  const dynamo = await startLocalDynamo(dataDir, 0, TABLE_NAME);
  const s3Proxy = await startCountingProxy(s3, (request) =>
    s3OperationOf(request.method ?? "GET", request.url ?? "/"),
  );
  const dynamoProxy = await startCountingProxy(dynamo, (request) => {
    const target = request.headers["x-amz-target"];
    return dynamoOperationOf(typeof target === "string" ? target : undefined);
  });
  const acks = new Map<number, () => void>();
  let nextId = 0;
  const bridge = createS3rverBridge(
    s3.server,
    (body) =>
      new Promise<void>((resolve) => {
        nextId += 1;
        acks.set(nextId, resolve);
        post({ type: "event", id: nextId, body });
      }),
    { bucket: DATA_BUCKET, answerAfterSend: true },
  );
  process.on("message", async (raw) => {
    const message = ParentMessageSchema.parse(raw);
    if (message.type === "take") post({ type: "counts", s3: s3Proxy.take(), dynamo: dynamoProxy.take() });
    else if (message.type === "ack") {
      acks.get(message.id)?.();
      acks.delete(message.id);
    } else {
      bridge.stop();
      await s3Proxy.stop();
      await dynamoProxy.stop();
      await s3.stop();
      await dynamo.stop();
      await rm(dataDir, { recursive: true, force: true });
      process.disconnect();
    }
  });
  post({ type: "ready", s3Port: s3.port, s3ProxyPort: s3Proxy.port, dynamoProxyPort: dynamoProxy.port });
}
