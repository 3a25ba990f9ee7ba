import { once } from "node:events";
import net, { type AddressInfo } from "node:net";
import tls from "node:tls";
import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "../../setup/loopback-host";

describe("isLoopbackHost", () => {
  it.each(["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "::1", "[::1]", "::ffff:127.0.0.1"])(
    "accepts %s",
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each([
    "10.0.0.1",
    "169.254.169.254",
    "example.com",
    "s3.amazonaws.com",
    "128.0.0.1",
    "::2",
    "localhost.evil.com",
  ])("refuses %s", (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe("loopback-only test setup", () => {
  it("refuses a TCP connection when the host is 10.0.0.1", () => {
    expect(() => net.connect({ host: "10.0.0.1", port: 80 })).toThrow(/connection to 10\.0\.0\.1 refused/);
    expect(() => net.connect(80, "10.0.0.1")).toThrow(/refused/);
  });

  it("refuses a TLS connection when the host is example.com", () => {
    expect(() => tls.connect({ host: "example.com", port: 443 })).toThrow(
      /connection to example\.com refused/,
    );
  });

  it("fails fetch when the URL is outside loopback", async () => {
    const error: unknown = await fetch("http://example.com/").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect(String(error instanceof Error ? error.cause : undefined)).toMatch(
      /connection to example\.com refused/,
    );
  });

  it("connects when the host is 127.0.0.1", async () => {
    // Prepare
    const server = net.createServer((socket) => socket.end("ok"));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;

    try {
      // Act
      const socket = net.connect({ host: "127.0.0.1", port });
      const chunks: Buffer[] = [];
      socket.on("data", (chunk: Buffer) => chunks.push(chunk));
      await once(socket, "end");

      // Assert
      expect(Buffer.concat(chunks).toString()).toBe("ok");
    } finally {
      server.close();
    }
  });
});
