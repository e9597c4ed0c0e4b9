// The sample workspace (test/fixtures/lens-workspace) must produce lenses whose span names and services are in the
// shared fixture traces, so the integration test can compare lens figures with figures computed from the files.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findInstrumentedFunctions } from '../../../../src/core/code/instrumented/finder';
import { spanNameMatches } from '../../../../src/core/code/instrumented/spanNameMatcher';
import { resolveServiceName } from '../../../../src/core/code/serviceName';
import { parseTraceDocument } from '../../../../src/core/model/traceDocument';
import type { Span } from '../../../../src/core/model/trace';
import { readFixture } from '../../../support/fixtures';

const workspace = path.resolve(__dirname, '../../../fixtures/lens-workspace');

/** The fixture files the workspace's services are recorded in. */
const lensWorkspaceFixtures: readonly string[] = [
  'jaeger-ui/petclinic_spanAmongEachOtherGroupedAndSpans.v1trace.json',
  'jaeger-ui/petclinic_spanLongerAsParent.v1trace.json',
  'jaeger-ui/petclinic_testTraceNormal.v1trace.json',
  'jaeger/ui_01.v1trace.json',
  'jaeger/memory_otel_traces_01.otlp.json',
  'zipkin/messaging-kafka.zipkin2.json',
  'zipkin/yelp.zipkin2.json',
  'zipkin/ascend.zipkin2.json',
];

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []))
    .sort();
}

async function readOrUndefined(p: string): Promise<string | undefined> {
  try {
    return await fs.promises.readFile(p, 'utf8');
  } catch {
    return undefined;
  }
}

interface LensData {
  readonly file: string;
  readonly functionName: string;
  readonly via: string;
  readonly service: string | undefined;
  readonly matched: string | undefined;
  readonly durationsUs: number[];
}

async function lensData(): Promise<LensData[]> {
  const spans: Span[] = lensWorkspaceFixtures.flatMap((f) => parseTraceDocument(readFixture(f), f).flatMap((t) => [...t.spans]));
  const out: LensData[] = [];
  for (const file of sourceFiles(path.join(workspace, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const fn of findInstrumentedFunctions(text, file)) {
      const { service } = await resolveServiceName({ filePath: file, workspaceRoot: workspace, readFile: readOrUndefined, tracerNames: fn.tracerName ? [fn.tracerName] : [] });
      let matched: string | undefined;
      let durationsUs: number[] = [];
      for (const m of [fn.spanName, ...fn.alternativeSpanNames]) {
        const hits = spans.filter((s) => s.service === service && spanNameMatches(m, s.name));
        if (hits.length > 0) {
          matched = m.kind === 'exact' ? m.name : m.regex;
          durationsUs = hits.map((s) => s.durationUs);
          break;
        }
      }
      out.push({ file: path.relative(workspace, file).split(path.sep).join('/'), functionName: fn.functionName, via: fn.via, service, matched, durationsUs });
    }
  }
  return out;
}

describe('lens workspace ↔ fixture traces', () => {
  it('every instrumented function has spans in the fixtures under its service, with the expected counts', async () => {
    const data = await lensData();
    const rows = data.map((d) => `${d.file} | ${d.functionName} | ${d.via} | ${d.service} | ${d.matched} | ${d.durationsUs.length}`);
    assert.deepEqual(rows, [
      'src/content/routes.ts | handler for GET /content/personal | route | content-service | get /content/personal | 1',
      'src/conversion/conversion.ts | Converter.convert | startActiveSpan | service-x | test-general-conversion | 1',
      'src/conversion/conversion.ts | Converter.someOperation | startSpan | service-x | some-operation | 1',
      'src/conversion/conversion.ts | Converter.convertVariant | startSpan | service-x | ^test-general-conversion-.+$ | 4',
      'src/customers/hikari.ts | HikariProxyPreparedStatement.executeQuery | decorator | customers-service | HikariProxyPreparedStatement.executeQuery | 18',
      'src/customers/owners.controller.ts | OwnersController.findAll | route | customers-service | GET /owners | 1',
      'src/customers/owners.controller.ts | OwnersController.findPet | route | customers-service | ^(?:GET|get) /owners/[^/]+/pets/[^/]+$ | 5',
      'src/gateway.ts | handler for GET /api/customer/owners | route | api-gateway | GET /api/customer/owners | 1',
      'src/gateway.ts | getPet | route | api-gateway | ^(?:GET|get) /api/customer/owners/[^/]+/pets/[^/]+$ | 2',
      'src/gateway.ts | fetchOwners | startActiveSpan | api-gateway | GET /owners | 1',
      'src/gateway.ts | fetchPet | startActiveSpan | api-gateway | ^GET /owners/.+/pets/.+$ | 2',
      'src/messaging/consumer.ts | onMessage | wrapper | servicea | on-message | 6',
      'src/messaging/consumer.ts | handleMessage | wrapper | servicea | handle | 3',
      'src/messaging/consumer.ts | Producer.send | startSpan | servicea | send | 9',
      'src/messaging/consumer.ts | setInterval callback | startSpan | servicea | poll | 4',
      'src/mobile/location.ts | updateLocation | route | mobile_api | post /location/update/v4 | 1',
      'src/references/references.ts | ReferenceChecks.checkReferences | decorator | service-y | reference-test | 1',
      'src/references/references.ts | ReferenceChecks.preserve | startSpan | service-y | ^preserveParentID-.+$ | 1',
    ]);
  });

  it('covers every mapping rule', async () => {
    const vias = new Set((await lensData()).map((d) => d.via));
    for (const via of ['startActiveSpan', 'startSpan', 'decorator', 'wrapper', 'route']) assert.ok(vias.has(via), via);
  });
});
