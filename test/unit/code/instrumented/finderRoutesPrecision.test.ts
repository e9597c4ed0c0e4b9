// Route and name shapes found on real code: router factories mounted behind middleware, array paths, and span
// names chosen by a conditional of literals.
import * as assert from 'node:assert/strict';
import { findInstrumentedFunctions } from '../../../../src/core/code/instrumented/finder';
import { spanNameMatches } from '../../../../src/core/code/instrumented/spanNameMatcher';
import type { SpanNameMatcher } from '../../../../src/core/code/instrumented/types';
import { linesWithSeveralSpans } from '../../../../src/core/code/instrumented/lensOrder';

const show = (m: SpanNameMatcher): string => (m.kind === 'exact' ? m.name : `/${m.regex}/`);

describe('findInstrumentedFunctions: routers from factories, array paths, conditional names', () => {
  it('gives the routes of a router factory the prefix it is mounted at, middleware in between', () => {
    const src = `
import express from 'express';
import { auth } from './auth';
const app = express();
function makeCatsRouter(db) {
  const router = express.Router();
  router.get('/:id', (req, res) => res.json(db.get(req.params.id)));
  return router;
}
const makeDogsRouter = () => {
  const dogs = express.Router();
  dogs.post('/', function createDog(req, res) { res.end(); });
  return dogs;
};
app.use('/cats', auth, makeCatsRouter(db));
app.use('/dogs', makeDogsRouter());`;
    const found = findInstrumentedFunctionsSorted(src);
    assert.deepEqual(found, [
      ['handler for GET /cats/:id', 'GET /cats/:id'],
      ['createDog', 'POST /dogs'],
    ]);
  });

  it('without the mount, a factory router keeps the unknown-prefix pattern', () => {
    const src = `
import express from 'express';
export function makeRouter() {
  const router = express.Router();
  router.get('/:id', (req, res) => res.end());
  return router;
}`;
    const [f] = findInstrumentedFunctions(src, 'r.ts');
    assert.ok(f);
    assert.ok(f.alternativeSpanNames.some((a) => spanNameMatches(a, 'GET /api/cats/:id')));
  });

  it('names an array route as the express instrumentation records it, and each path as an alternative', () => {
    const src = `
import express from 'express';
const app = express();
const api = express.Router();
app.use('/api', api);
api.get(['/users/:id', '/people/:id'], function getPerson(req, res) { res.end(); });`;
    const [f] = findInstrumentedFunctions(src, 'a.ts');
    assert.ok(f);
    assert.equal(f.functionName, 'getPerson');
    assert.deepEqual(f.spanName, { kind: 'exact', name: 'GET /api/users/:id,/people/:id' });
    assert.deepEqual(f.route?.arrayPaths, ['/api/users/:id', '/api/people/:id']);
    assert.ok(f.alternativeSpanNames.some((a) => spanNameMatches(a, 'GET /api/people/7')));
    assert.ok(f.alternativeSpanNames.some((a) => spanNameMatches(a, 'GET /api/users/7')));
    assert.ok(f.alternativeSpanNames.some((a) => spanNameMatches(a, 'request handler - /api/users/:id,/people/:id')));
    assert.ok(!f.alternativeSpanNames.some((a) => spanNameMatches(a, 'GET /api/people/7/x')));
  });

  it('refuses array paths with a non-literal element', () => {
    const src = `
import express from 'express';
const app = express();
app.get(['/a', somePath], (req, res) => res.end());`;
    assert.deepEqual(findInstrumentedFunctions(src, 'a.ts'), []);
  });

  it('gives a span name chosen by a conditional of literals one lens per name, and none when a branch is unknown', () => {
    const src = `
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('t');
const RETRY = 'payment.retry';
export function charge(retry: boolean, name: string) {
  tracer.startActiveSpan(retry ? RETRY : 'payment.charge', (s) => s.end());
}
export function other(flag: boolean, name: string) {
  tracer.startActiveSpan(flag ? 'a' : name, (s) => s.end());
}`;
    const found = findInstrumentedFunctions(src, 'c.ts');
    assert.deepEqual(
      found.map((f) => [f.functionName, show(f.spanName)]),
      [
        ['charge', 'payment.retry'],
        ['charge', 'payment.charge'],
      ],
    );
  });
});

function findInstrumentedFunctionsSorted(src: string): Array<[string, string]> {
  return findInstrumentedFunctions(src, 'routes.ts').map((f) => [f.functionName, show(f.spanName)]);
}

describe('lenses sharing a line', () => {
  it('orders route spans first, then by name, and marks each lens of a shared line to name its span', () => {
    const src = `
import express from 'express';
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('t');
const app = express();
app.post('/orders', function createOrder(req, res) {
  tracer.startActiveSpan('orders.validate', (s) => s.end());
  tracer.startActiveSpan('orders.create', (s) => s.end());
});
export function alone() { tracer.startActiveSpan('alone', (s) => s.end()); }`;
    const ordered = linesWithSeveralSpans(findInstrumentedFunctions(src, 'o.ts').reverse());
    assert.deepEqual(
      ordered.map((o) => [show(o.fn.spanName), o.named]),
      [
        ['POST /orders', true],
        ['orders.create', true],
        ['orders.validate', true],
        ['alone', false],
      ],
    );
  });
});
