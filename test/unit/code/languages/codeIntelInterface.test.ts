// The one code-intelligence interface: files dispatch to their language folder, loaded on first use; the
// language-neutral lookups (function at a position, by qualified name) work on what any language lists.
import * as assert from 'node:assert/strict';
import { findInstrumentedFunctions, findSymbol, functionAt, listFunctions } from '../../../../src/core/code/codeIntel';
import { languageOfFile, sourceFileGlob, skippedSourceFolders } from '../../../../src/core/code/languages/languageIds';
import { hasLanguageSupport, loadedLanguageIds } from '../../../../src/core/code/languages/registry';
import { findByQualifiedName, functionAt as innermost, qualifiedNameParts, qualifiedNameScore } from '../../../../src/core/code/symbols';
import type { FunctionLocation } from '../../../../src/core/code/instrumented/types';

const tsText = [
  "import { trace } from '@opentelemetry/api';",
  "const tracer = trace.getTracer('orders');",
  'export class OrderService {',
  '  create(): void {',
  "    tracer.startActiveSpan('orders.create', (span) => { span.end(); });",
  '  }',
  '}',
  'function helper(): number {',
  '  return 1;',
  '}',
].join('\n');

const at = (line: number, start: number, endLine: number, end: number): FunctionLocation['range'] => ({ start: { line, character: start }, end: { line: endLine, character: end } });
const fn = (functionName: string, range: FunctionLocation['range'], qualifiedName?: string): FunctionLocation => ({
  functionName,
  range,
  nameRange: range,
  ...(qualifiedName ? { qualifiedName } : {}),
});

describe('code intelligence interface', () => {
  it('knows each language by its file extensions, and no language for other files', () => {
    assert.equal(languageOfFile('/w/src/orders.ts')?.id, 'typescript');
    assert.equal(languageOfFile('C:\\w\\App.JSX')?.id, 'typescript');
    assert.equal(languageOfFile('/w/app/views.py')?.id, 'python');
    assert.equal(languageOfFile('/w/cmd/main.go')?.id, 'go');
    assert.equal(languageOfFile('/w/src/main/java/com/shop/Orders.java')?.id, 'java');
    assert.equal(languageOfFile('/w/types/index.d.ts'), undefined);
    assert.equal(languageOfFile('/w/README.md'), undefined);
    assert.equal(languageOfFile('/w/folder.py/Makefile'), undefined);
    assert.match(sourceFileGlob(), /\{.*ts.*py.*go.*java.*\}/);
    assert.ok(skippedSourceFolders().includes('node_modules') && skippedSourceFolders().includes('__pycache__') && skippedSourceFolders().includes('vendor'));
  });

  it('dispatches a TypeScript file to the TypeScript folder and answers for it', async () => {
    assert.ok(hasLanguageSupport('typescript'));
    const found = await findInstrumentedFunctions(tsText, '/w/src/orders.ts');
    assert.deepEqual(
      found.map((f) => [f.functionName, f.spanName]),
      [['OrderService.create', { kind: 'exact', name: 'orders.create' }]],
    );
    assert.ok(loadedLanguageIds().includes('typescript'));
    const listed = await listFunctions(tsText, '/w/src/orders.ts');
    assert.deepEqual(listed.map((f) => f.functionName).sort(), ['OrderService.create', 'helper']);
  });

  it('gives nothing, without failing, for a file no language reads', async () => {
    assert.deepEqual(await findInstrumentedFunctions('tracer.startActiveSpan("x")', '/w/notes.txt'), []);
    assert.deepEqual(await listFunctions('def f(): pass', '/w/script.rb'), []);
  });

  it('finds the innermost function at a position', async () => {
    assert.equal((await functionAt(tsText, '/w/src/orders.ts', { line: 4, character: 10 }))?.functionName, 'OrderService.create');
    assert.equal((await functionAt(tsText, '/w/src/orders.ts', { line: 8, character: 2 }))?.functionName, 'helper');
    assert.equal(await functionAt(tsText, '/w/src/orders.ts', { line: 0, character: 3 }), undefined);
    const nested = [fn('outer', at(0, 0, 10, 1)), fn('inner', at(2, 2, 4, 3))];
    assert.equal(innermost(nested, { line: 3, character: 0 })?.functionName, 'inner');
    assert.equal(innermost(nested, { line: 2, character: 1 })?.functionName, 'outer');
  });

  it('resolves a symbol of a file by its qualified name', async () => {
    assert.equal((await findSymbol(tsText, '/w/src/orders.ts', 'OrderService.create'))?.functionName, 'OrderService.create');
    assert.equal((await findSymbol(tsText, '/w/src/orders.ts', 'shop.orders.OrderService.create'))?.functionName, 'OrderService.create');
    assert.equal(await findSymbol(tsText, '/w/src/orders.ts', 'OrderService.remove'), undefined);
    assert.equal(await findSymbol(tsText, '/w/src/orders.ts', 'Other.create'), undefined);
  });
});

describe('qualified names', () => {
  it('splits the forms the SDKs record', () => {
    assert.deepEqual(qualifiedNameParts('com.shop.OrderService.create'), ['com', 'shop', 'OrderService', 'create']);
    assert.deepEqual(qualifiedNameParts('github.com/shop/orders.(*Service).Create'), ['github', 'com', 'shop', 'orders', 'Service', 'Create']);
    assert.deepEqual(qualifiedNameParts('orders.views.create'), ['orders', 'views', 'create']);
  });

  it('matches on trailing parts only, and prefers the file whose folders carry the leading parts', () => {
    const create = fn('create', at(0, 0, 1, 0));
    assert.ok(qualifiedNameScore('orders.views.create', create, '/w/orders/views.py') > qualifiedNameScore('orders.views.create', create, '/w/billing/views.py'));
    assert.equal(qualifiedNameScore('orders.views.create', fn('update', at(0, 0, 1, 0)), '/w/orders/views.py'), 0);
    assert.equal(qualifiedNameScore('com.shop.OrderService.create', fn('create', at(0, 0, 1, 0), 'com.shop.Other.create'), '/w/Other.java'), 0);
    const files = new Map([
      ['/w/orders/views.py', [create]],
      ['/w/billing/views.py', [create]],
    ]);
    assert.equal(findByQualifiedName('orders.views.create', files)?.file, '/w/orders/views.py');
    // Nothing tells the two apart: no answer rather than a guess.
    assert.equal(findByQualifiedName('create', files), undefined);
  });
});
