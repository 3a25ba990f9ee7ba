import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { type Config, createEventBridgePublisher, createWebhookPublisher } from "@sluice/aws";
import {
  type Derivation,
  type EventPublisher,
  eventsOfDerivation,
  type OutboundEvent,
  type PublishFailure,
} from "@sluice/core";

/**
 * The outbound events of one process: derivations are collected as they are observed and published
 * together when a handler flushes (after each SQS batch, after each export run). Best-effort: the
 * records are already written, so a publish failure is logged and counted, never thrown.
 */
export interface OutboundEvents {
  /** Whether any publisher is configured; without one nothing is collected or built. */
  readonly enabled: boolean;
  /** Collects the events of one derivation; wired as (part of) `pipeline.observe`. */
  observe(derivation: Derivation): void;
  /** Collects events built elsewhere (the exporter's `export.written`). */
  add(events: readonly OutboundEvent[]): void;
  /** Publishes and forgets everything collected so far; never throws. */
  flush(): Promise<void>;
}

/** Reports a publish failure: a warning in the logs and the `outboundEvents.failed` metric. */
export function reportPublishFailure(logger: Logger, metrics: Metrics) {
  return ({ events, reason }: PublishFailure): void => {
    logger.warn("outbound events not delivered", { reason, ids: events.map((e) => e.detail.id) });
    metrics.addMetric("outboundEvents.failed", MetricUnit.Count, events.length);
  };
}

/**
 * The publishers the config asks for: EventBridge when `EVENT_BUS_NAME` is set (with `client`), a
 * webhook when `WEBHOOK_URL` is; both when both are; null when neither is (events are then not even collected).
 */
export function createEventPublisher(
  config: Pick<Config, "eventBusName" | "webhookUrl">,
  client: EventBridgeClient | null,
  onFailure: (failure: PublishFailure) => void,
): EventPublisher | null {
  const publishers: EventPublisher[] = [];
  if (config.eventBusName !== null && client !== null)
    publishers.push(createEventBridgePublisher({ client, eventBusName: config.eventBusName, onFailure }));
  if (config.webhookUrl !== null)
    publishers.push(createWebhookPublisher({ url: config.webhookUrl, onFailure }));
  if (publishers.length === 0) return null;
  return {
    async publish(events) {
      await Promise.all(publishers.map((p) => p.publish(events)));
    },
  };
}

/** Collects events for `publisher` (nothing when it is null) and publishes them on `flush`. */
export function createOutboundEvents(
  publisher: EventPublisher | null,
  onFailure: (failure: PublishFailure) => void,
): OutboundEvents {
  let pending: OutboundEvent[] = [];
  return {
    enabled: publisher !== null,
    observe(derivation) {
      if (publisher) pending.push(...eventsOfDerivation(derivation));
    },
    add(events) {
      if (publisher) pending.push(...events);
    },
    async flush() {
      if (!publisher || pending.length === 0) return;
      const events = pending;
      pending = [];
      try {
        await publisher.publish(events);
      } catch (error) {
        // Adapters report rather than throw; this is the backstop that keeps a batch's outcome intact.
        onFailure({ events, reason: error instanceof Error ? error.message : String(error) });
      }
    },
  };
}
