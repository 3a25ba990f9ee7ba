import type { OutboundEvent } from "../delivery/outbound-events";

/**
 * Where outbound events go (EventBridge in AWS, a webhook locally). Best-effort: `publish` never
 * throws, since the records are already written; an adapter reports what it could not deliver.
 */
export interface EventPublisher {
  publish(events: readonly OutboundEvent[]): Promise<void>;
}
