import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli";
import {
  descendants,
  killLeftovers,
  launchAsUser,
  type ReadyLine,
  ROOT,
  type UserLaunch,
  within,
} from "../helpers/user-launch";

// What `sluice start` says is all a user has to go on: one line when it cannot start, and nothing but its
// ready line and its stop line while it runs.
let dataDir: string;
let blocker: Server | undefined;
const leftovers: number[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "sluice-messages-"));
});

afterEach(async () => {
  killLeftovers(leftovers.splice(0));
  await new Promise((done) => (blocker ? blocker.close(done) : done(undefined)));
  blocker = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

function launch(env: Record<string, string>): UserLaunch {
  const launched = launchAsUser("node", {
    DATA_DIR: dataDir,
    PORT: "0",
    S3_PORT: "0",
    DYNAMODB_PORT: "0",
    ...env,
  });
  leftovers.push(launched.pid);
  launched.ready.then(
    () => leftovers.push(...descendants(launched.pid)),
    () => undefined,
  );
  return launched;
}

/** Listens on a free loopback port, as another program would, and answers the port. */
async function takePort(): Promise<number> {
  const server = createServer();
  blocker = server;
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Polls the API until the record is ready and exported, or fails after 20 s. */
async function exportedRecord(ready: ReadyLine, key: string): Promise<void> {
  let last = "";
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await delay(200)) {
    const response = await fetch(`${ready.api}/records/${encodeURIComponent(key)}`, {
      headers: { authorization: `Bearer ${ready.token}` },
    });
    last = await response.text();
    if (response.status === 200 && last.includes('"state":"exported"')) return;
  }
  throw new Error(`${key} not exported within 20 s: ${last}`);
}

describe("sluice start", () => {
  it.each(["PORT", "S3_PORT", "DYNAMODB_PORT"])(
    "exits 2 with one line naming the port and %s when that port is in use",
    async (setting) => {
      // Prepare
      const port = await takePort();
      const env = { DATA_DIR: dataDir, PORT: "0", S3_PORT: "0", DYNAMODB_PORT: "0", [setting]: String(port) };

      // Act
      const result = await runCli(["start"], env);

      // Assert
      expect(result).toEqual({
        code: 2,
        stdout: "",
        stderr: `sluice: port ${port} on 127.0.0.1 is in use: stop what listens there, or set ${setting} to another port\n`,
      });
    },
  );

  it("writes nothing on stderr but its stop line while it records and exports uploads", async () => {
    // Prepare
    const launched = launch({});
    const ready = await launched.ready;
    const s3 = new S3Client({
      endpoint: ready.s3,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "any", secretAccessKey: "any" },
    });
    const put = async (key: string, body: string | Uint8Array) =>
      s3.send(new PutObjectCommand({ Bucket: ready.bucket, Key: key, Body: body }));

    // Act: a video with its sidecar, a sidecar whose data has not come yet, and an image sequence.
    await put("cams/run42.mp4.metadata.json", '{"site":"plant-7"}');
    await put("cams/run42.mp4", await readFile(join(ROOT, "examples/sample-bucket/videos/cam1/run42.mp4")));
    await put("cams/later.mp4.metadata.json", "{}");
    for (const name of ["_group.json", "frame1.png", "frame2.png", "frame10.png"])
      await put(`seq/${name}`, await readFile(join(ROOT, "examples/sample-bucket/sequences/tl-0001", name)));
    s3.destroy();
    await exportedRecord(ready, "cams/run42.mp4");
    await exportedRecord(ready, "seq/");
    process.kill(launched.pid, "SIGINT");
    const code = await within(launched.exited, 20_000, "still running");

    // Assert
    expect(code).toBe(0);
    expect(launched.stderr()).toBe("sluice: SIGINT, stopping\n");
  }, 60_000);
});
