import { describe, expect, it } from "vitest";
import { UsageError } from "../../../packages/cli/src/errors";
import { explainListenError } from "../../../packages/cli/src/local-ports";

/** A listen error as Node makes them. */
function listenError(code: string): Error {
  return Object.assign(new Error(`listen ${code}: 127.0.0.1:4569`), { code });
}

describe("explainListenError", () => {
  it("names the port and the setting that moves it when the port is in use", () => {
    // Act
    const explained = explainListenError(listenError("EADDRINUSE"), "S3_PORT", 4569);

    // Assert
    expect(explained).toBeInstanceOf(UsageError);
    expect(explained).toHaveProperty(
      "message",
      "port 4569 on 127.0.0.1 is in use: stop what listens there, or set S3_PORT to another port",
    );
  });

  it("asks for a port above 1023 when listening needs privileges", () => {
    // Act
    const explained = explainListenError(listenError("EACCES"), "PORT", 80);

    // Assert
    expect(explained).toBeInstanceOf(UsageError);
    expect(explained).toHaveProperty(
      "message",
      "port 80 on 127.0.0.1 needs privileges to listen on: set PORT to a port above 1023",
    );
  });

  it("answers any other error as it is", () => {
    // Prepare
    const error = listenError("EMFILE");

    // Act
    const explained = explainListenError(error, "DYNAMODB_PORT", 4567);

    // Assert
    expect(explained).toBe(error);
  });
});
