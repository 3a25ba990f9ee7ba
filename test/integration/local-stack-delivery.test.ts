import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeEncord } from "../../packages/cli/src/fake-encord/index";
import { type LocalStack, startLocalStack } from "../../packages/cli/src/local-stack";
import { s3ClientFor } from "../helpers/emulators";
import { writeEncordKey } from "../helpers/encord-key";
import { mediaBytes } from "../helpers/media";

const FOLDER = "00000000-0000-4000-8000-0000000000f2";
const INTEGRATION = "00000000-0000-4000-8000-0000000000a2";

let dataDir: string | undefined;
let stack: LocalStack | undefined;
let fake: Awaited<ReturnType<typeof startFakeEncord>> | undefined;

afterEach(async () => {
  await stack?.stop();
  await fake?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("startLocalStack with delivery to Encord", () => {
  it("ends an upload with the Encord item id of the fake server on its record", async () => {
    // Prepare
    dataDir = await mkdtemp(join(tmpdir(), "sluice-local-delivery-"));
    const { keyFile, sshLine } = await writeEncordKey(dataDir);
    fake = await startFakeEncord({ keys: [sshLine], integrations: [INTEGRATION], folders: [FOLDER] });
    const env = {
      DATA_DIR: join(dataDir, "data"),
      PORT: "0",
      S3_PORT: "0",
      DYNAMODB_PORT: "0",
      ENCORD_DOMAIN: fake.url,
      ENCORD_FOLDER: FOLDER,
      ENCORD_INTEGRATION: INTEGRATION,
      ENCORD_SSH_KEY_FILE: keyFile,
    };
    stack = await startLocalStack(env, { onError: () => undefined });
    const client = s3ClientFor(stack.s3Url);

    // Act
    await client.send(
      new PutObjectCommand({ Bucket: stack.bucket, Key: "enc/a.png", Body: mediaBytes("image.png") }),
    );
    client.destroy();
    const record = () => stack?.deps.pipeline.records.get(stack.bucket, "enc/a.png");
    for (let waited = 0; !(await record())?.encord?.itemId && waited < 45_000; waited += 100)
      await delay(100);

    // Assert
    const itemId = (await record())?.encord?.itemId;
    expect(itemId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.state.items.get(itemId ?? "")?.name).toBe("enc/a.png");
  }, 60_000);
});
