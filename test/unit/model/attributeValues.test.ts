import * as assert from 'node:assert/strict';
import { attributeFromJaegerTag, float64Value, int64Value } from '../../../src/core/model/attributeValues';

describe('attribute values', () => {
  it('keeps int64 exact: numbers while a double holds them, decimal text beyond 2^53', () => {
    assert.equal(int64Value('9007199254740991'), 9007199254740991);
    assert.equal(int64Value('9007199254740993'), '9007199254740993');
    assert.equal(int64Value('-9223372036854775808'), '-9223372036854775808');
    assert.equal(int64Value(42), 42);
    assert.equal(int64Value(2 ** 60), '1152921504606846976');
    assert.equal(int64Value('4.5'), undefined);
    assert.equal(int64Value('abc'), undefined);
  });

  it('keeps NaN and infinities of float64 as text JSON can hold', () => {
    assert.equal(float64Value('NaN'), 'NaN');
    assert.equal(float64Value('-Infinity'), '-Infinity');
    assert.equal(float64Value('2.5'), 2.5);
    assert.equal(float64Value(''), undefined);
  });

  it('infers a Jaeger tag type the value does not fit', () => {
    assert.deepEqual(attributeFromJaegerTag('a', 'int64', 'x'), { key: 'a', type: 'string', value: 'x' });
    assert.deepEqual(attributeFromJaegerTag('b', undefined, 1.5), { key: 'b', type: 'float64', value: 1.5 });
    assert.deepEqual(attributeFromJaegerTag('c', 'BOOL', 'false'), { key: 'c', type: 'bool', value: false });
    assert.deepEqual(attributeFromJaegerTag('d', 'string', null), { key: 'd', type: 'string', value: '' });
  });
});
