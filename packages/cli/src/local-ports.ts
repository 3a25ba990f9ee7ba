import { UsageError } from "./errors";

/** The settings that name the local stack's ports. */
export type PortSetting = "PORT" | "S3_PORT" | "DYNAMODB_PORT";

/**
 * A failure to listen on a port as one line the user can act on — the port and the setting that moves
 * it — or the error as it is when it is not about the port.
 */
export function explainListenError(error: unknown, setting: PortSetting, port: number): unknown {
  const code = error instanceof Error && "code" in error ? error.code : undefined;
  if (code === "EADDRINUSE")
    return new UsageError(
      `port ${port} on 127.0.0.1 is in use: stop what listens there, or set ${setting} to another port`,
      { cause: error },
    );
  if (code === "EACCES")
    return new UsageError(
      `port ${port} on 127.0.0.1 needs privileges to listen on: set ${setting} to a port above 1023`,
      { cause: error },
    );
  return error;
}
