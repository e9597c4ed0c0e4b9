// Run by receiver.bench.ts as `node --expose-gc --require tsx/cjs receiverMemory.child.ts <requests>`: the heap a
// TraceStore keeps for the spans of <requests> protobuf exports, measured after full GCs. Prints one JSON line.
import { decodeExportRequest } from '../../src/core/sources/receiver/exportRequest';
import { TraceStore } from '../../src/core/sources/receiver/traceStore';
import { exportBatches, protobufBodies } from './receiverData';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

function settledHeap(): number {
  for (let i = 0; i < 4; i++) gc!();
  return process.memoryUsage().heapUsed;
}

const requests = Number(process.argv[2] ?? 196);
const bodies = protobufBodies(exportBatches(requests));
const store = new TraceStore({ maxSpans: 10_000_000, maxBytes: Number.MAX_SAFE_INTEGER });
// Warm the decoder (protobufjs compiles its codecs on first use) so its code is in the baseline.
decodeExportRequest(bodies[0]!, 'protobuf', 'warm-up');
const before = settledHeap();
for (const body of bodies) store.add(decodeExportRequest(body, 'protobuf', 'bench').traces);
const after = settledHeap();
const stats = store.stats();
console.log(JSON.stringify({ spans: stats.spans, heapBytes: after - before, estimateBytes: stats.bytesEstimate }));
