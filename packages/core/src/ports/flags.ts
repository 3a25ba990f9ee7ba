/**
 * Named flags meaning "a follow-up is queued", so that many events of one group queue one assembly
 * rather than one each.
 */
export interface Flags {
  /**
   * Raises the named flag unless it is up and was raised less than `staleAfterSeconds` before `now`;
   * answers whether this call raised it (a flag whose follow-up was lost goes stale and can be raised again).
   */
  raise(name: string, now: string, staleAfterSeconds: number): Promise<boolean>;
  /** Lowers the named flag, so that the next event raises it again. */
  lower(name: string): Promise<void>;
}
