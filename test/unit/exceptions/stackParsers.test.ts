// Each runtime's parser on stack traces that runtime printed: the programs in ./stacks/sources were run here
// (node, python3, go run, java) and their output saved as is; the Node one of the sample shop is the
// `exception.stacktrace` its orders service recorded for the failing checkout (SKU BROKEN-1), the Java one what the
// agent recorded in its payments service for a declined payment.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseStackTrace, runtimeOfSdkLanguage } from '../../../src/core/exceptions/parseStack';
import { isLibraryFrame } from '../../../src/core/exceptions/libraryFrames';
import type { ParsedStack } from '../../../src/core/exceptions/stackTypes';

function stack(name: string): ParsedStack {
  const parsed = parseStackTrace(fs.readFileSync(path.join(__dirname, 'stacks', name), 'utf8'));
  assert.ok(parsed, `${name} parsed`);
  return parsed;
}

const brief = (s: ParsedStack['exception']): string[] => s.frames.map((f) => `${f.function} ${f.file}:${f.line}`);

describe('stack trace parsers', () => {
  describe('Node / V8', () => {
    it('reads the shop orders service’s recorded stack: anonymous callbacks, node: internals, node_modules', () => {
      const s = stack('node-shop-orders-validate.txt');
      assert.equal(s.runtime, 'node');
      assert.deepEqual([s.exception.type, s.exception.message], ['Error', 'SKU BROKEN-1 is discontinued']);
      assert.equal(s.exception.frames.length, 10);
      assert.deepEqual(s.exception.frames[0], { file: '/work/wt/errors/samples/shop/dist/orders.js', line: 53, column: 23, function: '<anonymous>' });
      assert.deepEqual(s.exception.frames[1], { file: 'node:async_hooks', line: 346, column: 14, function: 'AsyncLocalStorage.run', module: 'node' });
      assert.equal(s.exception.frames[2]!.module, '@opentelemetry/context-async-hooks');
      assert.deepEqual(s.exception.frames[5], { file: '/work/wt/errors/samples/shop/dist/orders.js', line: 47, column: 12, function: 'validateOrder' });
      assert.deepEqual(
        s.exception.frames.map((f) => isLibraryFrame(f, 'node')),
        [false, true, true, true, true, false, false, true, true, true],
      );
    });

    it('reads a TypeError from an ES module with async frames and file:// URLs', () => {
      const s = stack('node-typeerror-async.txt');
      assert.deepEqual([s.exception.type, s.exception.message], ['TypeError', "Cannot read properties of undefined (reading 'discount')"]);
      assert.deepEqual(brief(s.exception), ['OrderService.total /tmp/stacks/node_typeerror.mjs:4', 'checkout /tmp/stacks/node_typeerror.mjs:8']);
    });

    it('skips frames without a file and takes the caller of an eval', () => {
      const s = parseStackTrace(
        ['RangeError: Invalid array length', '    at Array.push (<anonymous>)', '    at async Promise.all (index 0)', '    at eval (eval at run (/app/lib/run.js:10:5), <anonymous>:1:1)', '    at new Cart (/app/lib/cart.js:3:9)'].join('\n'),
      )!;
      assert.deepEqual(brief(s.exception), ['eval /app/lib/run.js:10', 'Cart /app/lib/cart.js:3']);
    });
  });

  describe('Python', () => {
    it('reads a chained traceback: the raised exception, its __context__ and the __cause__ of that, innermost frame first', () => {
      const s = stack('python-chained.txt');
      assert.equal(s.runtime, 'python');
      assert.deepEqual([s.exception.type, s.exception.message], ['json.decoder.JSONDecodeError', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)']);
      assert.deepEqual(brief(s.exception), [
        'raw_decode /root/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py:353',
        'decode /root/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py:337',
        'loads /root/.pyenv/versions/3.11.7/lib/python3.11/json/__init__.py:346',
        'handle /tmp/stacks/py_chain.py:20',
        '<module> /tmp/stacks/py_chain.py:24',
      ]);
      assert.deepEqual(
        s.causes.map((c) => [c.relation, c.type, c.message, brief(c)[0]]),
        [
          ['context', 'OrderError', "unknown SKU 'BROKEN-1' in order 4711", 'price_order /tmp/stacks/py_chain.py:14'],
          ['cause', 'KeyError', "'BROKEN-1'", 'load_price /tmp/stacks/py_chain.py:8'],
        ],
      );
      assert.equal(s.causes[1]!.frames.length, 3, 'the <genexpr> frame between price_order and load_price');
      assert.deepEqual(s.exception.frames.map((f) => isLibraryFrame(f, 'python')), [true, true, true, false, false]);
    });

    it('reads an exception without a message and frames without a function', () => {
      const s = parsePy(['Traceback (most recent call last):', '  File "/app/orders/views.py", line 42, in checkout', '    raise Discontinued', 'orders.errors.Discontinued'].join('\n'));
      assert.deepEqual([s.exception.type, s.exception.message, brief(s.exception)], ['orders.errors.Discontinued', '', ['checkout /app/orders/views.py:42']]);
    });
  });

  describe('Go', () => {
    it('reads a panic: the frame that panicked first, packages as modules', () => {
      const s = stack('go-panic.txt');
      assert.equal(s.runtime, 'go');
      assert.deepEqual([s.exception.type, s.exception.message], ['panic', 'runtime error: index out of range [2] with length 1']);
      assert.deepEqual(brief(s.exception), ['main.validate /tmp/stacks/gopanic/main.go:12', 'main.handler /tmp/stacks/gopanic/main.go:18', 'main.main /tmp/stacks/gopanic/main.go:24']);
      assert.equal(s.exception.frames[0]!.module, 'main');
    });

    it('drops the deferred recover handler and the runtime frames above the last panic', () => {
      for (const name of ['go-http-recovered.txt', 'go-debug-stack.txt']) {
        const s = stack(name);
        assert.equal(brief(s.exception)[0], 'main.(*Service).Checkout /tmp/stacks/gohttp/main.go:22', name);
        assert.deepEqual(
          s.exception.frames.slice(1).map((f) => [f.module, isLibraryFrame(f, 'go')]),
          [['net/http', true], ['net/http', true], ['net/http', true], ['net/http', true]],
          name,
        );
        assert.equal(s.exception.frames.at(-1)!.function, 'net/http.(*Server).Serve', `${name}: "created by" is a frame`);
      }
      assert.equal(stack('go-http-recovered.txt').exception.message, 'http: panic serving 127.0.0.1:51630: runtime error: invalid memory address or nil pointer dereference');
    });

    it('reads a pkg/errors %+v: the origin’s stack first, then where it was wrapped', () => {
      const s = stack('go-pkg-errors.txt');
      assert.equal(s.exception.message, 'sku "MUG-1" out of stock (have 0, want 3)');
      assert.deepEqual(brief(s.exception).slice(0, 3), ['main.reserve /tmp/stacks/gopkg/main.go:10', 'main.createOrder /tmp/stacks/gopkg/main.go:14', 'main.main /tmp/stacks/gopkg/main.go:21']);
      assert.deepEqual(
        s.causes.map((c) => [c.relation, c.message, brief(c)[0]]),
        [['wrap', 'create order 4711', 'main.createOrder /tmp/stacks/gopkg/main.go:15']],
      );
      assert.deepEqual(s.exception.frames.map((f) => isLibraryFrame(f, 'go')), [false, false, false, true, true]);
    });
  });

  describe('Java', () => {
    it('reads Caused by: chains and fills in "... N more" from the enclosing exception', () => {
      const s = stack('java-caused-by.txt');
      assert.equal(s.runtime, 'java');
      assert.deepEqual([s.exception.type, s.exception.message], ['java.lang.RuntimeException', 'order failed for user 3f2b8c1e-9d4a-4e5b-8c7d-1a2b3c4d5e6f']);
      assert.deepEqual(brief(s.exception), [
        'OrderService.create com/example/shop/orders/OrderService.java:34',
        'OrderService.main com/example/shop/orders/OrderService.java:40',
      ]);
      assert.deepEqual(
        s.causes.map((c) => [c.type, brief(c)]),
        [
          [
            'java.lang.IllegalStateException',
            ['OrderService.validate com/example/shop/orders/OrderService.java:24', 'OrderService.create com/example/shop/orders/OrderService.java:31', 'OrderService.main com/example/shop/orders/OrderService.java:40'],
          ],
          [
            'java.lang.NullPointerException',
            [
              'OrderService$InventoryClient.reserve com/example/shop/orders/OrderService.java:13',
              'OrderService.validate com/example/shop/orders/OrderService.java:22',
              'OrderService.create com/example/shop/orders/OrderService.java:31',
              'OrderService.main com/example/shop/orders/OrderService.java:40',
            ],
          ],
        ],
      );
      assert.equal(s.causes[1]!.message, 'Cannot invoke "java.lang.Integer.intValue()" because "<local4>" is null');
    });

    it('reads the shop payments service’s recorded stack (Java agent 2.31.1): a nested class, module and agent frames', () => {
      // The exception.stacktrace the agent recorded on payments.authorize for a declined payment (POST of 90000 cents).
      const s = stack('java-shop-payments-declined.txt');
      assert.equal(s.runtime, 'java');
      assert.deepEqual([s.exception.type, s.exception.message], ['com.shop.payments.PaymentService$PaymentDeclinedException', 'amount 90000 is over the limit of 50000']);
      assert.equal(s.exception.frames.length, 15);
      assert.deepEqual(brief(s.exception).slice(0, 3), [
        'PaymentService.authorize com/shop/payments/PaymentService.java:35',
        'PaymentsServer.authorize com/shop/payments/PaymentsServer.java:60',
        'Filter$Chain.doFilter com/sun/net/httpserver/Filter.java:95',
      ]);
      // Only the shop's two frames are its own: jdk.httpserver, java.base and the agent's filters are libraries.
      assert.deepEqual(s.exception.frames.map((f) => isLibraryFrame(f, 'java')), [false, false, ...new Array<boolean>(13).fill(true)]);
    });

    it('reads an uncaught exception of a thread with java.base frames (modules, library frames)', () => {
      const s = stack('java-thread.txt');
      assert.deepEqual([s.exception.type, s.exception.message], ['java.lang.IndexOutOfBoundsException', 'Index: 3 Size: 1']);
      assert.deepEqual(s.exception.frames.map((f) => [f.module, isLibraryFrame(f, 'java')]), [['java.base', true], ['java.base', true], ['com.example.shop.orders', false], ['java.base', true]]);
      assert.equal(s.exception.frames[2]!.function, 'OrderService.lambda$main$0');
    });

    it('skips Suppressed: blocks and frames without a line, and reads class-loader prefixes', () => {
      const s = parseStackTrace(
        [
          'java.io.IOException: close failed',
          '\tat app//com.shop.Store.close(Store.java:88)',
          '\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)',
          '\tSuppressed: java.lang.IllegalStateException: already closed',
          '\t\tat com.shop.Store.flush(Store.java:12)',
          '\t\t... 1 more',
          '\tat com.shop.Main.main(Main.java:5)',
        ].join('\n'),
      )!;
      assert.deepEqual(brief(s.exception), ['Store.close com/shop/Store.java:88', 'Main.main com/shop/Main.java:5']);
      assert.equal(s.causes.length, 0);
    });
  });

  it('prefers the runtime of the span’s SDK language and says undefined for text that is no stack', () => {
    assert.equal(runtimeOfSdkLanguage('nodejs'), 'node');
    assert.equal(runtimeOfSdkLanguage('python'), 'python');
    assert.equal(runtimeOfSdkLanguage('go'), 'go');
    assert.equal(runtimeOfSdkLanguage('java'), 'java');
    assert.equal(runtimeOfSdkLanguage('cpp'), undefined);
    assert.equal(parseStackTrace('just a message, no frames'), undefined);
    assert.equal(parseStackTrace(''), undefined);
  });
});

function parsePy(text: string): ParsedStack {
  const s = parseStackTrace(text, 'python');
  assert.ok(s);
  return s;
}
