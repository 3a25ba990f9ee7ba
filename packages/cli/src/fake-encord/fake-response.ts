/** What a fake route answers: a status, a JSON body (absent for no content) and extra headers. */
export interface FakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A 200 with a JSON body. */
export function ok(body: unknown): FakeResponse {
  return { status: 200, body };
}

/** An error in FastAPI's `{detail}` shape, which the SDK reads when `message` is absent. */
export function detail(status: number, text: string): FakeResponse {
  return { status, body: { detail: text } };
}

/** An error in the `{message}` shape. */
export function message(status: number, text: string): FakeResponse {
  return { status, body: { message: text } };
}

/** Parses a request body as JSON, or gives the 400 to answer. */
export function parseJson(body: Uint8Array): { value: unknown } | FakeResponse {
  try {
    return { value: JSON.parse(Buffer.from(body).toString("utf8")) };
  } catch {
    return detail(400, "body is not valid JSON");
  }
}

/**
 * Reads a boolean query parameter: the SDK sends Python's `True`/`False`; lowercase is accepted too, as
 * FastAPI does (the real server's choice is unknown, encord-api.md §6.10). Anything else is `null`.
 */
export function queryBoolean(query: URLSearchParams, name: string, fallback: boolean): boolean | null {
  const value = query.get(name);
  if (value === null) return fallback;
  if (value === "True" || value === "true") return true;
  if (value === "False" || value === "false") return false;
  return null;
}

/** Reads a non-negative integer query parameter, or `null` when malformed. */
export function queryInteger(query: URLSearchParams, name: string, fallback: number): number | null {
  const value = query.get(name);
  if (value === null) return fallback;
  return /^(0|[1-9][0-9]*)$/.test(value) ? Number(value) : null;
}
