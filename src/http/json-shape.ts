import { HTTP_LIMITS } from './limits.js';

const QUOTE = 0x22;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** A member name worth naming in an answer: short and plain (anything else is not echoed). */
const NAMEABLE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The reason a JSON text is refused before it is parsed (too deep, too many object members, or an
 * object naming a member twice), or undefined when its shape is acceptable.
 *
 * One linear pass over the text that never builds the structure: strings are skipped with
 * indexOf (the next quote, the next backslash, both found once per position), and member names
 * are compared per object, decoded only when they hold an escape (`"a"` and `"\u0061"` are the
 * same name). JSON.parse keeps the last of two equal names, and a proxy, WAF or log that reads the
 * first sees another request than the handler does: so a repeated name is refused at any depth.
 * Malformed text is left to JSON.parse to refuse. No part of the body is quoted, except a repeated
 * member name that is short and plain.
 */
export function jsonShapeProblem(
  text: string,
  maxDepth: number = HTTP_LIMITS.jsonDepth,
  maxKeys: number = HTTP_LIMITS.jsonKeys,
): string | undefined {
  let depth = 0;
  let keys = 0;
  // Per open container: the member names seen so far (an object) or null (an array).
  const names: (MemberNames | null)[] = [];
  let expectName = false;
  let nextBackslash = text.indexOf('\\');
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const open = i;
      let escaped = false;
      let close = text.indexOf('"', i + 1);
      // Backslashes before the candidate close quote: skip each escape pair and look again.
      while (close !== -1 && nextBackslash !== -1 && nextBackslash < close) {
        if (nextBackslash > open) {
          escaped = true;
          const after = nextBackslash + 2;
          nextBackslash = text.indexOf('\\', after);
          if (after > close) close = text.indexOf('"', after);
        } else {
          nextBackslash = text.indexOf('\\', open + 1);
        }
      }
      if (close === -1) return undefined;
      i = close;
      if (!expectName) continue;
      expectName = false;
      const seen = names[names.length - 1];
      if (seen === null || seen === undefined) continue;
      const name = escaped ? decodeName(text.slice(open, close + 1)) : text.slice(open + 1, close);
      if (!seen.add(name)) {
        return NAMEABLE.test(name)
          ? `The request body names the member "${name}" twice in one object.`
          : 'The request body names a member twice in one object.';
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth) return `The request body is nested more than ${maxDepth} levels deep.`;
      names.push(c === OPEN_OBJECT ? new MemberNames() : null);
      expectName = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      names.pop();
      expectName = false;
    } else if (c === COMMA) {
      expectName = names.length > 0 && names[names.length - 1] !== null;
    } else if (c === COLON) {
      // Outside strings a colon only ever separates an object member's name from its value.
      if (++keys > maxKeys) return `The request body has more than ${maxKeys} object members.`;
    }
  }
  return undefined;
}

/** An object's member names so far: a list while it is short (most objects), a Set beyond. */
class MemberNames {
  private list: string[] = [];
  private set: Set<string> | undefined;

  /** Adds `name`; false when the object named it already. */
  add(name: string): boolean {
    if (this.set !== undefined) {
      if (this.set.has(name)) return false;
      this.set.add(name);
      return true;
    }
    if (this.list.includes(name)) return false;
    this.list.push(name);
    if (this.list.length > SHORT_OBJECT) this.set = new Set(this.list);
    return true;
  }
}

/** Members up to which a linear search beats hashing. */
const SHORT_OBJECT = 16;

/** A quoted name with escapes, as JSON.parse reads it (left as written when it is not valid JSON: the parse refuses it later). */
function decodeName(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted;
  }
}
