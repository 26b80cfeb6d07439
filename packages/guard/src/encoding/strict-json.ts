import { isUtf8 } from 'node:buffer';

/** Largest JOSE header or claims set parsed. */
export const MAX_JSON_BYTES = 16 * 1024;
/** Deepest nesting parsed. */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/**
 * Parses bytes that must be a UTF-8 JSON object with no duplicate member name at any depth.
 * Returns null for anything else: invalid UTF-8 (never replaced with U+FFFD), invalid JSON, a
 * top-level value that is not an object, nesting deeper than maxDepth, more than maxBytes.
 *
 * Duplicates: JSON.parse silently keeps the last of two equal names, so the parsed tree then has
 * fewer members than the text has name separators (':' outside strings, one per member). We
 * compare the two counts instead of building a key set per object. Without escapes in the text
 * (the usual case) string contents are the same in text and tree, so the text's total ':' count
 * (native indexOf) must equal members + ':' inside parsed strings; with escapes a character scan
 * counts only the ':' outside strings.
 */
export function parseJsonObject(
  bytes: Uint8Array,
  maxBytes = MAX_JSON_BYTES,
  maxDepth = MAX_JSON_DEPTH,
): Record<string, unknown> | null {
  if (bytes.length === 0 || bytes.length > maxBytes || !isUtf8(bytes)) return null;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const plain = text.indexOf('\\') < 0;
  const expected = plain ? countColons(text) : countSeparatorsOutsideStrings(text);
  const walker: Walker = { countColons: plain, depthLeft: maxDepth };
  return count(value, walker) === expected ? (value as Record<string, unknown>) : null;
}

interface Walker {
  readonly countColons: boolean;
  depthLeft: number;
}

/** Members of every object in the tree (+ ':' in names and strings when countColons), or NaN when too deep. */
function count(value: object, walker: Walker): number {
  if (--walker.depthLeft < 0) return Number.NaN;
  let n = 0;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) n += countItem(item, walker);
  } else {
    const record = value as Record<string, unknown>;
    // JSON.parse creates own data properties only (even "__proto__"), and Object.prototype has
    // no enumerable members, so for-in sees exactly the parsed members.
    for (const name in record) {
      n += 1 + (walker.countColons ? countColons(name) : 0) + countItem(record[name], walker);
    }
  }
  walker.depthLeft++;
  return n;
}

function countItem(item: unknown, walker: Walker): number {
  if (typeof item === 'string') return walker.countColons ? countColons(item) : 0;
  if (typeof item === 'object' && item !== null) return count(item, walker);
  return 0;
}

function countColons(s: string): number {
  let n = 0;
  for (let i = s.indexOf(':'); i >= 0; i = s.indexOf(':', i + 1)) n++;
  return n;
}

/** ':' outside strings; only meaningful for text JSON.parse accepted. */
function countSeparatorsOutsideStrings(text: string): number {
  let n = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === COLON) {
      n++;
    } else if (c === QUOTE) {
      for (i++; i < length; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
    }
  }
  return n;
}
