import { strict as assert } from 'node:assert';
import { rfc3339FromUs, metricsParams, v1SearchParams, v3SearchParams } from '../../../src/core/sources/jaeger/jaegerQueries';
import { mergeOperationMetrics, parseMetricFamily } from '../../../src/core/sources/jaeger/jaegerMetrics';
import { nanosToUs, parseTraceSummaries } from '../../../src/core/sources/jaeger/jaegerSummaries';
import { isEndpointAbsent, jaegerErrorMessage } from '../../../src/core/sources/jaeger/jaegerResponses';
import { readFixture } from '../../support/fixtures';

describe('Jaeger request and response details', () => {
  it('RFC 3339 with microseconds, UTC', () => {
    assert.equal(rfc3339FromUs(0), '1970-01-01T00:00:00.000000Z');
    assert.equal(rfc3339FromUs(1_700_000_000_123_456), '2023-11-14T22:13:20.123456Z');
    assert.equal(rfc3339FromUs(1_700_000_000_123_456.5), '2023-11-14T22:13:20.123456Z');
  });

  it('v3 and v1 search parameters', () => {
    const q = { service: 's', startUs: 1_000_000, endUs: 2_000_000.5, limit: 3, tags: { k: 'v' } };
    assert.equal(v3SearchParams(q, false).toString(), 'query.service_name=s&query.start_time_min=1970-01-01T00%3A00%3A01.000000Z&query.start_time_max=1970-01-01T00%3A00%3A02.000000Z&query.num_traces=3');
    assert.equal(v3SearchParams(q, true).get('query.attributes'), '{"k":"v"}');
    assert.equal(v1SearchParams(q).toString(), 'service=s&start=1000000&end=2000001&limit=3&tag=k%3Av');
  });

  it('metrics parameters: ms, repeated services and kinds, window-long rate', () => {
    const p = metricsParams({ services: ['a', 'b'], endMs: 5000.4, lookbackMs: 900_000, spanKinds: ['server', 'consumer'] });
    assert.equal(p.toString(), 'service=a&service=b&groupByOperation=true&endTs=5000&lookback=900000&step=900000&ratePer=900000&spanKind=server&spanKind=consumer');
  });

  it('MetricFamily: newest finite point; null, "NaN" and numeric strings handled', () => {
    const samples = JSON.parse(readFixture('jaeger-ui/spm_metricfamily_samples.json')) as Record<string, unknown>;
    assert.deepEqual(parseMetricFamily(samples['serviceLatencies50withNull']), [{ service: 'cartservice', operation: '', value: 189.85926305015352 }]);
    assert.deepEqual(parseMetricFamily(samples['serviceOpsLatencies']), [{ service: 'checkoutservice', operation: '/PlaceOrder', value: 735 }]);
    const nan = { name: 'x', metrics: [{ labels: [{ name: 'service_name', value: 's' }], metricPoints: [{ gaugeValue: { doubleValue: 'NaN' }, timestamp: '2021-01-01T00:00:00Z' }] }] };
    assert.deepEqual(parseMetricFamily(nan), [{ service: 's', operation: '', value: undefined }]);
    const outOfOrder = {
      metrics: [
        {
          labels: [{ name: 'service_name', value: 's' }],
          metricPoints: [
            { gaugeValue: { doubleValue: 2 }, timestamp: '2021-01-01T00:01:00Z' },
            { gaugeValue: { doubleValue: 1 }, timestamp: '2021-01-01T00:00:00Z' },
          ],
        },
      ],
    };
    assert.equal(parseMetricFamily(outOfOrder)?.[0]?.value, 2);
    assert.deepEqual(parseMetricFamily({ name: 'empty' }), []);
    assert.equal(parseMetricFamily([1]), undefined);
  });

  it('merges families into rows', () => {
    const rows = mergeOperationMetrics({
      p95: [{ service: 's', operation: 'b', value: 10 }, { service: 's', operation: 'a', value: 5 }],
      errors: [{ service: 's', operation: 'a', value: 0 }],
      calls: [{ service: 's', operation: 'a', value: undefined }],
    });
    assert.deepEqual(rows, [
      { service: 's', operation: 'a', p95Ms: 5, errorRate: 0 },
      { service: 's', operation: 'b', p95Ms: 10 },
    ]);
  });

  it('trace-summaries: the recorded v2.20 snapshot', () => {
    const rows = parseTraceSummaries(JSON.parse(readFixture('jaeger/apiv3_snapshot_FindTraceSummaries.json')));
    assert.deepEqual(rows, [
      {
        traceId: '00000000000000000000000000000001',
        rootService: 'frontend',
        rootOperation: 'HTTP GET /',
        startTimeUs: 1_000_000_000,
        durationUs: 1_000_000,
        spanCount: 2,
        errorCount: 1,
        services: ['frontend'],
      },
    ]);
    assert.deepEqual(parseTraceSummaries({}), []);
    assert.equal(parseTraceSummaries({ summaries: 3 }), undefined);
  });

  it('ns strings beyond 2^53 convert to µs exactly', () => {
    assert.equal(nanosToUs('1721234567891234567'), 1_721_234_567_891_234.5);
    assert.equal(nanosToUs('1721234567891234000'), 1_721_234_567_891_234);
  });

  it('error messages from both envelopes; endpoint absence', () => {
    assert.equal(jaegerErrorMessage('{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":400,"msg":"parameter \'service\' is required"}]}\n'), "parameter 'service' is required");
    assert.equal(jaegerErrorMessage('{"error":{"httpCode":404,"message":"No traces found"}}'), 'No traces found');
    assert.equal(jaegerErrorMessage('Bad Gateway\n'), 'Bad Gateway');
    const r = (status: number, text: string): { status: number; text: string; contentType: string; path: string } => ({ status, text, contentType: '', path: '/x' });
    assert.equal(isEndpointAbsent(r(404, '404 page not found\n')), true);
    assert.equal(isEndpointAbsent(r(200, '<!doctype html>')), true);
    assert.equal(isEndpointAbsent(r(404, '{"error":{"httpCode":404,"message":"No traces found"}}')), false);
    assert.equal(isEndpointAbsent(r(502, 'Bad Gateway')), false);
  });
});
