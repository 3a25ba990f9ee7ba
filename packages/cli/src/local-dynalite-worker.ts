import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { z } from "zod";

/** A dynalite server running in its own thread. */
export interface DynaliteWorker {
  port: number;
  stop(): Promise<void>;
}

// Plain CommonJS, so that the thread needs no TypeScript loader; dynalite is required by absolute path.
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require("node:worker_threads");
const dynalite = require(workerData.dynalite);
const server = dynalite({ path: workerData.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
// dynalite answers every CORS preflight with "*" and never checks a signature, so any web page could read
// and write the records table: requests from pages (an Origin header) and to other names than loopback
// ones (a DNS-rebound page) are refused. The same rule as loopback-host.ts, which this thread cannot import.
const isLoopbackHost = (host) => {
  const name = String(host || "").trim().toLowerCase();
  const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(name);
  if (bracketed) return bracketed[1] === "::1";
  const bare = name.replace(/:\d+$/, "").replace(/\.$/, "");
  return bare === "localhost" || bare.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/.test(bare);
};
const [answer] = server.listeners("request");
server.removeAllListeners("request");
server.on("request", (req, res) => {
  if (req.headers.origin === undefined && isLoopbackHost(req.headers.host)) return answer(req, res);
  const body = JSON.stringify({
    __type: "com.amazon.coral.service#AccessDeniedException",
    message: "The local DynamoDB answers only SDK requests addressed to 127.0.0.1 or localhost, never web pages",
  });
  req.resume();
  res.writeHead(403, { "Content-Type": "application/x-amz-json-1.0", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
});
server.once("error", (error) =>
  parentPort.postMessage({
    type: "error",
    message: String(error && error.message),
    code: error && typeof error.code === "string" ? error.code : undefined,
  }),
);
server.listen(workerData.port, "127.0.0.1", () => parentPort.postMessage({ type: "listening", port: server.address().port }));
parentPort.on("message", () => {
  // Idle keep-alive sockets would hold close() open; dynalite's close also closes its LevelDB.
  server.closeAllConnections();
  server.close((error) => {
    parentPort.postMessage({ type: "closed", message: error ? String(error.message) : null });
    parentPort.close();
  });
});
`;

const MessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("listening"), port: z.number() }),
  z.object({ type: z.literal("error"), message: z.string(), code: z.string().optional() }),
  z.object({ type: z.literal("closed"), message: z.string().nullable() }),
]);

/**
 * Starts dynalite (LevelDB under `path`) on 127.0.0.1 in a worker thread: its request handling then runs
 * beside the pipeline's rather than taking turns with it on one core.
 */
export function startDynaliteWorker(path: string, port: number): Promise<DynaliteWorker> {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { dynalite: createRequire(import.meta.url).resolve("dynalite"), path, port },
  });
  const messages = (type: "listening" | "closed") =>
    new Promise<z.infer<typeof MessageSchema>>((resolve, reject) => {
      const onMessage = (raw: unknown) => {
        const message = MessageSchema.parse(raw);
        if (message.type !== type && message.type !== "error") return;
        worker.off("message", onMessage);
        // The code (EADDRINUSE and the like) as Node's own errors carry it, for whoever explains it.
        if (message.type === "error")
          reject(Object.assign(new Error(`dynalite: ${message.message}`), { code: message.code }));
        else resolve(message);
      };
      worker.on("message", onMessage);
      worker.once("error", reject);
    });
  return messages("listening").then(
    (listening) => ({
      port: listening.type === "listening" ? listening.port : port,
      async stop() {
        const closed = messages("closed");
        worker.postMessage("stop");
        const result = await closed;
        await worker.terminate();
        if (result.type === "closed" && result.message !== null)
          throw new Error(`dynalite: ${result.message}`);
      },
    }),
    async (error: unknown) => {
      await worker.terminate();
      throw error;
    },
  );
}
