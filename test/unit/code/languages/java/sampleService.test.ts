// The Java sample's files resolve to the service name its agent reports (start-all sets OTEL_SERVICE_NAME=payments,
// the pom's artifactId is payments), and the lenses on them carry the span names the agent was seen to record
// (checked end to end in test/integration/suite/javaLenses.test.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findInstrumentedFunctions } from '../../../../../src/core/code/codeIntel';
import { describeSpanNameMatcher } from '../../../../../src/core/code/instrumented/spanNameMatcher';
import { resolveServiceName } from '../../../../../src/core/code/serviceName';

const repo = path.resolve(__dirname, '../../../../..');
const sources = path.join(repo, 'samples/shop/java/payments/src/main/java/com/shop/payments');
const readFile = async (p: string): Promise<string | undefined> => {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
};

describe('Java sample: payments', () => {
  it('resolves its files to the service payments from pom.xml, not the shop’s package.json', async () => {
    const r = await resolveServiceName({ filePath: path.join(sources, 'PaymentService.java'), workspaceRoot: repo, readFile });
    assert.equal(r.service, 'payments');
    assert.equal(r.source, 'project manifest');
    assert.equal(r.file, path.join(repo, 'samples/shop/java/payments/pom.xml'));
  });

  it('has lenses for its manual spans, @WithSpan methods and HttpServer contexts', async () => {
    const names: string[] = [];
    for (const file of ['PaymentService.java', 'PaymentsServer.java']) {
      const p = path.join(sources, file);
      for (const f of await findInstrumentedFunctions(fs.readFileSync(p, 'utf8'), p)) names.push(`${f.functionName}=${describeSpanNameMatcher(f.spanName)}`);
    }
    assert.deepEqual(names, [
      'PaymentService.authorize=payments.authorize',
      'PaymentService.fraudCheck=PaymentService.fraudCheck',
      'PaymentService.record=payments.ledger',
      'PaymentService.settle=payments.settle.one',
      'PaymentService.settle=payments.settle',
      'handler for * /health=* /health',
      'PaymentsServer.authorize=* /payments/authorize',
      'PaymentsServer.settlement=* /payments/settlement',
    ]);
  });
});
