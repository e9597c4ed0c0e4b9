// The innermost frame in the workspace, for each runtime's real stacks: through path mappings (a container's /app),
// the longest shared path tail, and source maps for built JavaScript.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { parseStackTrace } from '../../../src/core/exceptions/parseStack';
import { WorkspaceFrameResolver, type WorkspaceFiles } from '../../../src/core/exceptions/workspaceFrames';
import { SourceMap, decodeVlqSegment } from '../../../src/core/exceptions/sourceMap';
import { parsePathMappings } from '../../../src/core/code/pathMapping';
import type { ParsedStack } from '../../../src/core/exceptions/stackTypes';

const repo = path.resolve(__dirname, '../../..');
const shopBuild = path.join(repo, 'test/fixtures/errors/shop-build');

/** A workspace of the files under `root` that reads nothing outside it (as on a machine other than the one that ran the code). */
function workspace(root: string, mappings: Record<string, string> = {}): WorkspaceFiles {
  const all: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else all.push(p);
    }
  };
  walk(root);
  return {
    mappings: parsePathMappings(mappings),
    filesNamed: (base) => Promise.resolve(all.filter((f) => path.basename(f) === base && !f.includes(`${path.sep}dist${path.sep}`))),
    readFile: (file) => Promise.resolve(file.startsWith(root + path.sep) && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined),
  };
}

function stack(name: string): ParsedStack {
  return parseStackTrace(fs.readFileSync(path.join(__dirname, 'stacks', name), 'utf8'))!;
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-frames-'));
}

function put(root: string, rel: string, text: string): string {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('workspace frames', () => {
  it('maps the shop’s recorded dist/orders.js frame to the throw in src/orders.ts through its source map', async () => {
    const resolver = new WorkspaceFrameResolver(workspace(shopBuild, { '/work/wt/errors/samples/shop': shopBuild }));
    const top = await resolver.topFrame(stack('node-shop-orders-validate.txt'));
    assert.ok(top);
    assert.equal(top.file, path.join(shopBuild, 'src/orders.ts'));
    assert.equal(top.via, 'source-map');
    assert.deepEqual([top.recorded.line, top.line], [53, 52]);
    assert.match(fs.readFileSync(top.file, 'utf8').split('\n')[top.line - 1]!, /throw new Error\(`SKU \$\{discontinued\.sku\} is discontinued`\)/);
  });

  it('never puts a built .js line on the .ts of the same name when no source map is found', async () => {
    const root = tmp();
    fs.cpSync(path.join(shopBuild, 'src'), path.join(root, 'src'), { recursive: true });
    const top = await new WorkspaceFrameResolver(workspace(root)).topFrame(stack('node-shop-orders-validate.txt'));
    assert.equal(top, undefined);
  });

  it('follows a source map tsc wrote for code that threw when node ran it', async () => {
    const root = tmp();
    const source = ['interface Cart { readonly customer?: { discount: number } }', '', 'export function total(cart: Cart): number {', '  const base = 10;', '  return base * cart.customer!.discount;', '}', '', 'try {', '  total({});', '} catch (e) {', '  process.stdout.write((e as Error).stack ?? "");', '}', ''].join('\n');
    put(root, 'src/cart.ts', source);
    const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, sourceMap: true }, fileName: 'cart.ts' });
    const js = put(root, 'build/cart.js', out.outputText.replace(/\/\/# sourceMappingURL=.*$/m, '//# sourceMappingURL=cart.js.map'));
    put(root, 'build/cart.js.map', out.sourceMapText!.replace('"sources":["cart.ts"]', '"sources":["../src/cart.ts"]'));
    const printed = execFileSync(process.execPath, [js], { encoding: 'utf8' });
    const parsed = parseStackTrace(printed)!;
    assert.equal(parsed.exception.type, 'TypeError');
    assert.equal(parsed.exception.frames[0]!.file, js);
    const top = await new WorkspaceFrameResolver(workspace(root)).topFrame(parsed);
    assert.ok(top);
    assert.deepEqual([path.relative(root, top.file), top.line, top.via], [path.join('src', 'cart.ts'), 5, 'source-map']);
  });

  it('places a Python frame recorded in a container (/app) with spanlens.pathMappings, skipping the standard library', async () => {
    const root = tmp();
    const py = put(root, 'services/pricing/py_chain.py', fs.readFileSync(path.join(__dirname, 'stacks/sources/py_chain.py'), 'utf8'));
    // A workspace file named like a standard-library one must not attract its frames.
    put(root, 'services/pricing/json/decoder.py', '');
    const top = await new WorkspaceFrameResolver(workspace(root, { '/tmp/stacks': path.join(root, 'services/pricing') })).topFrame(stack('python-chained.txt'));
    assert.ok(top);
    assert.deepEqual([top.file, top.line, top.function, top.via], [py, 20, 'handle', 'mapped']);
  });

  it('places Go and Java frames by their shared path tail (package path for Java)', async () => {
    const root = tmp();
    const goFile = put(root, 'shop/gopanic/main.go', '');
    const javaFile = put(root, 'orders/src/main/java/com/example/shop/orders/OrderService.java', '');
    const resolver = new WorkspaceFrameResolver(workspace(root));
    const go = await resolver.topFrame(stack('go-panic.txt'));
    assert.deepEqual([go?.file, go?.line, go?.function], [goFile, 12, 'main.validate']);
    const java = await resolver.topFrame(stack('java-caused-by.txt'));
    assert.deepEqual([java?.file, java?.line, java?.function], [javaFile, 34, 'OrderService.create']);
    const thread = await resolver.topFrame(stack('java-thread.txt'));
    assert.deepEqual([thread?.line, thread?.function], [46, 'OrderService.lambda$main$0'], 'java.base frames skipped');
  });

  it('places the shop payments service’s frame on the throw in its PaymentService.java', async () => {
    const java = path.join(repo, 'samples/shop/java/payments');
    const frame = await new WorkspaceFrameResolver(workspace(java)).topFrame(stack('java-shop-payments-declined.txt'));
    const file = path.join(java, 'src/main/java/com/shop/payments/PaymentService.java');
    assert.deepEqual([frame?.file, frame?.line, frame?.function, frame?.via], [file, 35, 'PaymentService.authorize', 'suffix']);
    assert.match(fs.readFileSync(file, 'utf8').split('\n')[34]!, /throw new PaymentDeclinedException\(/);
  });

  it('decodes VLQ segments and rejects malformed maps', () => {
    assert.deepEqual(decodeVlqSegment('AAAA'), [0, 0, 0, 0]);
    assert.deepEqual(decodeVlqSegment('SAAQ'), [9, 0, 0, 8]);
    assert.deepEqual(decodeVlqSegment('D'), [-1]);
    assert.deepEqual(decodeVlqSegment('gB'), [16]);
    assert.equal(decodeVlqSegment('g'), undefined, 'a continuation bit with nothing after it');
    assert.equal(decodeVlqSegment('A!'), undefined);
    assert.equal(SourceMap.parse('{"version":2,"sources":[],"mappings":""}'), undefined);
    assert.equal(SourceMap.parse('not json'), undefined);
  });
});
