import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalJson, requestHash } from '../../src/payroll/idempotency/canonical-json.js';
import { CURRENCIES, isCurrency } from '../../src/payroll/domain/currencies.js';
import { isPeriod, isRealDate } from '../../src/payroll/domain/dates.js';
import { isValidIban, makeIban, maskIban, normalizeIban } from '../../src/payroll/domain/iban.js';

describe('IBAN', () => {
  it('accepts the ISO 13616 and national examples, rejects a changed digit', () => {
    for (const iban of [
      'GB82WEST12345698765432',
      'DE89370400440532013000',
      'FR1420041010050500013M02606',
      'NL91ABNA0417164300',
      'CH9300762011623852957',
      'NO9386011117947',
      'BE68539007547034',
    ]) {
      assert.ok(isValidIban(iban), iban);
      const last = Number(iban.at(-1));
      assert.ok(!isValidIban(iban.slice(0, -1) + String((last + 1) % 10)), `${iban} with its last digit changed`);
    }
    assert.equal(normalizeIban('gb82 west 1234 5698 7654 32'), 'GB82WEST12345698765432');
    assert.ok(!isValidIban('GB82WEST1234569876543'), 'wrong length');
    assert.ok(!isValidIban('ZZ82WEST12345698765432'), 'unknown country');
  });

  it('builds valid IBANs from any BBAN of the right length', () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9]{18}$/), (bban) => isValidIban(makeIban('DE', bban))));
    fc.assert(fc.property(fc.stringMatching(/^[A-Z]{4}[0-9]{14}$/), (bban) => isValidIban(makeIban('GB', bban))));
  });

  it('masking shows only the country code and the last four characters', () => {
    assert.equal(maskIban('DE89370400440532013000'), 'DE** **** **** **** **30 00');
    assert.equal(maskIban('NO9386011117947'), 'NO** **** ***7 947');
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{18}$/), (bban) => {
        const iban = makeIban('DE', bban);
        const visible = maskIban(iban).replace(/[ *]/g, '');
        return visible === iban.slice(0, 2) + iban.slice(-4) && maskIban(iban).replace(/ /g, '').length === iban.length;
      }),
    );
  });
});

describe('calendar values', () => {
  it('real dates only, leap years included', () => {
    for (const d of ['2024-02-29', '2000-02-29', '2026-12-31', '2026-04-30']) assert.ok(isRealDate(d), d);
    for (const d of [
      '2026-02-29',
      '1900-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-1-1',
      '1899-12-31',
      '2026-02-28T00:00',
    ])
      assert.ok(!isRealDate(d), d);
  });

  it('periods are YYYY-MM with a real month', () => {
    for (const p of ['2026-01', '2026-12']) assert.ok(isPeriod(p), p);
    for (const p of ['2026-00', '2026-13', '2026-1', '2026-10-01', 'abcd-ef']) assert.ok(!isPeriod(p), p);
  });
});

describe('currencies', () => {
  it('real ISO 4217 codes only', () => {
    for (const c of ['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'SEK']) assert.ok(isCurrency(c), c);
    for (const c of ['eur', 'XXX', 'ABC', 'DEM', 'EURO', '']) assert.ok(!isCurrency(c), c);
    assert.ok(CURRENCIES.size > 150);
  });
});

describe('canonical JSON', () => {
  it('is independent of key order, at every depth', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        return (
          canonicalJson(object) === canonicalJson(reversed) && requestHash('r', object) === requestHash('r', reversed)
        );
      }),
    );
    assert.equal(
      canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } }),
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });

  it('tells other values and other routes apart', () => {
    assert.notEqual(requestHash('payments.create', { a: 1 }), requestHash('payments.create', { a: 2 }));
    assert.notEqual(requestHash('payments.create', { a: 1 }), requestHash('payments.reverse', { a: 1 }));
    assert.notEqual(canonicalJson({ a: '1' }), canonicalJson({ a: 1 }));
  });
});
