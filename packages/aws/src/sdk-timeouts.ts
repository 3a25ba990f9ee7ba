/** How long an SDK call may wait, in milliseconds, at each stage of one HTTP attempt. */
export interface SdkTimeouts {
  /** To open the TCP (and TLS) connection. */
  connectionTimeout: number;
  /** From the start of the request to the response's headers, request body upload included. */
  requestTimeout: number;
  /** Of silence on the socket at any time, the response body included. */
  socketTimeout: number;
}

/**
 * The Lambda functions' timeouts. Within one region a connection opens in tens of milliseconds and
 * every call Sluice makes (ranged GETs, listings of 1,000 keys, DynamoDB pages, SQS long polls of 1 s,
 * PutObject of a 10 MB import file) answers within a second or two, so 3 s to connect and 10 s to
 * answer or to stay silent are far past any healthy call, yet three attempts (the SDK's default) end
 * well within the shortest function timeout (30 s): a stuck server becomes a TransientError that
 * fails one message, not a Lambda timeout that fails the whole batch.
 */
export const LAMBDA_SDK_TIMEOUTS: SdkTimeouts = {
  connectionTimeout: 3_000,
  requestTimeout: 10_000,
  socketTimeout: 10_000,
};

/**
 * The `requestHandler` setting of an SDK client (the NodeHttpHandler's options) for these timeouts.
 * In @smithy/node-http-handler 4, `requestTimeout` only warns unless `throwOnRequestTimeout` is set,
 * and it stops counting once the headers arrive: a server that announces a body and never sends it
 * is caught by `socketTimeout` alone. Each gives an error named `TimeoutError`, which the SDK retries
 * and the adapters map to TransientError.
 */
export function sdkRequestHandler(timeouts: SdkTimeouts) {
  return { ...timeouts, throwOnRequestTimeout: true };
}
