import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../packages/cli/src/local-stack";
import { s3ClientFor } from "../helpers/emulators";
import { mediaBytes } from "../helpers/media";
import { startWebhookServer } from "../helpers/webhook-server";

let dataDir: string | undefined;
let stack: LocalStack | undefined;
let hook: Awaited<ReturnType<typeof startWebhookServer>> | undefined;

afterEach(async () => {
  await stack?.stop();
  hook?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("startLocalStack with WEBHOOK_URL", () => {
  it("posts ingest.completed to the webhook when an image is uploaded", async () => {
    // Prepare
    hook = await startWebhookServer();
    const { url, posted } = hook;
    dataDir = await mkdtemp(join(tmpdir(), "sluice-webhook-"));
    const env = { DATA_DIR: dataDir, PORT: "0", S3_PORT: "0", DYNAMODB_PORT: "0", WEBHOOK_URL: url };
    stack = await startLocalStack(env, { onError: () => undefined });
    const client = s3ClientFor(stack.s3Url);

    // Act
    await client.send(
      new PutObjectCommand({ Bucket: stack.bucket, Key: "hook/a.png", Body: mediaBytes("image.png") }),
    );
    client.destroy();
    const completed = () =>
      posted.filter((p) => p["detail-type"] === "ingest.completed" && p.detail.key === "hook/a.png");
    for (let waited = 0; completed().length === 0 && waited < 10_000; waited += 50) await delay(50);

    // Assert
    expect(completed()).toEqual([
      expect.objectContaining({
        source: "sluice",
        detail: expect.objectContaining({ bucket: stack.bucket, status: "ready", revision: 1 }),
      }),
    ]);
  });
});
