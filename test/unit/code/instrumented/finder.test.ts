import * as assert from 'node:assert/strict';
import { findInstrumentedFunctions } from '../../../../src/core/code/instrumented/finder';
import type { FinderOptions, InstrumentedFunction, SpanNameMatcher } from '../../../../src/core/code/instrumented/types';
import { spanNameMatches } from '../../../../src/core/code/instrumented/spanNameMatcher';

function find(src: string, options?: FinderOptions, fileName = 'sample.ts'): InstrumentedFunction[] {
  return findInstrumentedFunctions(src, fileName, options);
}

/** `name → span` lines, for compact assertions. */
function brief(src: string, options?: FinderOptions): string[] {
  return find(src, options).map((f) => `${f.functionName} → ${show(f.spanName)} (${f.via})`);
}

function show(m: SpanNameMatcher): string {
  return m.kind === 'exact' ? m.name : `/${m.regex}/`;
}

/** 0-based line of the first line containing `needle`. */
function lineOf(src: string, needle: string): number {
  const i = src.indexOf(needle);
  assert.ok(i >= 0, `missing ${needle}`);
  return src.slice(0, i).split('\n').length - 1;
}

const header = `import { trace, SpanKind } from '@opentelemetry/api';\nconst tracer = trace.getTracer('orders-tracer');\n`;

describe('findInstrumentedFunctions: tracer calls', () => {
  it('finds startActiveSpan and startSpan with literal names in methods, functions and arrows', () => {
    const src = `${header}
export class OrderService {
  async create(order: unknown) {
    return tracer.startActiveSpan('orders.create', async (span) => { span.end(); });
  }
}
export function list() { tracer.startSpan(\`orders.list\`).end(); }
export const remove = async (id: string) => { tracer.startSpan('orders.remove').end(); };
`;
    assert.deepEqual(brief(src), [
      'OrderService.create → orders.create (startActiveSpan)',
      'list → orders.list (startSpan)',
      'remove → orders.remove (startSpan)',
    ]);
  });

  it('gives the function range and anchors the lens on the declaration name', () => {
    const src = `${header}
export class OrderService {
  /** Creates. */
  async create(order: unknown) {
    return tracer.startActiveSpan('orders.create', async (span) => {
      span.end();
    });
  }
}
`;
    const [f] = find(src);
    assert.ok(f);
    const start = lineOf(src, 'async create(');
    assert.deepEqual(f.range.start, { line: start, character: 2 });
    assert.deepEqual(f.range.end, { line: start + 4, character: 3 });
    assert.deepEqual(f.nameRange, { start: { line: start, character: 8 }, end: { line: start, character: 14 } });
  });

  it('reads the tracer name from trace.getTracer on a variable, a class field, this.x = … and inline', () => {
    const src = `import { trace } from '@opentelemetry/api';
const t1 = trace.getTracer('from-const', '1.0.0');
class A {
  private readonly tracer = trace.getTracer('from-field');
  private other;
  constructor() { this.other = trace.getTracer('from-ctor'); }
  a() { this.tracer.startSpan('a').end(); }
  b() { this.other.startSpan('b').end(); }
  c() { t1.startSpan('c').end(); }
  d() { trace.getTracer('inline').startSpan('d').end(); }
  e(t: Tracer) { t.startSpan('e').end(); }
}`;
    assert.deepEqual(
      find(src).map((f) => [f.functionName, f.tracerName]),
      [
        ['A.a', 'from-field'],
        ['A.b', 'from-ctor'],
        ['A.c', 'from-const'],
        ['A.d', 'inline'],
        ['A.e', undefined],
      ],
    );
  });

  it('reads the span kind from the options object (enum member or number)', () => {
    const src = `${header}
function a() { tracer.startActiveSpan('a', { kind: SpanKind.CLIENT }, (s) => s.end()); }
function b() { tracer.startSpan('b', { kind: 4, attributes: {} }).end(); }
function c() { tracer.startSpan('c', {}).end(); }
`;
    assert.deepEqual(
      find(src).map((f) => f.spanKind),
      ['client', 'consumer', undefined],
    );
  });

  it('follows consts, shadowing consts, as-const objects, nested objects, element access and enums', () => {
    const src = `${header}
const CREATE = 'orders.create';
const ALIAS = CREATE;
const SpanNames = { LIST: 'orders.list', nested: { DEEP: 'orders.deep' } } as const;
enum Spans { Get = 'orders.get', Put = 'orders.put' }
function a() { tracer.startSpan(CREATE).end(); }
function b() { tracer.startSpan(ALIAS).end(); }
function c() { tracer.startSpan(SpanNames.LIST).end(); }
function d() { tracer.startSpan(SpanNames.nested.DEEP).end(); }
function e() { tracer.startSpan(SpanNames['LIST']).end(); }
function f() { tracer.startSpan(Spans.Put).end(); }
function g() { const CREATE = 'orders.shadowed'; tracer.startSpan(CREATE).end(); }
`;
    assert.deepEqual(
      find(src).map((x) => show(x.spanName)),
      ['orders.create', 'orders.create', 'orders.list', 'orders.deep', 'orders.list', 'orders.put', 'orders.shadowed'],
    );
  });

  it('turns templates and concatenations into patterns, and into exact names when every part is known', () => {
    const src = `${header}
const PREFIX = 'orders';
function a(id: string) { tracer.startSpan(\`orders.\${id}\`).end(); }
function b(x: string) { tracer.startSpan('orders.' + x).end(); }
function c() { tracer.startSpan(\`\${PREFIX}.create\`).end(); }
function d() { tracer.startSpan(PREFIX + '.' + 'list').end(); }
function e(a: string, b: string) { tracer.startSpan(\`job \${a}\${b} done\`).end(); }
`;
    const found = find(src);
    assert.deepEqual(found[0]!.spanName, { kind: 'pattern', regex: '^orders\\..+$', display: 'orders.{id}' });
    assert.deepEqual(found[1]!.spanName, { kind: 'pattern', regex: '^orders\\..+$', display: 'orders.{x}' });
    assert.deepEqual(found[2]!.spanName, { kind: 'exact', name: 'orders.create' });
    assert.deepEqual(found[3]!.spanName, { kind: 'exact', name: 'orders.list' });
    assert.deepEqual(found[4]!.spanName, { kind: 'pattern', regex: '^job .+ done$', display: 'job {a}{b} done' });
    assert.ok(spanNameMatches(found[0]!.spanName, 'orders.42'));
    assert.ok(!spanNameMatches(found[0]!.spanName, 'orders.'));
    assert.ok(!spanNameMatches(found[0]!.spanName, 'ordersX42'));
  });

  it('skips names it cannot know: parameters, imports, calls, and all-unknown templates', () => {
    const src = `${header}
import { SPAN_NAME } from './names';
function a(name: string) { tracer.startSpan(name).end(); }
function b() { tracer.startSpan(SPAN_NAME).end(); }
function c() { tracer.startSpan(makeName()).end(); }
function d(x: string) { tracer.startSpan(\`\${x}\`).end(); }
let mutable = 'orders.mutable';
function e() { tracer.startSpan(mutable).end(); }
`;
    assert.deepEqual(find(src), []);
  });

  it('does not take span names from comments, plain strings, or strings passed to other APIs', () => {
    const src = `${header}
// tracer.startActiveSpan('orders.commented', (s) => s.end());
/* tracer.startSpan('orders.block') */
const name = 'orders.create';
export function log() {
  console.log('tracer.startSpan("orders.text")');
  logger.info('orders.create', { span: 'orders.create' });
  const s = \`startActiveSpan('orders.tpl')\`;
}
`;
    assert.deepEqual(find(src), []);
  });

  it('names the enclosing function for getters, constructors, class-field arrows, object members and exports', () => {
    const src = `${header}
class Repo {
  constructor() { tracer.startSpan('repo.init').end(); }
  get size() { tracer.startSpan('repo.size').end(); return 1; }
  handle = async () => { tracer.startSpan('repo.handle').end(); };
}
export const handlers = {
  create: async () => { tracer.startSpan('h.create').end(); },
  list() { tracer.startSpan('h.list').end(); },
  nested: { deep: () => { tracer.startSpan('h.deep').end(); } },
};
module.exports.legacy = function () { tracer.startSpan('legacy').end(); };
export default () => { tracer.startSpan('default.export').end(); };
const named = function inner() { tracer.startSpan('named.fn').end(); };
`;
    assert.deepEqual(
      find(src).map((f) => f.functionName),
      ['Repo.constructor', 'Repo.size', 'Repo.handle', 'handlers.create', 'handlers.list', 'handlers.nested.deep', 'legacy', 'default', 'named'],
    );
  });

  it('puts spans of anonymous callbacks on the named function around them, or on the callback at top level', () => {
    const src = `${header}
export async function processAll(items: string[]) {
  await Promise.all(items.map(async (item) => {
    await tracer.startActiveSpan('item.process', async (span) => { span.end(); });
  }));
}
setInterval(() => { tracer.startSpan('tick').end(); }, 1000);
tracer.startActiveSpan('boot', (span) => span.end());
`;
    const found = find(src);
    assert.deepEqual(
      found.map((f) => [f.functionName, show(f.spanName)]),
      [
        ['processAll', 'item.process'],
        ['setInterval callback', 'tick'],
        ['top level', 'boot'],
      ],
    );
    assert.equal(found[2]!.range.start.line, lineOf(src, "tracer.startActiveSpan('boot'"));
  });

  it('reports each distinct span of a function once', () => {
    const src = `${header}
function a() {
  tracer.startSpan('a.one').end();
  tracer.startSpan('a.one').end();
  tracer.startActiveSpan('a.two', (s) => { tracer.startSpan('a.three').end(); s.end(); });
}`;
    assert.deepEqual(brief(src), ['a → a.one (startSpan)', 'a → a.two (startActiveSpan)', 'a → a.three (startSpan)']);
  });

  it('reads Sentry-style span options ({ name, op }) on a member or a bare imported startSpan', () => {
    const src = `
import * as Sentry from '@sentry/node';
import { startSpan, startInactiveSpan } from '@sentry/node';
export function a() { return Sentry.startSpan({ name: 'checkout.pay', op: 'function' }, () => 1); }
export function b() { return startSpan({ name: \`checkout.\${step}\` }, () => 1); }
export function c() { startInactiveSpan({ name: 'checkout.bg' }).end(); }
export function d() { return startSpan('not.an.options.object', () => 1); }
export function e() { return startSpan({ op: 'nameless' }, () => 1); }
`;
    assert.deepEqual(brief(src), [
      'a → checkout.pay (startSpan)',
      'b → /^checkout\\..+$/ (startSpan)',
      'c → checkout.bg (startSpan)',
    ]);
  });

  it('works on JavaScript files', () => {
    const src = `const { trace } = require('@opentelemetry/api');
const tracer = trace.getTracer('js');
exports.handler = async function (event) { return tracer.startActiveSpan('lambda.handle', (s) => s.end()); };`;
    const found = findInstrumentedFunctions(src, 'handler.js', {});
    assert.deepEqual(found.map((f) => [f.functionName, show(f.spanName), f.tracerName]), [['handler', 'lambda.handle', 'js']]);
  });
});

describe('findInstrumentedFunctions: decorators', () => {
  it('uses the decorator argument, or ClassName.method when there is none', () => {
    const src = `
import { Span } from 'nestjs-otel';
const NAMES = { FIND: 'users.find' } as const;
export class UsersService {
  @Span() async findAll() {}
  @Span('users.one') findOne() {}
  @Trace({ name: NAMES.FIND, kind: SpanKind.SERVER }) find() {}
  @WithSpan findBare() {}
  @otel.Traced('users.qualified') qualified() {}
  @Instrument({ attributes: { a: 1 } }) optionsOnly() {}
}`;
    const found = find(src);
    assert.deepEqual(
      found.map((f) => [f.functionName, show(f.spanName)]),
      [
        ['UsersService.findAll', 'UsersService.findAll'],
        ['UsersService.findOne', 'users.one'],
        ['UsersService.find', 'users.find'],
        ['UsersService.findBare', 'UsersService.findBare'],
        ['UsersService.qualified', 'users.qualified'],
        ['UsersService.optionsOnly', 'UsersService.optionsOnly'],
      ],
    );
    assert.equal(found[2]!.spanKind, 'server');
    assert.ok(found.every((f) => f.via === 'decorator'));
    // The lens anchors on the method name, below its decorator.
    assert.equal(found[0]!.nameRange.start.line, lineOf(src, 'async findAll'));
  });

  it('ignores other decorators, unknown names, and honours custom decorator lists', () => {
    const src = `
import { SPAN } from './names';
export class C {
  @Cacheable('users.cache') cached() {}
  @Span(SPAN) imported() {}
  @Measure('custom.measure') measured() {}
}`;
    assert.deepEqual(brief(src), []);
    assert.deepEqual(brief(src, { decorators: ['Measure'] }), ['C.measured → custom.measure (decorator)']);
  });

  it('traces every method of a @Traceable class, keeping explicit names', () => {
    const src = `
@Traceable()
export class Billing {
  constructor() {}
  charge() {}
  @Span('billing.refund') refund() {}
  get total() { return 1; }
}`;
    assert.deepEqual(brief(src), ['Billing.charge → Billing.charge (decorator)', 'Billing.refund → billing.refund (decorator)']);
  });
});

describe('findInstrumentedFunctions: wrappers', () => {
  it('puts the lens on the variable holding the wrapped function', () => {
    const src = `
export const createOrder = withSpan('orders.create', async (order: unknown) => { await save(order); });
export const options = traced({ name: 'orders.options' }, async () => {});`;
    const found = find(src);
    assert.deepEqual(found.map((f) => [f.functionName, show(f.spanName), f.via]), [
      ['createOrder', 'orders.create', 'wrapper'],
      ['options', 'orders.options', 'wrapper'],
    ]);
    assert.equal(found[0]!.nameRange.start.character, 'export const '.length);
  });

  it('puts the lens on a same-file function passed by name', () => {
    const src = `
async function charge(amount: number) { return amount; }
export const chargeTraced = withTracing('billing.charge', charge);`;
    const [f] = find(src);
    assert.equal(f?.functionName, 'charge');
    assert.equal(f?.range.start.line, 1);
  });

  it('uses the enclosing function for a wrapper called inside one, and a span started inside the wrapped body', () => {
    const src = `
import { trace } from '@opentelemetry/api';
export async function sync() {
  return instrument('sync.run', async () => {
    trace.getTracer('t').startSpan('sync.step').end();
  });
}
export const job = withSpan('job.run', async () => {
  trace.getTracer('t').startSpan('job.step').end();
});`;
    assert.deepEqual(brief(src), [
      'sync → sync.run (wrapper)',
      'sync → sync.step (startSpan)',
      'job → job.run (wrapper)',
      'job → job.step (startSpan)',
    ]);
  });

  it('skips wrappers with unknown names and functions that are not wrappers', () => {
    const src = `
export const a = withSpan(nameFromConfig, async () => {});
export const b = run('orders.create', async () => {});
export const c = withSpan('only-name');`;
    assert.deepEqual(find(src), []);
    assert.deepEqual(brief(src, { wrappers: ['run'] }), ['b → orders.create (wrapper)']);
  });
});

describe('findInstrumentedFunctions: routes', () => {
  it('maps an Express route with an inline handler to the HTTP server span and its alternatives', () => {
    const src = `
import express from 'express';
const app = express();
app.get('/users/:id', async (req, res) => { res.send(); });`;
    const [f] = find(src);
    assert.ok(f);
    assert.equal(f.functionName, 'handler for GET /users/:id');
    assert.equal(f.via, 'route');
    assert.equal(f.spanKind, 'server');
    assert.deepEqual(f.route, { framework: 'express', method: 'GET', path: '/users/:id' });
    assert.deepEqual(f.spanName, { kind: 'exact', name: 'GET /users/:id' });
    assert.deepEqual(f.alternativeSpanNames, [
      { kind: 'pattern', regex: '^(?:GET|get) /users/[^/]+$', display: 'GET /users/{id}' },
      { kind: 'exact', name: 'request handler - /users/:id' },
    ]);
    assert.ok(spanNameMatches(f.alternativeSpanNames[0]!, 'GET /users/42'));
    assert.ok(!spanNameMatches(f.alternativeSpanNames[0]!, 'GET /users/42/orders'));
    assert.equal(f.nameRange.start.line, 3);
    assert.equal(f.nameRange.start.character, "app.get('/users/:id', ".length);
  });

  it('applies same-file mount prefixes, route chains and handler references', () => {
    const src = `
import express, { Router } from 'express';
const app = express();
const api = Router();
const users = Router();
app.use('/api', api);
api.use('/users', users);
users.get('/:id', getUser);
users.route('/:id/orders').get(listOrders).post((req, res) => res.end());
function getUser(req, res) { res.end(); }
const listOrders = (req, res) => res.end();`;
    const found = find(src);
    assert.deepEqual(
      found.map((f) => [f.functionName, show(f.spanName), f.range.start.line]),
      [
        ['handler for POST /api/users/:id/orders', 'POST /api/users/:id/orders', 8],
        ['getUser', 'GET /api/users/:id', 9],
        ['listOrders', 'GET /api/users/:id/orders', 10],
      ],
    );
    // The prefix is known, so no "unknown mount prefix" alternative is offered.
    assert.ok(found.every((f) => f.alternativeSpanNames.every((a) => a.kind === 'exact' || !a.regex.includes('/.+/'))));
  });

  it('offers a suffix pattern when a router is mounted elsewhere', () => {
    const src = `
import { Router } from 'express';
export const router = Router();
router.post('/orders', (req, res) => res.end());`;
    const [f] = find(src);
    assert.ok(f);
    const last = f.alternativeSpanNames[f.alternativeSpanNames.length - 1]!;
    assert.ok(spanNameMatches(last, 'POST /api/v1/orders'));
    assert.ok(!spanNameMatches(last, 'POST /orders/1'));
  });

  it('puts a route whose handler is imported on the registration line, but only in a web framework file', () => {
    const withExpress = `
import express from 'express';
import { getUser } from './handlers';
const app = express();
app.get('/users/:id', authenticate, getUser);`;
    const [f] = find(withExpress);
    assert.equal(f?.functionName, 'handler for GET /users/:id');
    assert.equal(f?.range.start.line, 4);
    const withoutFramework = `import { getUser } from './handlers';\nserver.get('/users/:id', getUser);`;
    assert.deepEqual(find(withoutFramework), []);
  });

  it('does not mistake HTTP clients or maps for routes', () => {
    const src = `
import express from 'express';
import axios from 'axios';
const config = { timeout: 1 };
axios.get('/users', config);
axios.post('/users', { name: 'x' });
http.get('/health', onResponse);
cache.get('/key');
headers.get('/x');`;
    assert.deepEqual(find(src), []);
    assert.deepEqual(find(`memo.get('/k', () => compute());`), []);
  });

  it('recognizes Fastify shorthand routes with options, route objects with several methods, and plugin prefixes', () => {
    const src = `
import Fastify from 'fastify';
const fastify = Fastify();
fastify.get('/items/:id', { schema: {} }, async function getItem(request, reply) { return {}; });
fastify.route({ method: ['GET', 'HEAD'], url: '/health', handler: async () => 'ok' });
fastify.route({ method: 'PUT', url: '/items/:id', handler(request, reply) { return {}; } });
fastify.post('/items', { schema: {}, handler(request, reply) { return {}; } });
async function adminRoutes(app) {
  app.delete('/items/:id', async (request) => ({}));
}
fastify.register(adminRoutes, { prefix: '/admin' });`;
    const found = find(src);
    assert.deepEqual(
      found.map((f) => [f.functionName, show(f.spanName), f.route?.framework]),
      [
        ['getItem', 'GET /items/:id', 'fastify'],
        ['handler for GET /health', 'GET /health', 'fastify'],
        ['handler for HEAD /health', 'HEAD /health', 'fastify'],
        ['handler for PUT /items/:id', 'PUT /items/:id', 'fastify'],
        ['handler for POST /items', 'POST /items', 'fastify'],
        ['handler for DELETE /admin/items/:id', 'DELETE /admin/items/:id', 'fastify'],
      ],
    );
    assert.deepEqual(found[0]!.alternativeSpanNames[1], { kind: 'exact', name: 'request handler - getItem' });
  });

  it('recognizes Koa router routes, named routes and router prefixes', () => {
    const src = `
import Router from '@koa/router';
const router = new Router({ prefix: '/users' });
router.get('user-show', '/:id', async (ctx) => { ctx.body = {}; });
router.del('/:id', async (ctx) => { ctx.status = 204; });`;
    const found = find(src);
    assert.deepEqual(found.map((f) => show(f.spanName)), ['GET /users/:id', 'DELETE /users/:id']);
    assert.deepEqual(found[0]!.alternativeSpanNames.map(show), ['/^(?:GET|get) /users/[^/]+$/', 'user-show']);
    assert.deepEqual(found[1]!.alternativeSpanNames[1], { kind: 'exact', name: 'router - /users/:id' });
  });

  it('maps NestJS controller methods to METHOD /prefix/path and the Nest span names', () => {
    const src = `
import { Controller, Get, Post } from '@nestjs/common';
@Controller('users')
export class UsersController {
  @Get(':id') findOne() {}
  @Post() create() {}
  @Get({ path: 'x' }) notAPath() {}
  helper() {}
}
@Controller()
export class RootController {
  @Get('health') health() {}
}
export class NotAController {
  @Get('nope') nope() {}
}`;
    const found = find(src);
    assert.deepEqual(
      found.map((f) => [f.functionName, show(f.spanName)]),
      [
        ['UsersController.findOne', 'GET /users/:id'],
        ['UsersController.create', 'POST /users'],
        ['RootController.health', 'GET /health'],
      ],
    );
    assert.deepEqual(found[0]!.alternativeSpanNames.slice(1, 3), [
      { kind: 'exact', name: 'UsersController.findOne' },
      { kind: 'exact', name: 'findOne' },
    ]);
  });

  it('can be turned off', () => {
    const src = `import express from 'express';\nconst app = express();\napp.get('/x', (req, res) => res.end());`;
    assert.equal(find(src).length, 1);
    assert.deepEqual(find(src, { routes: false }), []);
  });

  it('puts a span started inside an inline route handler on that handler', () => {
    const src = `
import express from 'express';
import { trace } from '@opentelemetry/api';
const app = express();
app.post('/orders', async (req, res) => {
  await trace.getTracer('t').startActiveSpan('orders.create', async (span) => span.end());
});`;
    assert.deepEqual(brief(src), ['handler for POST /orders → POST /orders (route)', 'handler for POST /orders → orders.create (startActiveSpan)']);
  });
});
