// Run by receiver.bench.ts: `node --require tsx/cjs receiverSender.child.ts <tracesUrl> <protobuf|json> <requests> <clients>`.
// Plays the exporters: builds the export bodies first, then posts them all from <clients> keep-alive connections
// and prints {"ms": elapsed} once every answer is in. A separate process, so the sending does not share the
// receiver's event loop.
import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import { exportBatches, jsonBodies, protobufBodies } from './receiverData';

const [url, format, requestsText, clientsText] = process.argv.slice(2) as [string, string, string, string];
const batches = exportBatches(Number(requestsText));
const bodies = format === 'json' ? jsonBodies(batches) : protobufBodies(batches);
const contentType = format === 'json' ? 'application/json' : 'application/x-protobuf';
const clients = Number(clientsText);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });

function post(body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, timeout: 60_000, headers: { 'Content-Type': contentType, 'Content-Length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < bodies.length) {
        const status = await post(bodies[next++]!);
        if (status !== 200) throw new Error(`receiver answered ${status}`);
      }
    }),
  );
  console.log(JSON.stringify({ ms: performance.now() - t0 }));
  agent.destroy();
}

main().catch((e: unknown) => {
  console.error(String(e));
  process.exit(1);
});
