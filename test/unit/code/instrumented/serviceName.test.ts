import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import {
  parseEnvFile,
  resolveServiceName,
  serviceNameFromEnv,
  serviceNameFromResourceAttributes,
  unscopedPackageName,
} from '../../../../src/core/code/serviceName';

const root = path.resolve('/ws');
function files(map: Record<string, string>): (p: string) => Promise<string | undefined> {
  const byPath = new Map(Object.entries(map).map(([k, v]) => [path.join(root, k), v]));
  return async (p) => byPath.get(path.resolve(p));
}

describe('service name resolution', () => {
  it('parses env files: export, quotes, comments, blank lines', () => {
    const env = parseEnvFile(`# comment\n\nexport A=1\nB = "two words" # c\nC='x#y'\nD=plain # trailing\nnot a line\nE=\n`);
    assert.deepEqual([...env], [
      ['A', '1'],
      ['B', 'two words'],
      ['C', 'x#y'],
      ['D', 'plain'],
      ['E', ''],
    ]);
  });

  it('reads service.name from OTEL_RESOURCE_ATTRIBUTES (percent-decoded) and prefers OTEL_SERVICE_NAME', () => {
    assert.equal(serviceNameFromResourceAttributes('deployment.environment=dev, service.name=my%20svc'), 'my svc');
    assert.equal(serviceNameFromResourceAttributes('host.name=a'), undefined);
    assert.equal(serviceNameFromEnv(new Map([['OTEL_RESOURCE_ATTRIBUTES', 'service.name=b'], ['OTEL_SERVICE_NAME', 'a']])), 'a');
    assert.equal(serviceNameFromEnv(new Map([['OTEL_RESOURCE_ATTRIBUTES', 'service.name=b']])), 'b');
  });

  it('strips an npm scope for the alternative name', () => {
    assert.equal(unscopedPackageName('@shop/orders'), 'orders');
    assert.equal(unscopedPackageName('orders'), 'orders');
  });

  it('uses the setting first', async () => {
    const r = await resolveServiceName({
      filePath: path.join(root, 'src/a.ts'),
      workspaceRoot: root,
      readFile: files({ 'package.json': '{"name":"pkg"}' }),
      override: 'from-setting',
    });
    assert.deepEqual(r, { service: 'from-setting', source: 'setting', alternatives: ['pkg'], ambiguous: false });
  });

  it('takes the nearest folder that names a service: env before package.json in the same folder', async () => {
    const readFile = files({
      'package.json': '{"name":"root-pkg"}',
      '.env': 'OTEL_SERVICE_NAME=root-env',
      'svc/package.json': '{"name":"@acme/svc-pkg"}',
      'svc/src/.env.local': 'OTEL_SERVICE_NAME=svc-local',
      'svc/src/.env': 'OTEL_SERVICE_NAME=svc-env',
    });
    const r = await resolveServiceName({ filePath: path.join(root, 'svc/src/deep/a.ts'), workspaceRoot: root, readFile, tracerNames: ['tracer-x'] });
    assert.equal(r.service, 'svc-local');
    assert.equal(r.source, 'env');
    assert.equal(r.file, path.join(root, 'svc/src/.env.local'));
    assert.deepEqual(r.alternatives, ['svc-env', '@acme/svc-pkg', 'svc-pkg', 'root-env', 'root-pkg', 'tracer-x']);

    const pkg = await resolveServiceName({ filePath: path.join(root, 'svc/lib/b.ts'), workspaceRoot: root, readFile });
    assert.equal(pkg.service, '@acme/svc-pkg');
    assert.equal(pkg.source, 'package.json');
  });

  it('does not read above the workspace root, and falls back to the tracer name', async () => {
    const readFile = files({ 'package.json': '{"name":"outside"}', 'inner/x.ts': '' });
    const r = await resolveServiceName({ filePath: path.join(root, 'inner/src/x.ts'), workspaceRoot: path.join(root, 'inner'), readFile, tracerNames: ['orders-tracer'] });
    assert.deepEqual(r, { service: 'orders-tracer', source: 'tracer', alternatives: [], ambiguous: false });
    const none = await resolveServiceName({ filePath: path.join(root, 'inner/src/x.ts'), workspaceRoot: path.join(root, 'inner'), readFile });
    assert.deepEqual(none, { service: undefined, source: 'none', alternatives: [], ambiguous: false });
  });

  it('ignores broken or nameless package.json files', async () => {
    const readFile = files({ 'a/package.json': '{ not json', 'package.json': '{"version":"1.0.0"}' });
    const r = await resolveServiceName({ filePath: path.join(root, 'a/x.ts'), workspaceRoot: root, readFile });
    assert.equal(r.service, undefined);
  });

  it('prefers a candidate the trace source knows, and flags several known candidates as ambiguous', async () => {
    const readFile = files({ 'package.json': '{"name":"@acme/orders"}' });
    const one = await resolveServiceName({ filePath: path.join(root, 'x.ts'), workspaceRoot: root, readFile, knownServices: ['orders', 'billing'] });
    assert.deepEqual(one, { service: 'orders', source: 'package.json', file: path.join(root, 'package.json'), alternatives: ['@acme/orders'], ambiguous: false });

    const two = await resolveServiceName({
      filePath: path.join(root, 'x.ts'),
      workspaceRoot: root,
      readFile,
      tracerNames: ['orders-api'],
      knownServices: ['orders', 'orders-api'],
    });
    assert.equal(two.service, 'orders');
    assert.equal(two.ambiguous, true);
    assert.deepEqual(two.alternatives, ['@acme/orders', 'orders-api']);

    const setting = await resolveServiceName({ filePath: path.join(root, 'x.ts'), workspaceRoot: root, readFile, override: 'typo', knownServices: ['orders'] });
    assert.equal(setting.service, 'typo');
  });
});
