// Dev aid: runs the sample shop into an in-process receiver and writes every trace it made to a Jaeger JSON file.
// Usage: node -r tsx/cjs test/support/dumpShopTraces.ts OUT.json [REQUESTS] [SHOP_VERSION]
import * as fs from 'node:fs';
import { OtlpReceiver } from '../../src/core/sources/receiver/otlpReceiver';
import { toJaegerJsonTrace } from '../../src/core/model/jaegerJson';
import { runShop } from './shopRun';

async function main(): Promise<void> {
  const [out, requests = '30', ...versions] = process.argv.slice(2);
  if (!out) throw new Error('usage: dumpShopTraces.ts OUT.json [REQUESTS] [SHOP_VERSION...]');
  const receiver = await OtlpReceiver.start({ port: 0 });
  try {
    for (const version of versions.length > 0 ? versions : ['1.0.0']) {
      const started = Date.now();
      const report = await runShop({ endpoint: receiver.endpoint, requests: Number(requests), env: { SHOP_VERSION: version } });
      console.error(`shop ${version}: ${report.sent} requests in ${Date.now() - started} ms`);
    }
    const traces = [...receiver.store.spansByTrace()].map((t) => receiver.store.getTrace(t.traceId)!);
    fs.writeFileSync(out, JSON.stringify({ data: traces.map(toJaegerJsonTrace) }));
    console.error(`${traces.length} traces → ${out}`);
  } finally {
    await receiver.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
