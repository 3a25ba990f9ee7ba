import { once } from "node:events";
import { createServer } from "node:http";

/** An outbound event as the webhook publisher posts it. */
export interface PostedEvent {
  "detail-type": string;
  detail: Record<string, unknown>;
}

/** A loopback HTTP server that keeps every JSON body POSTed to it, for webhook tests. */
export async function startWebhookServer(path = "/hook") {
  const posted: PostedEvent[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      posted.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      response.end();
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (typeof address !== "object" || address === null) throw new Error("webhook server has no port");
  return {
    url: `http://127.0.0.1:${address.port}${path}`,
    posted,
    stop() {
      server.closeAllConnections();
      server.close();
    },
  };
}
