import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { codeLocationOf, matchSpanToFunction, sharedPathSuffix } from '../../../../src/core/code/instrumented/codeAttributes';
import { listFunctions } from '../../../../src/core/code/instrumented/finder';
import type { FunctionLocation } from '../../../../src/core/code/instrumented/types';

const workspace = path.resolve(__dirname, '../../../fixtures/lens-workspace');
const gatewayFile = path.join(workspace, 'src/gateway.ts');
const gatewayText = fs.readFileSync(gatewayFile, 'utf8');

function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  return text.slice(0, i).split('\n').length; // 1-based, as code.lineno is
}

describe('code attributes → function', () => {
  const functionsByFile = new Map<string, readonly FunctionLocation[]>([
    [gatewayFile, listFunctions(gatewayText, gatewayFile)],
    [path.join(workspace, 'src/conversion/conversion.ts'), listFunctions(fs.readFileSync(path.join(workspace, 'src/conversion/conversion.ts'), 'utf8'), 'conversion.ts')],
  ]);

  it('reads current and older attribute keys', () => {
    assert.deepEqual(codeLocationOf({ 'code.file.path': '/a/b.ts', 'code.line.number': 12, 'code.function.name': 'B.run' }), {
      filePath: '/a/b.ts',
      lineNumber: 12,
      functionName: 'B.run',
    });
    assert.deepEqual(
      codeLocationOf([
        { key: 'code.filepath', type: 'string', value: 'b.ts' },
        { key: 'code.lineno', type: 'int64', value: '7' },
        { key: 'code.function', type: 'string', value: 'run' },
        { key: 'code.namespace', type: 'string', value: 'B' },
      ]),
      { filePath: 'b.ts', lineNumber: 7, functionName: 'B.run' },
    );
    assert.equal(codeLocationOf({ 'http.route': '/x' }), undefined);
  });

  it('compares paths by their shared tail, allowing a built .js for a .ts source', () => {
    assert.equal(sharedPathSuffix('/app/src/gateway.ts', gatewayFile), 2);
    assert.equal(sharedPathSuffix('C:\\build\\src\\gateway.js', '/home/me/svc/src/gateway.ts'), 2);
    assert.equal(sharedPathSuffix('/app/dist/gateway.js', '/home/me/svc/src/gateway.ts'), 1);
    assert.equal(sharedPathSuffix('/app/src/other.ts', gatewayFile), 0);
  });

  it('maps a span recorded in a container to the workspace function containing the line', () => {
    const line = lineOf(gatewayText, 'const res = await fetch(`http://customers-service');
    const match = matchSpanToFunction({ 'code.filepath': '/usr/src/app/src/gateway.ts', 'code.lineno': line }, functionsByFile, 'GET /owners/8/pets/10');
    assert.ok(match);
    assert.equal(match.file, gatewayFile);
    assert.equal(match.function.functionName, 'fetchPet');
    assert.equal(match.function.via, 'code-attributes');
    assert.deepEqual(match.function.spanName, { kind: 'exact', name: 'GET /owners/8/pets/10' });
  });

  it('prefers the innermost function and falls back to the function name without a line', () => {
    const text = `export class A {\n  run() {\n    const inner = () => {\n      work();\n    };\n  }\n}\n`;
    const fns = new Map([['/w/src/a.ts', listFunctions(text, 'a.ts')]]);
    assert.equal(matchSpanToFunction({ 'code.filepath': 'src/a.ts', 'code.lineno': 4 }, fns)?.function.functionName, 'inner');
    assert.equal(matchSpanToFunction({ 'code.filepath': 'src/a.ts', 'code.lineno': 2 }, fns)?.function.functionName, 'A.run');
    assert.equal(matchSpanToFunction({ 'code.filepath': 'src/a.ts', 'code.function': 'run' }, fns)?.function.functionName, 'A.run');
    assert.equal(matchSpanToFunction({ 'code.function.name': 'A.run' }, fns)?.function.functionName, 'A.run');
  });

  it('answers nothing when the location is ambiguous or unknown', () => {
    const text = `export function handler() {\n  return 1;\n}\n`;
    const fns = new Map([
      ['/w/a/index.ts', listFunctions(text, 'index.ts')],
      ['/w/b/index.ts', listFunctions(text, 'index.ts')],
    ]);
    assert.equal(matchSpanToFunction({ 'code.filepath': '/srv/index.ts', 'code.lineno': 2 }, fns), undefined);
    assert.equal(matchSpanToFunction({ 'code.filepath': '/srv/a/index.ts', 'code.lineno': 2 }, fns)?.file, '/w/a/index.ts');
    assert.equal(matchSpanToFunction({ 'code.function': 'handler' }, fns), undefined);
    assert.equal(matchSpanToFunction({ 'code.filepath': '/srv/a/index.ts', 'code.lineno': 40 }, fns), undefined);
    assert.equal(matchSpanToFunction({ 'code.filepath': '/srv/nowhere.ts', 'code.lineno': 1 }, functionsByFile), undefined);
  });
});
