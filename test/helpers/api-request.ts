/** Anything that answers requests like a Hono app's `request`. */
export interface RequestTarget {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

/** Sends one authorised JSON request to the app in process and answers its status and parsed body. */
export async function callApi(
  app: RequestTarget,
  token: string,
  path: string,
  init: { method?: string; json?: unknown; token?: string } = {},
) {
  const headers: Record<string, string> = { Authorization: `Bearer ${init.token ?? token}` };
  if (init.json !== undefined) headers["Content-Type"] = "application/json";
  const res = await app.request(path, {
    method: init.method ?? "GET",
    headers,
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
  return { status: res.status, body: JSON.parse(await res.text()) };
}
