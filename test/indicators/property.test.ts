import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseIndicatorCsv } from '../../bot/indicators/csvFormat';
import { splitValues } from '../../bot/indicators/refang';
import { validateValue, type ValueResult } from '../../bot/indicators/validateValue';
import type { ProductAction } from '../../bot/indicators/types';
import { parseCommand } from '../../bot/commands/commandParser';
import { context, NOW } from './fixtures';

/** Ways analysts and tools defang a value. */
function defang(value: string, style: number): string {
  switch (style % 6) {
    case 0:
      return value;
    case 1:
      return value.replace(/\./g, '[.]').replace(/^http/, 'hxxp');
    case 2:
      return value.replace(/\./g, '(.)');
    case 3:
      return `<${value}>`;
    case 4:
      return `"${value.toUpperCase()}"`;
    default:
      return value.replace(/\./g, '[dot]').replace('://', '[://]');
  }
}

const hex = (length: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: length, maxLength: length });

const structured: fc.Arbitrary<string> = fc.oneof(
  fc.domain(),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4Extended(),
  hex(32),
  hex(40),
  hex(64),
  fc.tuple(fc.domain(), fc.integer({ min: 0, max: 70000 })).map(([d, p]) => `${d}:${p}/x`),
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 40 })).map(([ip, n]) => `${ip}/${n}`),
);

const anyInput: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 5, arbitrary: fc.tuple(structured, fc.nat(5)).map(([v, s]) => defang(v, s)) },
  {
    weight: 1,
    arbitrary: fc.tuple(structured, fc.string({ unit: 'binary', maxLength: 4 })).map(([v, junk]) => v + junk),
  },
);

const actions: ProductAction[] = ['allow', 'audit', 'warn', 'block', 'blockAndRemediate'];

describe('validation properties', () => {
  it('never throws and every accepted value re-validates to itself, over 10,000 generated inputs', () => {
    let accepted = 0;
    fc.assert(
      fc.property(anyInput, fc.constantFrom(...actions), (input, action) => {
        const ctx = context({ action });
        const result: ValueResult = validateValue(input, ctx);
        assert.ok(['ok', 'warning', 'error'].includes(result.verdict));
        assert.equal(
          result.verdict === 'error',
          result.findings.some((f) => f.level === 'error'),
        );
        if (result.verdict === 'error' || result.value === undefined || result.type === undefined) return;
        accepted++;
        const again = validateValue(result.value, { ...ctx, typeHint: result.type });
        assert.equal(
          again.value,
          result.value,
          `${input} → ${result.value} → ${again.value ?? again.findings[0]?.message ?? ''}`,
        );
        assert.equal(again.type, result.type);
        assert.notEqual(again.verdict, 'error');
        const unhinted = validateValue(result.value, ctx);
        assert.equal(unhinted.value ?? result.value, result.value);
      }),
      { numRuns: 10_000, seed: 20261201 },
    );
    // The generator must reach the accepting paths often, or the idempotence half proves nothing.
    assert.ok(accepted > 2_000, `only ${accepted} inputs were accepted`);
  });

  it('splitting any text never throws and yields no empty values', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        for (const value of splitValues(text)) assert.ok(value.trim().length > 0);
      }),
      { numRuns: 2_000, seed: 7 },
    );
  });

  it('reading any text as CSV never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const result = parseIndicatorCsv(`IndicatorType,IndicatorValue,Action\n${text}`, {
          now: NOW,
          maxDays: 365,
          knownGroups: [],
          protectedDomains: [],
          tenantDomains: [],
        });
        assert.ok(result.batches.every((b) => b.length <= 500));
      }),
      { numRuns: 1_000, seed: 11 },
    );
  });

  it('parsing any command text either succeeds or throws a CommandParseError', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 120 }),
        fc.constantFrom('', '/block ', 'warn url ', 'subscribe hits '),
        (text, prefix) => {
          try {
            parseCommand(prefix + text, NOW);
          } catch (err) {
            assert.equal((err as Error).name, 'CommandParseError');
          }
        },
      ),
      { numRuns: 2_000, seed: 13 },
    );
  });
});
