import { LEGACY_FIELD_COUNT_2018, LEGACY_FIELDS } from "./fields.js";

const HASH = 0x23;

/**
 * A W3C directive (`#Version`, `#Fields`, ...). Directives never contain a tab, so a `#` line with tabs is
 * a damaged data line and is judged (and counted) as one.
 */
export function isHeaderLine(buf: Buffer, start: number, end: number): boolean {
  if (buf[start] !== HASH) return false;
  const tab = buf.indexOf(0x09, start);
  return tab === -1 || tab >= end;
}

/** The field names of a `#Fields:` header line, or undefined for other directives (`#Version`, ...). */
export function fieldsFromHeader(text: string): string[] | undefined {
  const match = /^#Fields:\s*(.*)$/i.exec(text);
  if (match === null) return undefined;
  return (match[1] ?? "").trim().split(/\s+/).filter(Boolean);
}

const LEGACY_FIELDS_2018: readonly string[] = LEGACY_FIELDS.slice(0, LEGACY_FIELD_COUNT_2018);

/**
 * The field list for a data line that came before any `#Fields` header: the legacy order when the line has
 * the 33 or 26 fields of a legacy file, otherwise undefined (the line cannot be interpreted).
 */
export function headerlessFields(fieldCount: number): readonly string[] | undefined {
  if (fieldCount === LEGACY_FIELDS.length) return LEGACY_FIELDS;
  if (fieldCount === LEGACY_FIELD_COUNT_2018) return LEGACY_FIELDS_2018;
  return undefined;
}
