import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { toErrorResponse } from "../../../packages/api/src/errors";
import {
  AccessDeniedError,
  InvalidCursorError,
  KeyTooLongError,
  TransientError,
} from "../../../packages/core/src/errors";

// What the S3 adapter's errors say: bucket and key, which are internal names.
const INTERNAL = "GetObject s3://sluice-exports/imports/x.json: InternalError (HTTP 500)";

async function answer(error: Error) {
  const logged: Record<string, unknown>[] = [];
  const app = new Hono();
  app.onError((e, c) => toErrorResponse(e, c, (_message, details) => logged.push(details)));
  app.get("/x", () => {
    throw error;
  });
  const response = await app.request("/x");
  return { status: response.status, text: await response.text(), logged };
}

describe("toErrorResponse", () => {
  it("answers 503 naming no bucket or key when storage fails transiently", async () => {
    // Act
    const { status, text } = await answer(new TransientError(`transient S3 failure: ${INTERNAL}`));

    // Assert
    expect(status).toBe(503);
    expect(text).not.toContain("sluice-exports");
    expect(JSON.parse(text).error.code).toBe("unavailable");
  });

  it("answers 403 naming no bucket, and logs the cause, when storage refuses access", async () => {
    const { status, text, logged } = await answer(new AccessDeniedError(`access denied: ${INTERNAL}`));

    expect(status).toBe(403);
    expect(text).not.toContain("sluice-exports");
    expect(logged).toEqual([expect.objectContaining({ message: `access denied: ${INTERNAL}` })]);
  });

  it("answers 400 key-too-long naming no bucket when storage refuses a key's length", async () => {
    const { status, text } = await answer(new KeyTooLongError(INTERNAL));

    expect(status).toBe(400);
    expect(JSON.parse(text).error.code).toBe("key-too-long");
    expect(text).not.toContain("sluice-exports");
  });

  it("answers 400 invalid-cursor when a listing is given a cursor it did not give out", async () => {
    const { status, text } = await answer(
      new InvalidCursorError("the cursor was not given out by this listing"),
    );

    expect(status).toBe(400);
    expect(JSON.parse(text).error).toEqual({
      code: "invalid-cursor",
      message: "the cursor was not given out by this listing",
    });
  });
});
