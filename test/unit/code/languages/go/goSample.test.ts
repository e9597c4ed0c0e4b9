// The Go sample (samples/shop/go/pricing): its files resolve to the service name the SDK reports (start-all sets
// OTEL_SERVICE_NAME=pricing, the go.mod module path ends in pricing), and the lenses on it carry the span names the
// SDK and otelhttp were seen to record (checked end to end in test/integration/suite/goPythonLenses.test.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findInstrumentedFunctions } from '../../../../../src/core/code/codeIntel';
import { describeSpanNameMatcher } from '../../../../../src/core/code/instrumented/spanNameMatcher';
import { resolveServiceName } from '../../../../../src/core/code/serviceName';

const repo = path.resolve(__dirname, '../../../../..');
const service = path.join(repo, 'samples/shop/go/pricing');
const readFile = async (p: string): Promise<string | undefined> => {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
};

describe('Go sample: pricing', () => {
  it('resolves its files to the service pricing from go.mod, not the shop’s package.json', async () => {
    const r = await resolveServiceName({ filePath: path.join(service, 'main.go'), workspaceRoot: repo, readFile });
    assert.equal(r.service, 'pricing');
    assert.equal(r.file, path.join(service, 'go.mod'));
  });

  it('has lenses for its manual spans and the routes of the mux otelhttp wraps, none for /health beside it', async () => {
    const names: string[] = [];
    for (const file of ['main.go', 'tracing.go']) {
      const p = path.join(service, file);
      for (const f of await findInstrumentedFunctions(fs.readFileSync(p, 'utf8'), p)) names.push(`${f.qualifiedName}=${describeSpanNameMatcher(f.spanName)}`);
    }
    assert.deepEqual(names, [
      'main.listPrices=GET /prices',
      'main.lookupPrices=pricing.lookup',
      'main.recompute=pricing.recompute',
      'main.recomputeOne=pricing.recompute.{sku}',
      'main.quote=POST /quote',
      'main.discounted=pricing.discount',
    ]);
  });
});
