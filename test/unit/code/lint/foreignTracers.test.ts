// Only the OpenTelemetry API is the OpenTelemetry API: scripts tracing with k6, dd-trace, Sentry and others get no
// OTel findings and no OTel fixes (a k6 script cannot even load an @opentelemetry/api import).
import * as assert from 'node:assert/strict';
import { lintText } from '../../../../src/core/code/lint/lintEngine';
import { computeFix, listRefactorings } from '../../../../src/core/code/fixes/fixApi';

const every = {
  rules: {
    'span-not-ended': 'warning',
    'exception-not-recorded': 'warning',
    'high-cardinality-span-name': 'warning',
    'sensitive-attribute': 'warning',
    'deprecated-attribute-key': 'warning',
    'duplicate-span-name': 'warning',
    'span-not-active': 'warning',
    'missing-propagation': 'warning',
  },
} as const;

const body = `
export default function (userId) {
  const span = tracer.startSpan('checkout ' + userId);
  span.setAttribute('http.method', 'GET');
  span.setAttribute('password', 'hunter2');
  try {
    http.get('http://localhost:8080/checkout');
  } catch (e) {
    console.log(e);
  }
}
`;

const headers: Record<string, string> = {
  k6: "import http from 'k6/http';\nimport { tracer } from 'k6/x/otel';\n",
  'dd-trace': "const tracer = require('dd-trace').init();\nconst http = require('axios');\n",
  sentry: "import * as Sentry from '@sentry/node';\nconst tracer = Sentry;\nimport http from 'axios';\n",
};

describe('non-OpenTelemetry tracers', () => {
  for (const [name, header] of Object.entries(headers)) {
    it(`gives a ${name} script no OTel findings, no fixes, and a disabled wrap-in-span saying why`, () => {
      const text = header + body;
      assert.deepEqual(lintText(text, 'script.js', every), []);
      const pos = { line: header.split('\n').length + 2, character: 4 };
      const refactorings = listRefactorings(text, 'script.js', pos);
      assert.equal(refactorings.length, 1);
      assert.match(refactorings[0]!.disabledReason ?? '', /traces with .*, not the OpenTelemetry API/);
      assert.equal(computeFix(text, 'script.js', 'add-span', pos), undefined);
    });
  }

  it('still lints the same code written against the OpenTelemetry API (control)', () => {
    const text = "import { trace } from '@opentelemetry/api';\nimport http from 'axios';\nconst tracer = trace.getTracer('t');\n" + body;
    const rules = new Set(lintText(text, 'script.js', every).map((f) => f.rule));
    for (const r of ['span-not-ended', 'high-cardinality-span-name', 'sensitive-attribute', 'deprecated-attribute-key', 'exception-not-recorded']) assert.ok(rules.has(r as never), `${r} in ${[...rules].join(', ')}`);
  });
});
