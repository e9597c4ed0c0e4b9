import * as assert from 'node:assert/strict';
import type { ErrorGroup } from '../../../src/core/exceptions/errorGroups';
import { errorGroupsOfFunction } from '../../../src/core/exceptions/functionErrorGroups';

const example = { traceId: 't', spanId: 's', service: 'orders', operation: 'op', timeUs: 1, traceDurationUs: 1 };

function group(id: string, location: ErrorGroup['location'], operations: Array<[string, string]>): ErrorGroup {
  return {
    id,
    kind: location ? 'exception' : 'status',
    type: location ? 'Error' : '',
    message: id,
    exampleMessage: id,
    location,
    runtime: undefined,
    spanCount: 1,
    traceCount: 1,
    firstSeenUs: 1,
    lastSeenUs: 1,
    services: [...new Set(operations.map(([s]) => s))],
    operations: operations.map(([service, operation]) => ({ service, operation, count: 1 })),
    escaped: undefined,
    trend: [1],
    slowest: example,
    latest: example,
    causes: [],
  };
}

const at = (file: string, line: number, inWorkspace = true): ErrorGroup['location'] => ({ file, line, function: 'f', inWorkspace });

describe('error groups of a function (lens hover)', () => {
  const groups = [
    group('recorded-on-its-span', at('/ws/src/db.ts', 9), [['orders', 'orders.validate']]),
    group('thrown-inside', at('/ws/src/orders.ts', 52), [['orders', 'orders.validate']]),
    group('other-function-same-file', at('/ws/src/orders.ts', 80), [['orders', 'orders.create']]),
    group('same-operation-other-service', at('/ws/src/x.ts', 3), [['billing', 'orders.validate']]),
    group('outside-the-workspace', at('/ws/src/orders.ts', 52, false), [['inventory', 'stock']]),
    group('status-on-its-span', undefined, [['orders', 'orders.validate']]),
  ];
  const scope = { isFile: (f: string) => f === '/ws/src/orders.ts', lines: [{ start: 45, end: 55 }], spans: [{ service: 'orders', operations: ['orders.validate'] }] };

  it('lists groups thrown inside the function first, then those recorded on its spans', () => {
    assert.deepEqual(
      errorGroupsOfFunction(groups, scope).map((g) => [g.group.id, g.thrownHere]),
      [
        ['thrown-inside', true],
        ['recorded-on-its-span', false],
        ['status-on-its-span', false],
      ],
    );
  });

  it('takes the lines as 0-based and inclusive, and several functions of one line together', () => {
    const edge = [group('first-line', at('/ws/src/orders.ts', 46), []), group('last-line', at('/ws/src/orders.ts', 56), []), group('after', at('/ws/src/orders.ts', 57), [])];
    assert.deepEqual(errorGroupsOfFunction(edge, { ...scope, spans: [] }).map((g) => g.group.id), ['first-line', 'last-line']);
    assert.deepEqual(errorGroupsOfFunction(edge, { ...scope, lines: [{ start: 45, end: 45 }, { start: 56, end: 60 }], spans: [] }).map((g) => g.group.id), ['first-line', 'after']);
  });

  it('finds nothing for a function without spans or errors', () => {
    assert.deepEqual(errorGroupsOfFunction(groups, { isFile: () => false, lines: [], spans: [] }), []);
  });
});
