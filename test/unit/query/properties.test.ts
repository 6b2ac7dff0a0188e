import fc from 'fast-check';
import { compilePredicate } from '../../../src/query/evaluate';
import { parseSelection } from '../../../src/query/parser';
import { printPredicate, printSelection } from '../../../src/query/printer';
import { pathArb, poolLiteral, predicateArb, recordArb, selectionArb } from './arbitraries';
import { referenceEval } from './reference';
import { stripSelection } from './support';

const SEED = 20240611;

describe('properties', () => {
  test('parse(print(selection)) equals the selection, spans aside', () => {
    fc.assert(
      fc.property(selectionArb, (sel) => {
        const text = printSelection(sel);
        expect(stripSelection(parseSelection(text))).toEqual(stripSelection(sel));
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  test('printing is a fixed point after one round trip', () => {
    fc.assert(
      fc.property(selectionArb, (sel) => {
        const text = printSelection(sel);
        expect(printSelection(parseSelection(text))).toBe(text);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  test('the compiled evaluator agrees with the naive reference interpreter', () => {
    const predicate = predicateArb(poolLiteral, pathArb(['a', 'b', 'tags', 'meta', 'name', 'id', 'x']));
    fc.assert(
      fc.property(predicate, fc.array(recordArb, { minLength: 1, maxLength: 8 }), (p, records) => {
        const compiled = compilePredicate(p);
        for (const r of records) {
          if (compiled(r) !== referenceEval(p, r)) {
            throw new Error(`${printPredicate(p)} on ${JSON.stringify(r)}: compiled ${String(compiled(r))}`);
          }
        }
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  test('NOT never selects what its operand selects (three-valued logic)', () => {
    const predicate = predicateArb(poolLiteral, pathArb(['a', 'b', 'tags', 'meta']));
    fc.assert(
      fc.property(predicate, recordArb, (p, r) => {
        const yes = compilePredicate(p)(r);
        const no = compilePredicate({ kind: 'not', operand: p, span: p.span })(r);
        expect(yes && no).toBe(false);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
