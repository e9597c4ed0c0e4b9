// Span names from Java expressions: constants of the class, of a nested interface and of another class of the
// file; final and never reassigned locals; concatenation, String.format and .formatted as patterns; text blocks.
import * as assert from 'node:assert/strict';
import { spanNameMatches } from '../../../../../src/core/code/instrumented/spanNameMatcher';
import { lensesOf, namesOf } from './javaTestSupport';

describe('Java: span names', () => {
  it('follows static final constants, Other.CONST of the same file and this.field', async () => {
    const names = namesOf((await lensesOf('spanNames')).filter((f) => f.functionName === 'Names.constants')).map(([, n]) => n);
    assert.deepEqual(names, ['inventory.reserve', 'inventory.lookup', 'inventory.audit', 'inventory.instance']);
  });

  it('gives no lens for a non-final field, another class’s non-final field, or a name with no fixed text', async () => {
    const found = await lensesOf('spanNames');
    assert.equal(found.filter((f) => f.functionName === 'Names.notConstant' || f.functionName === 'Names.unknownOnly').length, 0);
  });

  it('turns concatenation, String.format (argument indexes, %n) and .formatted into patterns', async () => {
    const found = (await lensesOf('spanNames')).filter((f) => f.functionName === 'Names.patterns');
    assert.deepEqual(
      found.map((f) => (f.spanName.kind === 'pattern' ? f.spanName.display : `exact ${f.spanName.name}`)),
      ['inventory.{sku}', 'inventory.{sku}.{n}', 'inventory.{n}/{sku}\n', 'inventory.formatted.{sku}', 'inventory.concat.{sku}'],
    );
    assert.ok(spanNameMatches(found[1]!.spanName, 'inventory.SKU-1.3'));
    assert.ok(!spanNameMatches(found[1]!.spanName, 'inventory.SKU-1'));
  });

  it('follows final and effectively final locals but not a local assigned again', async () => {
    const names = namesOf((await lensesOf('spanNames')).filter((f) => f.functionName === 'Names.locals')).map(([, n]) => n);
    assert.deepEqual(names, ['inventory.local', 'inventory.effective']);
  });

  it('reads a text block without its indentation', async () => {
    const f = (await lensesOf('spanNames')).find((x) => x.functionName === 'Names.textBlock');
    assert.deepEqual(f?.spanName, { kind: 'exact', name: 'inventory.block' });
  });
});
