// Nothing in the test suite may reach AWS or anything else off this machine (issue 6): every outgoing TCP
// connection of a test worker goes through net.Socket#connect (http, https, tls, undici's fetch, the AWS
// SDK), so refusing non-loopback hosts there fails such a test at once instead of letting it hang or leak.
import net from "node:net";
import { isLoopbackHost } from "./loopback-host";

const PATCHED = Symbol.for("sluice.loopbackOnly");

/** The host a `connect` call aims at, or null for a local (IPC) path. */
function targetHost(args: unknown[]): string | null {
  const [first, second] = args;
  const options = Array.isArray(first) ? first[0] : first;
  if (typeof options === "object" && options !== null) {
    if ("path" in options && typeof options.path === "string") return null;
    return "host" in options && typeof options.host === "string" ? options.host : "localhost";
  }
  if (typeof options === "string" && !/^\d+$/.test(options)) return null;
  return typeof second === "string" ? second : "localhost";
}

const proto = net.Socket.prototype as net.Socket & { [PATCHED]?: true };
if (!proto[PATCHED]) {
  const connect = proto.connect;
  proto.connect = function loopbackOnlyConnect(this: net.Socket, ...args: unknown[]) {
    const host = targetHost(args);
    if (host !== null && !isLoopbackHost(host))
      throw new Error(`test network guard: connection to ${host} refused (tests may only reach loopback)`);
    return Reflect.apply(connect, this, args);
  } as typeof connect;
  proto[PATCHED] = true;
}
