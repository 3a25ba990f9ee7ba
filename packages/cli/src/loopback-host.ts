import { isIPv4 } from "node:net";

/**
 * Whether a `Host` header names this machine: 127.0.0.0/8, `[::1]`, `localhost` or a name under it
 * (RFC 6761 keeps `*.localhost` on loopback; s3rver reads `bucket.localhost` as a virtual-hosted
 * bucket). A page that rebinds its own DNS name to 127.0.0.1 reaches the port under that name, so
 * checking the name keeps such pages out even though the socket is on loopback.
 */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.trim().toLowerCase();
  const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(name);
  if (bracketed) return bracketed[1] === "::1";
  const bare = name.replace(/:\d+$/, "").replace(/\.$/, "");
  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  return isIPv4(bare) && bare.startsWith("127.");
}
