import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonObject } from '../../src/encoding/strict-json.js';

const parse = (text: string | number[]) => parseJsonObject(Buffer.from(text as string));

describe('parseJsonObject', () => {
  it('parses objects, with whitespace, nesting, escapes and colons inside strings', () => {
    assert.deepEqual(parse('{"a":1}'), { a: 1 });
    assert.deepEqual(parse(' {\n\t"a" : [1, {"b": "x:y"}], "c:d": {"e": null} } '), {
      a: [1, { b: 'x:y' }],
      'c:d': { e: null },
    });
    assert.deepEqual(parse('{"q":"say \\"a\\":1","\\u0061":2}'), { q: 'say "a":1', a: 2 });
    assert.deepEqual(parse('{"u":"caf\u00e9 \u2713"}'), { u: 'café ✓' });
    assert.deepEqual(parse('{"a":"\\\\","b":"\\\\\\"x:"}'), { a: '\\', b: '\\"x:' });
  });

  it('keeps "__proto__" as a plain member and counts it', () => {
    const value = parse('{"__proto__":{"admin":true}}');
    assert.ok(value !== null && Object.hasOwn(value, '__proto__'));
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    assert.equal(parse('{"__proto__":1,"__proto__":2}'), null);
  });

  it('rejects duplicate names at any depth, however they are spelled', () => {
    for (const text of [
      '{"a":1,"a":1}',
      '{"a":1,"b":{"c":1,"c":2}}',
      '{"x":[{"k":1},{"k":1,"k":2}]}',
      '{"a":1,"\\u0061":2}',
      '{"a:":1,"a:":2}',
      '{"s":"\\u003a","a":1,"a":2}',
      '{"s":":::","a":1,"a":2}',
      '{"s":"\\"","a":{"b":1,"b":1}}',
    ]) {
      assert.equal(parse(text), null, text);
    }
  });

  it('rejects values that are not a top-level object', () => {
    for (const text of ['[]', '[{"a":1}]', '"{}"', '1', 'true', 'null', '']) assert.equal(parse(text), null, text);
  });

  it('rejects invalid JSON, including what JSON5/JS would allow', () => {
    for (const text of ['{', '{"a":1,}', "{'a':1}", '{a:1}', '{"a":1} x', '{"a":01}', '{"a":NaN}', '\ufeff{}']) {
      assert.equal(parse(text), null, text);
    }
  });

  it('rejects bytes that are not UTF-8 instead of replacing them', () => {
    const wrap = (bytes: number[]) => Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bytes), Buffer.from('"}')]);
    for (const bytes of [[0xff], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]) {
      assert.equal(parseJsonObject(wrap(bytes)), null, String(bytes));
    }
    assert.deepEqual(parseJsonObject(wrap([0xe2, 0x82, 0xac])), { a: '€' });
  });

  it('caps depth and size', () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
    assert.notEqual(parse(nested(32)), null);
    assert.equal(parse(nested(33)), null);
    assert.equal(parse(`{"a":${'['.repeat(40)}${']'.repeat(40)}}`), null);
    assert.equal(parseJsonObject(Buffer.from(`{"a":"${'x'.repeat(100)}"}`), 64), null);
    assert.notEqual(parseJsonObject(Buffer.from(`{"a":"${'x'.repeat(100)}"}`), 200), null);
  });
});
