// listFunctions for Java: methods, constructors (`<init>`), lambdas held by fields and locals, with the names
// code.function.name carries (package from the file, `$` for nested, anonymous and local classes).
import * as assert from 'node:assert/strict';
import { findSymbol, functionAt, listFunctions } from '../../../../../src/core/code/codeIntel';
import { snippets } from './javaSnippets';
import { fileOf, functionsOf } from './javaTestSupport';

describe('Java: functions and qualified names', () => {
  it('lists methods, constructors and variable-held lambdas with their JVM class names', async () => {
    const fns = await functionsOf('functions');
    assert.deepEqual(
      fns.map((f) => [f.functionName, f.qualifiedName]),
      [
        ['OrderService.normalize', 'com.shop.OrderService.normalize'],
        ['OrderService.<init>', 'com.shop.OrderService.<init>'],
        ['OrderService.create', 'com.shop.OrderService.create'],
        ['OrderService.create.local', 'com.shop.OrderService.create.local'],
        ['Helper.help', 'com.shop.OrderService$1Helper.help'],
        ['OrderService$1.run', 'com.shop.OrderService$1.run'],
        ['OrderService$2.run', 'com.shop.OrderService$2.run'],
        ['OrderService$2$1.run', 'com.shop.OrderService$2$1.run'],
        ['Inner.work', 'com.shop.OrderService$Inner.work'],
        ['Deeper.deep', 'com.shop.OrderService$Inner$Deeper.deep'],
        ['OrderService$Status$1.label', 'com.shop.OrderService$Status$1.label'],
        ['Status.label', 'com.shop.OrderService$Status.label'],
        ['Line.<init>', 'com.shop.OrderService$Line.<init>'],
        ['Line.count', 'com.shop.OrderService$Line.count'],
      ],
    );
  });

  it('finds the function at a position and a function by code.namespace + code.function', async () => {
    const text = snippets.functions;
    const line = text.split('\n').findIndex((l) => l.includes('void work()'));
    assert.equal((await functionAt(text, fileOf('functions'), { line, character: 6 }))?.functionName, 'Inner.work');
    assert.equal((await findSymbol(text, fileOf('functions'), 'com.shop.OrderService$Inner.work'))?.functionName, 'Inner.work');
    assert.equal((await findSymbol(text, fileOf('functions'), 'com.shop.OrderService.create'))?.functionName, 'OrderService.create');
    assert.equal(await findSymbol(text, fileOf('functions'), 'com.shop.OrderService.remove'), undefined);
  });

  it('lists nothing for a file without functions, and reads the default package', async () => {
    assert.deepEqual(await listFunctions('interface Names { String A = "a"; }\n', '/w/Names.java'), []);
    const fns = await listFunctions('class Top { void m() {} }\n', '/w/Top.java');
    assert.deepEqual(fns.map((f) => [f.functionName, f.qualifiedName ?? f.functionName]), [['Top.m', 'Top.m']]);
  });
});
