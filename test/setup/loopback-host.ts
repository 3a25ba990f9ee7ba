import net from "node:net";

/** Whether a host is this machine: 127.0.0.0/8, ::1 (also IPv4-mapped) or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice("::ffff:".length) : h;
  return net.isIPv4(v4) && v4.split(".")[0] === "127";
}
