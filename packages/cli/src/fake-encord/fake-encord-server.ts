import type { KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { routeRequest, splitTarget } from "./fake-encord-router";
import type { FakeEncordState } from "./fake-encord-store";
import { detail, type FakeResponse, message } from "./fake-response";
import { parseSshEd25519PublicKey } from "./ssh-public-key";
import { verifySignature } from "./verify-signature";

/** Options of the fake: keys as `ssh-ed25519` lines, known integrations and folders, time and limits. */
export interface FakeEncordOptions {
  port?: number;
  keys: string[];
  integrations: string[];
  folders: string[];
  /** The most a long poll is held, whatever `timeoutSeconds` asks (encord-api.md §6.2). */
  longPollCapSeconds?: number;
  /** Milliseconds since the epoch; drives the signature window and `createdAt`. */
  now?: () => number;
  /** How long a job stays PENDING before it ends. */
  jobDelayMs?: number;
  maxAgeSeconds?: number;
  /** Tokens accepted as `Authorization: Bearer …` instead of a signature. */
  bearerTokens?: string[];
  /** Bodies above this many bytes get 413. */
  maxBodyBytes?: number;
}

/** Faults to inject: failing units by URL, error statuses, slow responses and connection resets. */
export interface FakeEncordInjection {
  unitErrors?: Record<string, string>;
  status?: {
    code: 429 | 500 | 502 | 503 | 504 | 413 | 401 | 403;
    retryAfter?: number;
    times: number;
    route?: RegExp;
  };
  /** Every later response waits this long (0 turns it off). */
  delayMs?: number;
  /** The next `times` matching requests have their connection destroyed. */
  reset?: { times: number; route?: RegExp };
}

/** A running fake Encord API. */
export interface FakeEncord {
  url: string;
  state: FakeEncordState;
  stop(): Promise<void>;
  inject(injection: FakeEncordInjection): void;
}

/**
 * Starts a fake Encord v2 API on 127.0.0.1 that verifies signatures as encord-api.md §4.4 asks. Choices where
 * the real server is unknown: units skipped by `skip_duplicate_urls` count as done but are not listed in
 * `itemsWithNames` (upserted ones neither); unknown folders and integrations give 403; patch-bulk and get-bulk
 * with an unknown uuid give 404 and change nothing; `ignoreErrors: false` still runs every unit, then ends ERROR.
 */
export async function startFakeEncord(options: FakeEncordOptions): Promise<FakeEncord> {
  const now = options.now ?? Date.now;
  const keys = new Map<string, KeyObject>();
  for (const line of options.keys) {
    const { keyid, publicKey } = parseSshEd25519PublicKey(line);
    keys.set(keyid, publicKey);
  }
  const state: FakeEncordState = {
    integrations: new Set(options.integrations),
    folders: new Map(options.folders.map((folder) => [folder, []])),
    items: new Map(),
    jobs: new Map(),
    schema: null,
    unitErrors: new Map(),
    jobDelayMs: options.jobDelayMs ?? 50,
    now,
  };
  const faults: Pick<FakeEncordInjection, "status" | "reset"> & { delayMs: number } = { delayMs: 0 };
  const capSeconds = options.longPollCapSeconds ?? 60;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    const body = Buffer.concat(chunks);
    const target = req.url ?? "/";
    const method = req.method ?? "GET";
    if (take(faults.reset, target)) {
      req.socket.destroy();
      return;
    }
    if (faults.delayMs > 0) await sleep(faults.delayMs);
    send(res, await answer(method, target, req.headers, body));
  }

  async function answer(
    method: string,
    target: string,
    headers: IncomingMessage["headers"],
    body: Buffer,
  ): Promise<FakeResponse> {
    if (options.maxBodyBytes !== undefined && body.length > options.maxBodyBytes)
      return detail(413, "Request Entity Too Large");
    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? "")?.[1];
    if (bearer === undefined || !(options.bearerTokens ?? []).includes(bearer)) {
      const verdict = verifySignature(
        { method, target, headers, body },
        { keys, nowSeconds: Math.floor(now() / 1000), maxAgeSeconds: options.maxAgeSeconds },
      );
      if (!verdict.ok) return message(401, verdict.reason);
    }
    const injected = faults.status;
    if (injected !== undefined && take(injected, target)) {
      const headers: Record<string, string> =
        injected.retryAfter === undefined ? {} : { "retry-after": String(injected.retryAfter) };
      const body =
        injected.code === 413 ? { detail: "injected 413" } : { message: `injected ${injected.code}` };
      return { status: injected.code, body, headers };
    }
    const split = splitTarget(target);
    if (split === null) return detail(404, "Not Found");
    return routeRequest(state, { method, body, ...split }, capSeconds);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, message(500, String(error))));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    inject(injection) {
      if (injection.unitErrors !== undefined)
        state.unitErrors = new Map(Object.entries(injection.unitErrors));
      if (injection.status !== undefined) faults.status = { ...injection.status };
      if (injection.reset !== undefined) faults.reset = { ...injection.reset };
      if (injection.delayMs !== undefined) faults.delayMs = injection.delayMs;
    },
    async stop() {
      // Release held long polls so close() does not wait out their timers.
      for (const job of state.jobs.values()) for (const wake of job.waiters) wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function take(fault: { times: number; route?: RegExp } | undefined, target: string): boolean {
  if (fault === undefined || fault.times <= 0 || (fault.route !== undefined && !fault.route.test(target)))
    return false;
  fault.times -= 1;
  return true;
}

function send(res: ServerResponse, response: FakeResponse): void {
  if (res.headersSent || res.destroyed) return;
  const text = response.body === undefined ? "" : JSON.stringify(response.body);
  res.writeHead(response.status, { ...response.headers, "content-type": "application/json" });
  res.end(text);
}
