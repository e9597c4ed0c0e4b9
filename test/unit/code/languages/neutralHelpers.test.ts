// The language-neutral pieces every language folder builds on: span names from parts, printf formats, route
// templates, recorded-path mapping, and the lazily loaded tree-sitter runtime.
import * as assert from 'node:assert/strict';
import { partsOfPrintfFormat, spanNameFromParts } from '../../../../src/core/code/instrumented/spanNameFromParts';
import { anglePlaceholders, bracePlaceholders, colonPlaceholders, httpServerSpanNames, routeTemplateRegex } from '../../../../src/core/code/instrumented/routeTemplates';
import { spanNameMatches } from '../../../../src/core/code/instrumented/spanNameMatcher';
import { applyPathMappings, parsePathMappings, resolveRecordedPath } from '../../../../src/core/code/pathMapping';
import { loadGrammar, treeSitterLoaded, withTree } from '../../../../src/core/code/treeSitter/treeSitterRuntime';
import { functionLocationOf, nodeRange } from '../../../../src/core/code/treeSitter/syntaxNodes';

describe('span names from parts', () => {
  it('is exact when all is known, a pattern with run-time parts, nothing when no text is fixed', () => {
    assert.deepEqual(spanNameFromParts([{ known: true, text: 'orders.' }, { known: true, text: 'create' }]), { kind: 'exact', name: 'orders.create' });
    const p = spanNameFromParts([{ known: true, text: 'orders.' }, { known: false, display: 'op' }, { known: false, display: 'x' }, { known: true, text: '.v1' }]);
    assert.deepEqual(p, { kind: 'pattern', regex: '^orders\\..+\\.v1$', display: 'orders.{op}{x}.v1' });
    assert.ok(spanNameMatches(p!, 'orders.create.v1') && !spanNameMatches(p!, 'orders..v2'));
    assert.equal(spanNameFromParts([{ known: false, display: 'name' }]), undefined);
    assert.equal(spanNameFromParts([{ known: true, text: 'a.' }, { known: false, display: 'b' }], true), undefined);
  });

  it('reads printf formats, %% as a percent sign', () => {
    assert.deepEqual(partsOfPrintfFormat('orders.%s/%05d %%', ['kind', 'n']), [
      { known: true, text: 'orders.' },
      { known: false, display: 'kind' },
      { known: true, text: '/' },
      { known: false, display: 'n' },
      { known: true, text: ' ' },
      { known: true, text: '%' },
    ]);
    assert.deepEqual(spanNameFromParts(partsOfPrintfFormat('load %v')), { kind: 'pattern', regex: '^load .+$', display: 'load {%v}' });
  });
});

describe('route templates', () => {
  it('turns each framework placeholder syntax into a one-segment wildcard, catch-alls into the rest', () => {
    assert.deepEqual(routeTemplateRegex('/users/{id}/items/{rest...}', bracePlaceholders), { regex: '/users/[^/]+/items/.*', display: '/users/{id}/items/{rest}' });
    assert.deepEqual(routeTemplateRegex('/users/{id:[0-9]+}', bracePlaceholders)?.display, '/users/{id}');
    assert.deepEqual(routeTemplateRegex('/users/<int:user_id>/<path:p>', anglePlaceholders), { regex: '/users/[^/]+/.*', display: '/users/{user_id}/{p}' });
    assert.deepEqual(routeTemplateRegex('/users/:id/*filepath', colonPlaceholders), { regex: '/users/[^/]+/.*', display: '/users/{id}/{filepath}' });
    assert.equal(routeTemplateRegex('/health', bracePlaceholders), undefined);
  });

  it('names server spans METHOD template, with the raw-path form beside it', () => {
    const names = httpServerSpanNames('GET', '/users/{id}', bracePlaceholders);
    assert.deepEqual(names.primary, { kind: 'exact', name: 'GET /users/{id}' });
    assert.ok(names.rawPath && spanNameMatches(names.rawPath, 'GET /users/42') && !spanNameMatches(names.rawPath, 'POST /users/42') && !spanNameMatches(names.rawPath, 'GET /users/4/2'));
    const any = httpServerSpanNames('ANY', '/ping', bracePlaceholders);
    assert.ok(spanNameMatches(any.primary, 'POST /ping') && !spanNameMatches(any.primary, 'POST /pong'));
    assert.equal(any.rawPath, undefined);
  });
});

describe('recorded source paths', () => {
  const files = ['/home/me/shop/orders/app/views.py', '/home/me/shop/billing/app/views.py', '/home/me/shop/orders/app/models.py'];

  it('applies the longest matching prefix mapping, segment-wise', () => {
    const mappings = parsePathMappings({ '/app': '/home/me/shop/billing/app', '/app/orders/': '/home/me/shop/orders/app', '': '/x', '/bad': 3 });
    assert.deepEqual(
      mappings.map((m) => m.from),
      ['/app/orders', '/app'],
    );
    assert.equal(applyPathMappings('/app/orders/views.py', mappings)?.file, '/home/me/shop/orders/app/views.py');
    assert.equal(applyPathMappings('/app/views.py', mappings)?.file, '/home/me/shop/billing/app/views.py');
    assert.equal(applyPathMappings('/application/views.py', mappings), undefined);
    assert.deepEqual(resolveRecordedPath('/app/views.py', files, mappings), { kind: 'mapped', file: '/home/me/shop/billing/app/views.py', mapping: mappings[1] });
  });

  it('without a mapping takes the one file sharing the longest tail, and says when several do', () => {
    assert.deepEqual(resolveRecordedPath('/srv/orders/app/views.py', files), { kind: 'suffix', file: '/home/me/shop/orders/app/views.py', sharedSegments: 3 });
    const tie = resolveRecordedPath('/srv/app/views.py', files);
    assert.equal(tie.kind, 'ambiguous');
    assert.deepEqual(resolveRecordedPath('/srv/app/urls.py', files), { kind: 'none' });
  });
});

describe('tree-sitter runtime', () => {
  it('parses with positions in the editor\'s units', async () => {
    const python = await loadGrammar('python');
    assert.ok(treeSitterLoaded());
    const text = 'x = "é😀"; y = 1\ndef handler(req):\n    return req\n';
    const result = withTree(python, text, (tree) => {
      const q = python.query('(function_definition name: (identifier) @name) @fn');
      const caps = q.captures(tree.rootNode);
      const fnNode = caps.find((c) => c.name === 'fn')!.node;
      const nameNode = caps.find((c) => c.name === 'name')!.node;
      const ident = tree.rootNode.descendantsOfType('identifier')[1]!;
      return { loc: functionLocationOf(fnNode, nameNode, nameNode.text), y: nodeRange(ident) };
    });
    assert.deepEqual(result.y.start, { line: 0, character: text.indexOf('y') });
    assert.equal(result.loc.functionName, 'handler');
    assert.deepEqual(result.loc.nameRange, { start: { line: 1, character: 4 }, end: { line: 1, character: 11 } });
    assert.deepEqual(result.loc.range.end, { line: 2, character: 14 });
  });

  it('loads Go and Java grammars too, each once', async () => {
    const [go1, go2, java] = await Promise.all([loadGrammar('go'), loadGrammar('go'), loadGrammar('java')]);
    assert.equal(go1, go2);
    assert.equal(withTree(go1, 'package main\nfunc main() {}\n', (t) => t.rootNode.type), 'source_file');
    assert.equal(withTree(java, 'class A { void m() {} }', (t) => t.rootNode.type), 'program');
  });
});
