// Set up tracing in Python, Go and Java: the generated files run with the real SDKs (Python's sends a span to a
// receiver as the service it names; Go's builds and vets against the OTel Go SDK and sends one too), the
// dependency edits pin the approved versions once, and the CLI writes everything by the file name.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../../src/cli/main';
import type { CliIo } from '../../../../src/cli/io';
import { applyTextEdits } from '../../../../src/core/code/fixes/textEdits';
import { generateGoTracingSetup, generateJavaAgentConfig, generatePythonTracingSetup, goModEdits, requirementsEdits } from '../../../../src/core/code/fixes/languageTracingSetup';
import { OtlpReceiver } from '../../../../src/core/sources/receiver/otlpReceiver';
import { repoRoot } from '../../../support/fixtures';
import { checkGoModule, goToolsPresent } from '../../../support/goModuleCheck';
import { runTool } from '../../../support/languageTools';
import { waitFor } from '../../../integration/support/wait';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') };
  return { code: await runCli(args, io, new AbortController().signal), out, err };
}

describe('set up tracing in Python, Go and Java', function () {
  this.timeout(180_000);
  let receiver: OtlpReceiver;

  before(async () => {
    receiver = await OtlpReceiver.start({ port: 0 });
  });
  after(async () => receiver.stop());

  it('Python: tracing.py sends spans over OTLP/HTTP as the service it names, sampled by ratio, with the real SDK', async function () {
    const python = path.join(repoRoot(), '.spanlens-cache', 'samples', 'python-recommendations', 'bin', 'python');
    if (!fs.existsSync(python)) {
      if (process.env['CI'] === 'true') throw new Error('the sample shop Python environment is needed (npm run build:sample)');
      this.skip();
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-pysetup-'));
    try {
      fs.writeFileSync(path.join(dir, 'tracing.py'), generatePythonTracingSetup({ serviceName: 'py "setup" svc', samplerRatio: 1, usesB3: false }));
      const script = 'import tracing\nfrom opentelemetry import trace\nwith trace.get_tracer("t").start_as_current_span("setup.check"):\n    pass\n';
      const r = runTool(python, ['-c', script], { cwd: dir, env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${receiver.port}/v1/traces` } });
      assert.equal(r.status, 0, r.stderr);
      await waitFor(() => receiver.store.services().includes('py "setup" svc'), 'the span in the receiver under the generated service name');
      assert.ok(generatePythonTracingSetup({ serviceName: 's', samplerRatio: 0.25, usesB3: true }).includes('ParentBased(TraceIdRatioBased(0.25))'));
      const compiled = runTool('python3', ['-c', `compile(${JSON.stringify(generatePythonTracingSetup({ serviceName: 's', samplerRatio: 0.25, usesB3: true }))}, "t.py", "exec")`]);
      assert.equal(compiled.status, 0, compiled.stderr);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Python: requirements.txt gets the missing pins once', () => {
    const text = 'flask==3.1.3\nOpenTelemetry_SDK>=1.40\n';
    const once = applyTextEdits(text, requirementsEdits(text, true));
    assert.equal(once, 'flask==3.1.3\nOpenTelemetry_SDK>=1.40\nopentelemetry-api==1.45.1\nopentelemetry-exporter-otlp-proto-http==1.45.1\nopentelemetry-propagator-b3==1.45.1\n');
    assert.deepEqual(requirementsEdits(once, true), []);
  });

  it('Go: tracing.go builds and vets with the OTel Go SDK, and a program calling it sends a span', async function () {
    if (!goToolsPresent()) {
      if (process.env['CI'] === 'true') throw new Error('go is needed for the Go setup test');
      this.skip();
    }
    const main = `package main

import (
	"context"
	"log"

	"go.opentelemetry.io/otel"
)

func main() {
	ctx := context.Background()
	shutdown, err := setupTracing(ctx)
	if err != nil {
		log.Fatal(err)
	}
	_, span := otel.Tracer("check").Start(ctx, "setup.check")
	span.End()
	if err := shutdown(ctx); err != nil {
		log.Fatal(err)
	}
}
`;
    const r = checkGoModule(
      { 'cmd/check/tracing.go': generateGoTracingSetup({ serviceName: 'go-setup', samplerRatio: 1, usesB3: false, packageName: 'main' }), 'cmd/check/main.go': main },
      { run: './cmd/check', env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}` } },
    );
    assert.deepEqual(r.unformatted, []);
    assert.equal(r.vet.status, 0, r.vet.stderr);
    assert.equal(r.build.status, 0, r.build.stderr);
    assert.equal(r.run?.status, 0, r.run?.stderr);
    await waitFor(() => receiver.store.services().includes('go-setup'), 'the Go span in the receiver under the generated service name');
  });

  it('Go: go.mod gets the missing requires once, in its require block', () => {
    const text = 'module shop/pricing\n\ngo 1.22\n\nrequire (\n\tgo.opentelemetry.io/otel v1.47.0\n)\n';
    const once = applyTextEdits(text, goModEdits(text));
    assert.match(once, /require \(\n\tgo\.opentelemetry\.io\/otel\/sdk v1\.47\.0\n\tgo\.opentelemetry\.io\/otel\/trace v1\.47\.0\n\tgo\.opentelemetry\.io\/otel\/exporters\/otlp\/otlptrace\/otlptracehttp v1\.47\.0\n\tgo\.opentelemetry\.io\/otel v1\.47\.0\n\)/);
    assert.deepEqual(goModEdits(once), []);
  });

  it('Java: the agent configuration names the service, the endpoint, the sampler and the propagators', () => {
    const text = generateJavaAgentConfig({ serviceName: 'payments', samplerRatio: 0.5, usesB3: true });
    const props = Object.fromEntries(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('=') as [string, string]));
    assert.deepEqual(props, {
      'otel.service.name': 'payments',
      'otel.traces.exporter': 'otlp',
      'otel.metrics.exporter': 'none',
      'otel.logs.exporter': 'none',
      'otel.exporter.otlp.protocol': 'http/protobuf',
      'otel.exporter.otlp.endpoint': 'http://localhost:4318',
      'otel.traces.sampler': 'parentbased_traceidratio',
      'otel.traces.sampler.arg': '0.5',
      'otel.propagators': 'tracecontext,baggage,b3multi',
    });
  });

  it('the CLI writes tracing.py + requirements.txt, tracing.go + go.mod, and the agent file, by the file name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-setup-cli-'));
    try {
      fs.mkdirSync(path.join(dir, 'py'));
      let r = await cli(['fix', path.join(dir, 'py', 'tracing.py'), '--fix', 'setup-tracing', '--service', 'recs', '--write']);
      assert.equal(r.code, 0, r.err);
      assert.match(fs.readFileSync(path.join(dir, 'py', 'requirements.txt'), 'utf8'), /^opentelemetry-api==1\.45\.1\n/);
      fs.mkdirSync(path.join(dir, 'go'));
      fs.writeFileSync(path.join(dir, 'go', 'go.mod'), 'module example.com/shop/pricing\n\ngo 1.22\n');
      fs.writeFileSync(path.join(dir, 'go', 'main.go'), 'package pricing\n');
      r = await cli(['fix', path.join(dir, 'go', 'tracing.go'), '--fix', 'setup-tracing', '--write']);
      assert.equal(r.code, 0, r.err);
      assert.match(fs.readFileSync(path.join(dir, 'go', 'tracing.go'), 'utf8'), /^package pricing\n[\s\S]*attribute\.String\("service\.name", "pricing"\)/);
      assert.match(fs.readFileSync(path.join(dir, 'go', 'go.mod'), 'utf8'), /\nrequire \(\n\tgo\.opentelemetry\.io\/otel v1\.47\.0\n/);
      r = await cli(['fix', path.join(dir, 'otel.properties'), '--fix', 'setup-tracing', '--service', 'payments', '--write']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /java -javaagent:opentelemetry-javaagent\.jar -Dotel\.javaagent\.configuration-file=.*otel\.properties/);
      assert.equal((await cli(['fix', path.join(dir, 'go', 'tracing.go'), '--fix', 'setup-tracing', '--write'])).code, 1, 'never over an existing file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
