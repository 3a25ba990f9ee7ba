import type { EventPublisher, OutboundEvent, PublishFailure } from "@sluice/core";

/** How long one POST may take before it is given up. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/** What the webhook publisher needs: the URL, where failures go, and optionally a fetch and a timeout. */
export interface WebhookPublisherOptions {
  url: string;
  onFailure(failure: PublishFailure): void;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * POSTs each outbound event as JSON to a webhook, in order, one request per event, shaped like an
 * EventBridge event (`source`, `detail-type`, `time`, `detail`). No retries: a non-2xx answer is
 * reported and the next event goes on; a server that is down or too slow ends this publish and the
 * rest are reported with it, so that a dead endpoint costs one timeout per batch, not one per event.
 */
export function createWebhookPublisher(options: WebhookPublisherOptions): EventPublisher {
  const { url, onFailure, timeoutMs = WEBHOOK_TIMEOUT_MS } = options;
  const send = options.fetch ?? fetch;
  return {
    async publish(events) {
      for (const [i, event] of events.entries()) {
        let response: Response;
        try {
          response = await send(url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(webhookBody(event)),
            signal: AbortSignal.timeout(timeoutMs),
          });
        } catch (error) {
          onFailure({ events: events.slice(i), reason: `POST ${url} failed: ${describe(error)}` });
          return;
        }
        // The body is not needed; reading it frees the connection.
        await response.arrayBuffer().catch(() => undefined);
        if (!response.ok) onFailure({ events: [event], reason: `POST ${url} answered ${response.status}` });
      }
    },
  };
}

/** The JSON body of one event, with EventBridge's field names so that one consumer reads both. */
export function webhookBody(event: OutboundEvent) {
  return { source: event.source, "detail-type": event.detailType, time: event.time, detail: event.detail };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch wraps the socket error (ECONNREFUSED) in `cause`.
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.message}${cause}`;
}
