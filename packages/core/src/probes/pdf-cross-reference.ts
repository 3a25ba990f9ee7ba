import type { PdfDict } from "./pdf-syntax";

/** Where an object lives: nowhere (free), at a file offset, or at an index inside an object stream. */
export type XrefEntry =
  | { kind: "free" }
  | { kind: "offset"; offset: number; gen: number }
  | { kind: "compressed"; stream: number; index: number };

/** The resolved cross-reference: the newest entry of each object, and the trailer keys, newest first. */
export interface CrossReference {
  entries: Map<number, XrefEntry>;
  trailer: PdfDict;
  encrypted: boolean;
}

/** One cross-reference section: its entries and its trailer (a stream's dictionary). */
export type Section = { entries: Map<number, XrefEntry>; trailer: PdfDict };
