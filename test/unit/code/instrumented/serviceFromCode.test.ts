// The service a file's spans are reported under, read from the code that builds the process's resource, then
// deployment files, then manifests (issue: lenses showed nothing when package.json names were taken instead).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveServiceName } from '../../../../src/core/code/serviceName';
import { serviceNamesFromCode, invalidateServiceScans, projectRootOf } from '../../../../src/core/code/codeServiceLookup';
import { typescriptServiceFacts } from '../../../../src/core/code/languages/typescript/serviceFacts';
import { composeServices, serviceNameFromDockerfile } from '../../../../src/core/code/deploymentManifests';
import { relativeImportsOf } from '../../../../src/core/code/codeServiceName';

const root = path.resolve(__dirname, '../../../fixtures/service-from-code');
const readFile = async (p: string): Promise<string | undefined> => {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
};

async function serviceOf(rel: string, knownServices?: string[]): Promise<{ service: string | undefined; source: string; detail?: string }> {
  const file = path.join(root, rel);
  const r = await resolveServiceName({
    filePath: file,
    workspaceRoot: root,
    readFile,
    codeServices: () => serviceNamesFromCode(file, root),
    ...(knownServices ? { knownServices } : {}),
  });
  return { service: r.service, source: r.source, ...(r.detail ? { detail: r.detail } : {}) };
}

describe('service name from the code', () => {
  beforeEach(() => invalidateServiceScans());

  it('reads resource attributes, NodeSDK and registerOTel options, env fallbacks and setup-helper parameters', () => {
    const facts = typescriptServiceFacts(
      [
        "import { ATTR_SERVICE_NAME, SEMRESATTRS_SERVICE_NAME } from '@opentelemetry/semantic-conventions';",
        "const NAME = 'billing';",
        'resourceFromAttributes({ [ATTR_SERVICE_NAME]: NAME });',
        "new Resource({ [SemanticResourceAttributes.SERVICE_NAME]: 'legacy' });",
        "new Resource({ 'service.name': process.env.SVC || 'quoted' });",
        "new NodeSDK({ serviceName: 'sdk-opt' });",
        "registerOTel('vercel-app');",
        'export const init = (name: string) => resourceFromAttributes({ [SEMRESATTRS_SERVICE_NAME]: name });',
        'export function boot({ serviceName }: { serviceName: string }) { return new NodeSDK({ serviceName }); }',
        "logger.info('service.name is not set here');",
      ].join('\n'),
      'tracing.ts',
    );
    assert.deepEqual(
      facts.services.map((s) => [s.service, s.line]),
      [
        ['billing', 2],
        ['legacy', 3],
        ['quoted', 4],
        ['sdk-opt', 5],
        ['vercel-app', 6],
      ],
    );
    assert.deepEqual(facts.serviceParameters, [
      { functionName: 'init', parameterIndex: 0 },
      { functionName: 'boot', parameterIndex: 0 },
    ]);
  });

  it('follows relative imports, TypeScript ".js" specifiers included', () => {
    assert.deepEqual(relativeImportsOf("import './tracing';\nimport { a } from '../lib/a.js';\nconst b = require('./b');\nimport('x');"), ['./tracing', '../lib/a.js', './b']);
  });

  it('names a file after the resource its package builds, not the package.json name', async () => {
    assert.equal(projectRootOf(path.join(root, 'packages/fetch-web/src/index.ts'), root), path.join(root, 'packages/fetch-web'));
    assert.deepEqual(await serviceOf('packages/fetch-web/src/index.ts'), {
      service: 'fetch-web-service',
      source: 'code',
      detail: 'resource service.name at line 6 (imported tracing file)',
    });
  });

  it('takes the argument of the project\'s own setup helper, per entry point that imports the file', async () => {
    assert.equal((await serviceOf('packages/express-example/src/client.ts')).service, 'example-express-client');
    assert.equal((await serviceOf('packages/express-example/src/server.ts')).service, 'example-express-server');
    // users.ts is imported by server.ts only.
    assert.deepEqual(await serviceOf('packages/express-example/src/users.ts'), {
      service: 'example-express-server',
      source: 'code',
      detail: 'setupTracing(…) at line 2 (entry point)',
    });
  });

  it('uses the one service a package sets for files no entry point imports (a tracing file loaded with -r)', async () => {
    assert.deepEqual(await serviceOf('packages/checkout/src/pay.js'), { service: 'checkout', source: 'code', detail: 'NodeSDK serviceName at line 5 (project)' });
  });

  it('falls back to docker-compose, then the Dockerfile, for code that does not say', async () => {
    assert.deepEqual(await serviceOf('services/recommendations/app/views.py'), {
      service: 'recommendation-service',
      source: 'deployment',
      detail: 'environment of compose service recommendations',
    });
    assert.equal((await serviceOf('services/pricing/main.go')).service, 'pricing-service');
  });

  it('still yields to a service the trace source knows', async () => {
    assert.equal((await serviceOf('packages/express-example/src/users.ts', ['other', 'examples-monorepo'])).service, 'examples-monorepo');
  });

  it('reads Dockerfile ENV forms and compose services', () => {
    assert.equal(serviceNameFromDockerfile('FROM x\nENV OTEL_SERVICE_NAME orders\n'), 'orders');
    assert.equal(serviceNameFromDockerfile('ENV A=1 OTEL_SERVICE_NAME="quoted name"\n'), 'quoted name');
    assert.equal(serviceNameFromDockerfile('ENV OTEL_RESOURCE_ATTRIBUTES=service.name=attrs\n'), 'attrs');
    assert.equal(serviceNameFromDockerfile('RUN echo OTEL_SERVICE_NAME=no\n'), undefined);
    const compose = composeServices(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), path.join(root, 'docker-compose.yml'));
    assert.deepEqual(compose, [
      { name: 'recommendations', context: path.join(root, 'services/recommendations'), service: 'recommendation-service' },
      { name: 'pricing', context: path.join(root, 'services/pricing'), service: 'pricing-service' },
    ]);
  });
});
