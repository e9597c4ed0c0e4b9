// The Python function list behind go-to-source and "function at cursor": defs, async defs, methods, nested
// functions and named lambdas, with the qualified names `code.function.name` carries (`__qualname__`).
import * as assert from 'node:assert/strict';
import { findSymbol, functionAt, listFunctions } from '../../../../../src/core/code/codeIntel';
import { hasLanguageSupport, loadedLanguageIds } from '../../../../../src/core/code/languages/registry';
import { findByQualifiedName } from '../../../../../src/core/code/symbols';

const text = [
  'import functools',
  '',
  'def top(a, b):',
  '    return a + b',
  '',
  'class OrderService:',
  '    @functools.cache',
  '    def create(self, order):',
  '        def validate(item):',
  '            return item',
  '        return validate(order)',
  '',
  '    async def refresh(self):',
  '        pass',
  '',
  '    class Repo:',
  '        def save(self):',
  '            pass',
  '',
  '    key = lambda self: 1',
  '',
  'square = lambda x: x * x',
  'text = "def not_a_function(): pass"',
  '# def commented_out(): pass',
  'callbacks = [lambda: 1]',
  '',
].join('\n');

describe('python function list', () => {
  it('lists every def, async def, method, nested function and lambda assigned to a name, and nothing in strings or comments', async () => {
    const found = await listFunctions(text, '/w/shop/orders/service.py');
    assert.deepEqual(
      found.map((f) => [f.functionName, f.qualifiedName]),
      [
        ['top', undefined],
        ['OrderService.create', undefined],
        ['OrderService.create.validate', 'OrderService.create.<locals>.validate'],
        ['OrderService.refresh', undefined],
        ['OrderService.Repo.save', undefined],
        ['OrderService.key', undefined],
        ['square', undefined],
      ],
    );
    const create = found[1]!;
    assert.equal(create.range.start.line, 6, 'decorators are part of the function');
    assert.deepEqual(create.nameRange, { start: { line: 7, character: 8 }, end: { line: 7, character: 14 } });
  });

  it('is served by the Python language folder, loaded on first use', async () => {
    assert.ok(hasLanguageSupport('python'));
    await listFunctions(text, '/w/a.py');
    assert.ok(loadedLanguageIds().includes('python'));
  });

  it('finds the innermost function at a position', async () => {
    assert.equal((await functionAt(text, '/w/service.py', { line: 9, character: 14 }))?.functionName, 'OrderService.create.validate');
    assert.equal((await functionAt(text, '/w/service.py', { line: 10, character: 9 }))?.functionName, 'OrderService.create');
    assert.equal(await functionAt(text, '/w/service.py', { line: 0, character: 2 }), undefined);
  });

  it('resolves code.function.name forms to the function: module.qualname, Class.method, a nested __qualname__', async () => {
    assert.equal((await findSymbol(text, '/w/shop/orders/service.py', 'shop.orders.service.OrderService.create'))?.functionName, 'OrderService.create');
    assert.equal((await findSymbol(text, '/w/shop/orders/service.py', 'OrderService.refresh'))?.functionName, 'OrderService.refresh');
    assert.equal((await findSymbol(text, '/w/shop/orders/service.py', 'service.OrderService.create.<locals>.validate'))?.functionName, 'OrderService.create.validate');
    assert.equal((await findSymbol(text, '/w/shop/orders/service.py', 'service.top'))?.functionName, 'top');
    assert.equal(await findSymbol(text, '/w/shop/orders/service.py', 'OrderService.delete'), undefined);
    // Two files with the same function: the one whose path carries the module name wins.
    const other = await listFunctions('def top():\n    pass\n', '/w/shop/billing/service.py');
    const files = new Map([
      ['/w/shop/orders/service.py', await listFunctions(text, '/w/shop/orders/service.py')],
      ['/w/shop/billing/service.py', other],
    ]);
    assert.equal(findByQualifiedName('shop.billing.service.top', files)?.file, '/w/shop/billing/service.py');
  });
});
