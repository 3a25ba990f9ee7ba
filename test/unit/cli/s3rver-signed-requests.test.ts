import { describe, expect, it } from "vitest";
import { refusalOf } from "../../../packages/cli/src/s3rver-signed-requests";
import { forgedSigV4Headers } from "../../helpers/s3-forged";

const HOST = "127.0.0.1:4569";
const NOW = new Date("2026-03-01T12:00:00Z");

function presignedQuery(overrides: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
    "X-Amz-Credential": "any/20260301/eu-west-2/s3/aws4_request",
    "X-Amz-Date": "20260301T120000Z",
    "X-Amz-Expires": "3600",
    "X-Amz-SignedHeaders": "host",
    "X-Amz-Signature": "a".repeat(64),
    ...overrides,
  });
  return `/ingest/a.png?${query}`;
}

describe("refusalOf", () => {
  it("lets a request through when it has a well-formed SigV4 header with any credentials", () => {
    const headers = { host: HOST, ...forgedSigV4Headers("whoever", NOW) };

    expect(refusalOf({ method: "PUT", url: "/ingest/a.png", headers })).toBeNull();
  });

  it("lets a request through when it has well-formed presigned query parameters", () => {
    expect(
      refusalOf({ method: "GET", url: presignedQuery(), headers: { host: "localhost:4569" } }),
    ).toBeNull();
  });

  it("refuses AccessDenied when the request is anonymous", () => {
    expect(refusalOf({ method: "GET", url: "/ingest/a.png", headers: { host: HOST } })).toMatchObject({
      code: "AccessDenied",
    });
  });

  it.each([
    ["a short signature", { Signature: "abc" }],
    ["a credential scope for another service", { Credential: "k/20260301/us-east-1/dynamodb/aws4_request" }],
    ["a credential scope of another day", { Credential: "k/20260302/us-east-1/s3/aws4_request" }],
    ["signed headers without host", { SignedHeaders: "x-amz-date" }],
  ])("refuses AuthorizationHeaderMalformed when the header has %s", (_case, change) => {
    // Prepare
    const headers: Record<string, string> = { host: HOST, ...forgedSigV4Headers("k", NOW) };
    const [name, value] = Object.entries(change)[0] ?? [];
    headers.authorization = (headers.authorization ?? "").replace(
      new RegExp(`${name}=[^,]+`),
      `${name}=${value}`,
    );

    // Act
    const refusal = refusalOf({ method: "PUT", url: "/ingest/a.png", headers });

    // Assert
    expect(refusal).toMatchObject({ code: "AuthorizationHeaderMalformed" });
  });

  it.each([
    ["no signature", { "X-Amz-Signature": "" }],
    ["an expiry over a week", { "X-Amz-Expires": "604801" }],
    ["a malformed date", { "X-Amz-Date": "yesterday" }],
  ])("refuses AuthorizationQueryParametersError when the presigned query has %s", (_case, overrides) => {
    expect(
      refusalOf({ method: "GET", url: presignedQuery(overrides), headers: { host: HOST } }),
    ).toMatchObject({
      code: "AuthorizationQueryParametersError",
    });
  });

  it("refuses InvalidRequest when the request is signed with SigV2", () => {
    const header = refusalOf({
      method: "GET",
      url: "/ingest/a.png",
      headers: { host: HOST, authorization: "AWS k:s" },
    });
    const query = refusalOf({
      method: "GET",
      url: "/ingest/a.png?AWSAccessKeyId=k&Signature=s&Expires=9",
      headers: { host: HOST },
    });

    expect([header?.code, query?.code]).toEqual(["InvalidRequest", "InvalidRequest"]);
  });

  it("refuses a browser form upload even when its action URL carries presigned parameters", () => {
    const headers = { host: HOST, "content-type": "multipart/form-data; boundary=x" };

    expect(refusalOf({ method: "POST", url: presignedQuery(), headers })).toMatchObject({
      code: "AccessDenied",
    });
  });

  it("refuses a write with an Origin header and lets a read with one through", () => {
    const headers = { host: HOST, origin: "https://evil.example", ...forgedSigV4Headers("k", NOW) };

    expect(refusalOf({ method: "POST", url: "/ingest?delete", headers })).toMatchObject({
      code: "AccessDenied",
    });
    expect(refusalOf({ method: "GET", url: "/ingest/a.png", headers })).toBeNull();
  });

  it.each(["evil.example", "evil.example:4569", "10.0.0.1:4569", "127.0.0.1.evil.example"])(
    "refuses AccessDenied when the Host is %s",
    (host) => {
      const headers = { ...forgedSigV4Headers("k", NOW), host };

      expect(refusalOf({ method: "GET", url: "/ingest/a.png", headers })).toMatchObject({
        code: "AccessDenied",
      });
    },
  );

  it.each(["127.0.0.1:4569", "localhost", "ingest.localhost:4569", "[::1]:4569"])(
    "lets a request through when the Host is %s",
    (host) => {
      const headers = { ...forgedSigV4Headers("k", NOW), host };

      expect(refusalOf({ method: "GET", url: "/ingest/a.png", headers })).toBeNull();
    },
  );
});
