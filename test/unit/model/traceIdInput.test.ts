import * as assert from 'node:assert/strict';
import { parseTraceIdInput } from '../../../src/core/model/traceIdInput';

describe('parseTraceIdInput', () => {
  it('accepts 32 and 16 hex digits in any case and pads to 32', () => {
    assert.equal(parseTraceIdInput('83A9EFD15C1C98A977E0711CC93EE28B'), '83a9efd15c1c98a977e0711cc93ee28b');
    assert.equal(parseTraceIdInput('  ec2b4e0bcea566d1 '), '0000000000000000ec2b4e0bcea566d1');
  });

  it('ignores spaces and dashes inside the id', () => {
    assert.equal(parseTraceIdInput('83a9efd1-5c1c98a9 77e0711c cc93ee28b'.replace('cc93', 'c93')), '83a9efd15c1c98a977e0711cc93ee28b');
  });

  it('keeps ids that Jaeger prints unpadded (31 hex digits)', () => {
    assert.equal(parseTraceIdInput('5e5d5c3d0e8fb0a9f71f4cdd3d8ba8c'), '05e5d5c3d0e8fb0a9f71f4cdd3d8ba8c');
  });

  it('reads Jaeger UI URLs', () => {
    assert.equal(parseTraceIdInput('http://localhost:16686/trace/83a9efd15c1c98a977e0711cc93ee28b'), '83a9efd15c1c98a977e0711cc93ee28b');
    assert.equal(parseTraceIdInput('https://jaeger.example.com/jaeger/trace/ABCDEF0123456789?uiFind=0123'), '0000000000000000abcdef0123456789');
    assert.equal(parseTraceIdInput('http://localhost:16686/search?service=x&traceID=abcdef0123456789'), '0000000000000000abcdef0123456789');
  });

  it('rejects text that holds no id', () => {
    assert.equal(parseTraceIdInput(''), undefined);
    assert.equal(parseTraceIdInput('not a trace'), undefined);
    assert.equal(parseTraceIdInput('abc'), undefined);
    assert.equal(parseTraceIdInput('0123456789abcdef0123456789abcdef00'), undefined);
    assert.equal(parseTraceIdInput('http://localhost:16686/search?service=x'), undefined);
  });
});
