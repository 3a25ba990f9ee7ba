import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

/** A loopback HTTP server that stalls: it announces a body and never sends it, or never answers at all. */
export interface StallingServer {
  endpoint: string;
  /** Requests seen, as `METHOD path?query`. */
  requests: string[];
  stop(): Promise<void>;
}

/** What the server does with one request: answer it whole, send only headers announcing a body, or say nothing. */
export type Reply =
  | { body: string; status?: number; headers?: Record<string, string> }
  | "headers-only"
  | "silent";

/**
 * Starts the server on a random loopback port. `reply` picks what each request gets; "headers-only"
 * sends 200 with `Content-Length: 1000` and no byte of body, the stuck response that used to hang
 * the SDK forever.
 */
export async function startStallingServer(
  reply: (request: IncomingMessage) => Reply = () => "headers-only",
): Promise<StallingServer> {
  const requests: string[] = [];
  const open = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    const answer = reply(request);
    if (answer === "silent") {
      open.add(response);
      return;
    }
    if (answer === "headers-only") {
      open.add(response);
      response.writeHead(200, { "Content-Length": "1000", "Content-Type": "application/octet-stream" });
      response.flushHeaders();
      return;
    }
    response.writeHead(answer.status ?? 200, {
      "Content-Length": String(Buffer.byteLength(answer.body)),
      ...answer.headers,
    });
    response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the server has no TCP port");
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    requests,
    stop: async () => {
      for (const response of open) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
