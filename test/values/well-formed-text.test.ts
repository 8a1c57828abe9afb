import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormedText } from '../../src/values/codec';

/** Code units biased towards surrogates, so that pairs, lone halves and reversed pairs all occur. */
const unit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }),
  fc.integer({ min: 0xd800, max: 0xdbff }),
  fc.integer({ min: 0xdc00, max: 0xdfff }),
  fc.integer({ min: 0x20, max: 0x7e }),
);

describe('isWellFormedText', () => {
  it('agrees with String.prototype.isWellFormed, short and long', () => {
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 100 }), (units) => {
        const s = String.fromCharCode(...units);
        expect(isWellFormedText(s)).toBe(
          (s as string & { isWellFormed(): boolean }).isWellFormed(),
        );
      }),
      { numRuns: 3000 },
    );
  });
});
