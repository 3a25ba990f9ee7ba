/**
 * S3 sequencers order events for one key only. The current S3 user guide says to compare them as
 * hex strings padded with zeros on the RIGHT to equal length (an older copy said left). Sluice
 * stores them upper-cased and right-padded to a fixed width so that they compare as plain strings:
 * `deriveAndStore` compares an event's with the one its record holds for the same source key in
 * code, and the write that follows is conditional on the record's revision, not on the sequencer.
 */
export const SEQUENCER_WIDTH = 64;

/** Upper-cases a sequencer and pads it on the right with zeros to SEQUENCER_WIDTH. */
export function normalizeSequencer(sequencer: string): string {
  const hex = sequencer.trim().toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex) || hex.length > SEQUENCER_WIDTH) {
    throw new RangeError(`not an S3 sequencer: "${sequencer}"`);
  }
  return hex.padEnd(SEQUENCER_WIDTH, "0");
}

/** Compares two sequencers of the same key: negative when `a` is older. */
export function compareSequencers(a: string, b: string): number {
  const x = normalizeSequencer(a);
  const y = normalizeSequencer(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
