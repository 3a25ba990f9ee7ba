import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createWebhookPublisher, webhookBody } from "../../../packages/aws/src/webhook-publisher";
import type { OutboundEvent, PublishFailure } from "../../../packages/core/src/delivery/outbound-events";

interface Received {
  method: string;
  contentType: string | undefined;
  body: unknown;
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** A loopback webhook answering each request with the next status (200 once they run out), or never when `hang`. */
async function startHook(statuses: number[] = [], hang = false) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        method: request.method ?? "",
        contentType: request.headers["content-type"],
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
      });
      if (hang) return;
      response.statusCode = statuses.shift() ?? 200;
      response.end("ok");
    });
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = portOf(server);
  return { url: `http://127.0.0.1:${port}/hook`, received };
}

/** A loopback port that nothing listens on: taken, then released. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = portOf(server);
  server.close();
  await once(server, "close");
  return `http://127.0.0.1:${port}/hook`;
}

function portOf(server: Server): number {
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("server is not listening on a port");
  return address.port;
}

function completed(key: string): OutboundEvent {
  return {
    source: "sluice",
    detailType: "ingest.completed",
    time: "2026-11-24T10:00:00.000Z",
    detail: {
      id: `ingest.completed:data#${key}#2`,
      bucket: "data",
      key,
      status: "ready",
      dataType: "images",
      revision: 2,
      warnings: [],
      exportState: "pending",
    },
  };
}

describe("createWebhookPublisher", () => {
  it("POSTs each event as JSON with EventBridge's field names when events are published", async () => {
    const hook = await startHook();
    const failures: PublishFailure[] = [];
    const publisher = createWebhookPublisher({ url: hook.url, onFailure: (f) => failures.push(f) });
    const events = [completed("a.jpg"), completed("b.jpg")];

    await publisher.publish(events);

    expect(hook.received).toEqual(
      events.map((event) => ({
        method: "POST",
        contentType: "application/json",
        body: {
          source: "sluice",
          "detail-type": "ingest.completed",
          time: event.time,
          detail: event.detail,
        },
      })),
    );
    expect(failures).toEqual([]);
  });

  it("reports an event the server answers with 500 and still sends the next one", async () => {
    const hook = await startHook([500]);
    const failures: PublishFailure[] = [];
    const publisher = createWebhookPublisher({ url: hook.url, onFailure: (f) => failures.push(f) });
    const [first, second] = [completed("a.jpg"), completed("b.jpg")];

    await publisher.publish([first, second]);

    expect(hook.received.map((r) => r.body)).toEqual([webhookBody(first), webhookBody(second)]);
    expect(failures).toEqual([{ events: [first], reason: `POST ${hook.url} answered 500` }]);
  });

  it("reports every event once and resolves when the server is down", async () => {
    const url = await closedPortUrl();
    const failures: PublishFailure[] = [];
    const publisher = createWebhookPublisher({ url, onFailure: (f) => failures.push(f) });
    const events = [completed("a.jpg"), completed("b.jpg"), completed("c.jpg")];

    await expect(publisher.publish(events)).resolves.toBeUndefined();

    expect(failures).toHaveLength(1);
    expect(failures[0]?.events).toEqual(events);
    expect(failures[0]?.reason).toContain("ECONNREFUSED");
  });

  it("gives up after the timeout and sends nothing more when the server never answers", async () => {
    const hook = await startHook([], true);
    const failures: PublishFailure[] = [];
    const publisher = createWebhookPublisher({
      url: hook.url,
      onFailure: (f) => failures.push(f),
      timeoutMs: 200,
    });
    const events = [completed("a.jpg"), completed("b.jpg")];

    await publisher.publish(events);

    expect(hook.received).toHaveLength(1);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.events).toEqual(events);
    expect(failures[0]?.reason).toMatch(/timeout|aborted/i);
  });
});
