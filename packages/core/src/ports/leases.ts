/** Named leases with an expiry, so that one holder (the exporter) runs at a time. */
export interface Leases {
  /** Takes or renews the named lease until `until` if it is free or expired at `now`; answers whether it holds it. */
  acquire(name: string, owner: string, now: string, until: string): Promise<boolean>;
  /** Frees the named lease if `owner` still holds it (a lease taken over after it expired is left to its holder). */
  release(name: string, owner: string): Promise<void>;
}
