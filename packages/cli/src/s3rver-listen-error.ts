import type { Server } from "node:http";
import type S3rver from "s3rver";

/**
 * Makes `run()` of this s3rver reject when its port cannot be listened on. s3rver 3.7.1 passes its
 * callback to `server.listen`, which only ever calls it on success, and adds no "error" listener, so a
 * port in use was an uncaught EADDRINUSE with a stack trace instead of a rejected `run()`.
 */
export function rejectS3rverListenErrors(server: S3rver): void {
  // s3rver's typings omit `listen`, which `run()` calls through the instance with (port, address, options).
  const instance: unknown = server;
  if (!(typeof instance === "object" && instance !== null && "listen" in instance))
    throw new Error("s3rver has no listen: cannot report listen errors");
  const listen = instance.listen;
  if (typeof listen !== "function") throw new Error("s3rver has no listen: cannot report listen errors");
  Object.assign(instance, {
    listen(...args: unknown[]) {
      return new Promise<Server>((resolve, reject) => {
        // With a callback, s3rver's listen answers the http.Server synchronously, before it can fail.
        const http: Server = Reflect.apply(listen, instance, [
          ...args,
          () => {
            http.off("error", reject);
            resolve(http);
          },
        ]);
        http.once("error", reject);
      });
    },
  });
}
