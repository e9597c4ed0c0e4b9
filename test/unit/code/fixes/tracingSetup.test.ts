// The generated tracing bootstrap compiles against the real OpenTelemetry packages (installed as dev dependencies
// at the versions the generator writes into package.json), in every language/module style, with and without B3.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Project, ts } from 'ts-morph';
import { b3PackageVersions, generateTracingSetup, packageJsonEdits, tracingPackageVersions, type TracingSetupOptions } from '../../../../src/core/code/fixes/tracingSetup';
import { applyTextEdits } from '../../../../src/core/code/fixes/textEdits';
import { SpanLensError } from '../../../../src/core/errors';

const repoRoot = path.resolve(__dirname, '../../../..');

function installedVersion(pkg: string): string {
  return (JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

describe('generateTracingSetup', function () {
  this.timeout(120_000);

  const variants: TracingSetupOptions[] = [
    { language: 'ts', moduleStyle: 'esm', serviceName: 'checkout', samplerRatio: 0.25, usesB3: false },
    { language: 'ts', moduleStyle: 'esm', serviceName: 'checkout', samplerRatio: 1, usesB3: true },
    { language: 'js', moduleStyle: 'cjs', serviceName: "o'brien-svc", samplerRatio: 0.1, usesB3: false },
    { language: 'js', moduleStyle: 'cjs', serviceName: 'legacy', samplerRatio: 0.5, usesB3: true },
    { language: 'js', moduleStyle: 'esm', serviceName: 'edge', samplerRatio: 0, usesB3: true },
  ];

  it('writes the file name, service, sampler, exporter endpoint and shutdown hooks', () => {
    const f = generateTracingSetup(variants[0]!);
    assert.equal(f.fileName, 'tracing.ts');
    assert.match(f.text, /process\.env\.OTEL_SERVICE_NAME \?\? 'checkout'/);
    assert.match(f.text, /new ParentBasedSampler\(\{ root: new TraceIdRatioBasedSampler\(0\.25\) \}\)/);
    assert.match(f.text, /'http:\/\/localhost:4318\/v1\/traces'/);
    assert.match(f.text, /spanProcessors: \[new BatchSpanProcessor\(exporter\)\]/);
    assert.match(f.text, /process\.once\('SIGTERM'/);
    assert.match(f.text, /process\.once\('beforeExit'/);
    assert.doesNotMatch(f.text, /B3Propagator/);
    assert.equal(generateTracingSetup(variants[2]!).fileName, 'tracing.js');
    assert.equal(generateTracingSetup(variants[4]!).fileName, 'tracing.mjs');
    assert.match(generateTracingSetup(variants[2]!).text, /const \{ NodeSDK \} = require\('@opentelemetry\/sdk-node'\);/);
    assert.match(generateTracingSetup(variants[2]!).text, /'o\\'brien-svc'/);
    assert.match(generateTracingSetup(variants[1]!).text, /new CompositePropagator\(\{\n\s+propagators: \[new W3CTraceContextPropagator\(\), new W3CBaggagePropagator\(\), new B3Propagator\(\)\]/);
  });

  it('refuses a sampler ratio outside 0..1', () => {
    assert.throws(() => generateTracingSetup({ ...variants[0]!, samplerRatio: 1.5 }), SpanLensError);
    assert.throws(() => generateTracingSetup({ ...variants[0]!, samplerRatio: Number.NaN }), SpanLensError);
  });

  it('pins the versions that are installed here (the ones the type-check below uses)', () => {
    for (const [pkg, version] of Object.entries({ ...tracingPackageVersions, ...b3PackageVersions })) {
      assert.equal(installedVersion(pkg), version, pkg);
    }
  });

  it('type-checks every variant against the real packages', () => {
    const project = new Project({
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: ['node'],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        allowJs: true,
        checkJs: true,
        noUnusedLocals: true,
      },
      skipAddingFilesFromTsConfig: true,
    });
    const problems: string[] = [];
    variants.forEach((v, i) => {
      const f = generateTracingSetup(v);
      // In the repo so the packages resolve from its node_modules; never written to disk.
      const file = project.createSourceFile(path.join(repoRoot, 'test', '.generated', `v${i}`, f.fileName), f.text, { overwrite: true });
      for (const d of file.getPreEmitDiagnostics()) {
        problems.push(`${v.language}/${v.moduleStyle}/b3=${v.usesB3}: TS${d.getCode()} ${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, ' ')} (line ${d.getLineNumber()})`);
      }
    });
    assert.deepEqual(problems, []);
  });
});

describe('packageJsonEdits', () => {
  it('adds the missing packages to an existing dependencies block, keeping the file style', () => {
    const pkg = '{\n    "name": "shop",\n    "dependencies": {\n        "express": "^4.19.2",\n        "@opentelemetry/api": "^1.8.0"\n    }\n}\n';
    const out = applyTextEdits(pkg, packageJsonEdits(pkg));
    const json = JSON.parse(out) as { dependencies: Record<string, string> };
    assert.equal(json.dependencies['express'], '^4.19.2');
    assert.equal(json.dependencies['@opentelemetry/api'], '^1.8.0', 'an existing version is kept');
    assert.equal(json.dependencies['@opentelemetry/sdk-node'], tracingPackageVersions['@opentelemetry/sdk-node']);
    assert.equal(json.dependencies['@opentelemetry/propagator-b3'], undefined);
    assert.match(out, /\n {8}"@opentelemetry\/exporter-trace-otlp-http": "0\.223\.0",\n/);
    assert.equal(Object.keys(json.dependencies).length, 2 + Object.keys(tracingPackageVersions).length - 1);
  });

  it('creates dependencies when there are none, and adds B3 packages on request', () => {
    const pkg = '{\n  "name": "edge",\n  "version": "1.0.0"\n}';
    const out = applyTextEdits(pkg, packageJsonEdits(pkg, { usesB3: true }));
    const json = JSON.parse(out) as { dependencies: Record<string, string> };
    assert.deepEqual(Object.keys(json.dependencies).sort(), Object.keys({ ...tracingPackageVersions, ...b3PackageVersions }).sort());
  });

  it('fills an empty dependencies object and counts devDependencies as present', () => {
    const pkg = '{ "dependencies": {}, "devDependencies": { "@opentelemetry/semantic-conventions": "1.0.0" } }';
    const json = JSON.parse(applyTextEdits(pkg, packageJsonEdits(pkg))) as { dependencies: Record<string, string> };
    assert.equal(json.dependencies['@opentelemetry/semantic-conventions'], undefined);
    assert.equal(Object.keys(json.dependencies).length, Object.keys(tracingPackageVersions).length - 1);
  });

  it('changes nothing when everything is there, and rejects a non-object', () => {
    const all = JSON.stringify({ dependencies: tracingPackageVersions });
    assert.deepEqual(packageJsonEdits(all), []);
    assert.throws(() => packageJsonEdits('[1, 2]'), SpanLensError);
  });
});
