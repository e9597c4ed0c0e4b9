// net/http routes and otelhttp wrappers. Span names as otelhttp v0.72.0 gives them (see goOtelhttp.ts for the
// source files): `METHOD /route` from the ServeMux pattern, `METHOD` alone without one, the operation string as
// the name otelhttp up to v0.68.0 used, and whatever a WithSpanNameFormatter returns.
import * as assert from 'node:assert/strict';
import { describeSpanNameMatcher } from '../../../../../src/core/code/instrumented/spanNameMatcher';
import { findGo, goFile, matches } from './goTestSupport';

const httpImports = ['context', 'net/http', 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp'];
/** A routes file that does not wire otelhttp itself (main.go wraps the mux elsewhere). */
const routeImports = ['context', 'net/http'];
const handlers = [
  'func getUser(w http.ResponseWriter, r *http.Request) {}',
  'func listOrders(w http.ResponseWriter, r *http.Request) {}',
  'func createOrder(w http.ResponseWriter, r *http.Request) {}',
].join('\n');

const view = async (text: string): Promise<Array<[string, string, string[]]>> =>
  (await findGo(text)).map((f) => [f.functionName, describeSpanNameMatcher(f.spanName), f.alternativeSpanNames.map(describeSpanNameMatcher)]);

describe('Go lenses: net/http and otelhttp', () => {
  it('names a Go 1.22 pattern route METHOD /route, with the raw-path form as an alternative', async () => {
    const text = goFile(['func routes(mux *http.ServeMux) {', '\tmux.HandleFunc("GET /users/{id}", getUser)', '}', handlers].join('\n'), routeImports);
    const found = await findGo(text);
    assert.equal(found.length, 1);
    const f = found[0]!;
    assert.equal(f.functionName, 'getUser');
    assert.deepEqual(f.spanName, { kind: 'exact', name: 'GET /users/{id}' });
    assert.equal(f.via, 'route');
    assert.equal(f.spanKind, 'server');
    assert.deepEqual(f.route, { framework: 'net/http', method: 'GET', path: '/users/{id}' });
    assert.ok(matches(f.alternativeSpanNames[0]!, 'GET /users/42'));
  });

  it('matches any method for a pattern without one, drops a host, and accepts http.HandleFunc and http.Handle', async () => {
    const text = goFile(
      [
        'func main() {',
        '\thttp.HandleFunc("/orders", listOrders)',
        '\thttp.Handle("shop.example.com/orders/new", http.HandlerFunc(createOrder))',
        '}',
        handlers,
      ].join('\n'),
      routeImports,
    );
    const found = await findGo(text);
    assert.deepEqual(
      found.map((f) => [f.functionName, describeSpanNameMatcher(f.spanName)]),
      [
        ['listOrders', '* /orders'],
        ['createOrder', '* /orders/new'],
      ],
    );
    assert.ok(matches(found[0]!.spanName, 'POST /orders'));
    assert.ok(matches(found[0]!.spanName, 'HTTP /orders'));
    assert.ok(!matches(found[0]!.spanName, 'GET /orders/1'));
  });

  it('names an inline handler after its route, and spans started in it go on the same lens target', async () => {
    const text = goFile(
      [
        'var tracer = otel.Tracer("shop")',
        'func main() {',
        '\tmux := http.NewServeMux()',
        '\tmux.HandleFunc("POST /checkout", func(w http.ResponseWriter, r *http.Request) {',
        '\t\t_, span := tracer.Start(r.Context(), "checkout.submit")',
        '\t\tdefer span.End()',
        '\t})',
        '}',
      ].join('\n'),
      [...routeImports, 'go.opentelemetry.io/otel'],
    );
    const found = await findGo(text);
    assert.deepEqual(
      found.map((f) => [f.functionName, describeSpanNameMatcher(f.spanName), f.qualifiedName]),
      [
        ['handler for POST /checkout', 'POST /checkout', 'orders.main.func1'],
        ['handler for POST /checkout', 'checkout.submit', 'orders.main.func1'],
      ],
    );
  });

  it('resolves method values and a handler wrapped in otelhttp.NewHandler on a route (operation name as the older form)', async () => {
    const text = goFile(
      [
        'type API struct{}',
        'func (a *API) get(w http.ResponseWriter, r *http.Request) {}',
        'func (a *API) routes(mux *http.ServeMux) {',
        '\tmux.HandleFunc("GET /items/{id}", a.get)',
        '\tmux.Handle("POST /orders", otelhttp.NewHandler(http.HandlerFunc(createOrder), "create-order"))',
        '\thandler := otelhttp.NewHandler(http.HandlerFunc(listOrders), "list-orders")',
        '\tmux.Handle("GET /orders", handler)',
        '}',
        handlers,
      ].join('\n'),
      routeImports,
    );
    assert.deepEqual(await view(text), [
      ['API.get', 'GET /items/{id}', ['GET /items/{id}']],
      ['listOrders', 'GET /orders', ['list-orders']],
      ['createOrder', 'POST /orders', ['create-order']],
    ]);
  });

  it('reads a gorilla/mux .Methods("GET") route', async () => {
    const text = goFile(['func routes(r *mux.Router) {', '\tr.HandleFunc("/users/{id}", getUser).Methods("GET")', '}', handlers].join('\n'), ['net/http', 'github.com/gorilla/mux']);
    assert.deepEqual((await view(text)).map((v) => v.slice(0, 2)), [['getUser', 'GET /users/{id}']]);
  });

  it('names a handler wrapped by otelhttp.NewHandler outside a route by method only, the operation as the older name', async () => {
    const text = goFile(['func main() {', '\thttp.ListenAndServe(":8080", otelhttp.NewHandler(http.HandlerFunc(getUser), "get-user"))', '}', handlers].join('\n'), httpImports);
    const found = await findGo(text);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.functionName, 'getUser');
    assert.ok(matches(found[0]!.spanName, 'GET'));
    assert.ok(matches(found[0]!.spanName, 'HTTP'));
    assert.ok(!matches(found[0]!.spanName, 'GET /users'));
    assert.deepEqual(found[0]!.alternativeSpanNames, [{ kind: 'exact', name: 'get-user' }]);
  });

  it('uses a WithSpanNameFormatter: the operation, the request method and pattern where the route tells them', async () => {
    const text = goFile(
      [
        'func opName(operation string, r *http.Request) string { return "api: " + operation }',
        'func main() {',
        '\tmux := http.NewServeMux()',
        '\tmux.Handle("GET /users/{id}", otelhttp.NewHandler(http.HandlerFunc(getUser), "users", otelhttp.WithSpanNameFormatter(func(op string, r *http.Request) string {',
        '\t\treturn r.Method + " " + op',
        '\t})))',
        '\thttp.ListenAndServe(":8080", otelhttp.NewHandler(http.HandlerFunc(listOrders), "orders", otelhttp.WithSpanNameFormatter(opName)))',
        '\tmux.Handle("/x", otelhttp.NewHandler(http.HandlerFunc(createOrder), "x", otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string {',
        '\t\treturn r.URL.Path',
        '\t})))',
        '}',
        handlers,
      ].join('\n'),
      httpImports,
    );
    const found = await view(text);
    assert.deepEqual(found, [
      ['getUser', 'GET users', ['GET /users/{id}', 'GET /users/{id}', 'users']],
      ['listOrders', 'api: orders', ['{METHOD}', 'orders']],
    ]);
  });

  it('applies a formatter of otelhttp.NewHandler(mux, …) wrapping the whole mux to its routes', async () => {
    const text = goFile(
      [
        'func main() {',
        '\tmux := http.NewServeMux()',
        '\tmux.HandleFunc("GET /users/{id}", getUser)',
        '\th := otelhttp.NewHandler(mux, "shop", otelhttp.WithSpanNameFormatter(func(op string, r *http.Request) string { return op + " " + r.Pattern }))',
        '\thttp.ListenAndServe(":8080", h)',
        '}',
        handlers,
      ].join('\n'),
      httpImports,
    );
    assert.deepEqual((await view(text)).map((v) => v.slice(0, 2)), [['getUser', 'shop GET /users/{id}']]);
  });

  it('gives otelhttp.NewMiddleware(op)(h) and otelhttp.WithRouteTag(route, h) their handler a lens', async () => {
    const text = goFile(
      [
        'func main() {',
        '\tmw := otelhttp.NewMiddleware("orders")',
        '\tmux := http.NewServeMux()',
        '\tmux.Handle("GET /orders", mw(http.HandlerFunc(listOrders)))',
        '\t_ = otelhttp.NewMiddleware("create")(http.HandlerFunc(createOrder))',
        '\t_ = otelhttp.WithRouteTag("/users/{id}", http.HandlerFunc(getUser))',
        '}',
        handlers,
      ].join('\n'),
      httpImports,
    );
    assert.deepEqual(await view(text), [
      ['getUser', '* /users/{id}', ['* /users/{id}']],
      ['listOrders', 'GET /orders', ['orders']],
      ['createOrder', '{METHOD}', ['create']],
    ]);
  });

  it('gives no lens to a mux wrapped by otelhttp, to handlers from elsewhere, or to a HandleFunc that is not net/http', async () => {
    const text = goFile(
      [
        'func main() {',
        '\tmux := http.NewServeMux()',
        '\tmux.Handle("/metrics", promhttp.Handler())',
        '\tmux.HandleFunc("/ext", other.Handler)',
        '\thttp.ListenAndServe(":8080", otelhttp.NewHandler(mux, "server"))',
        '\t// mux.HandleFunc("GET /commented", getUser)',
        '\t_ = "mux.HandleFunc(\\"GET /string\\", getUser)"',
        '}',
        handlers,
      ].join('\n'),
      httpImports,
    );
    assert.deepEqual(await findGo(text), []);
    // Without net/http, `bus.HandleFunc("/topic", h)` is not a route (unless the pattern names a method).
    const bus = goFile(['func wire() {', '\tbus.HandleFunc("/orders", onOrder)', '}', 'func onOrder(m Msg) {}'].join('\n'), ['example.com/bus']);
    assert.deepEqual(await findGo(bus), []);
  });

  it('in a file that wires otelhttp, counts only routes of muxes it wraps (directly, via http.Handler(mux), or the default mux)', async () => {
    const text = goFile(
      [
        'func main() {',
        '\tapi := http.NewServeMux()',
        '\tapi.HandleFunc("GET /users/{id}", getUser)',
        '\thandler := http.Handler(api)',
        '\thandler = otelhttp.NewHandler(handler, "api")',
        '\tadmin := http.NewServeMux()',
        '\tadmin.HandleFunc("GET /orders", listOrders)',
        '\thttp.HandleFunc("POST /orders", createOrder)',
        '\tgo http.ListenAndServe(":9090", admin)',
        '\thttp.ListenAndServe(":8080", otelhttp.NewHandler(http.DefaultServeMux, "default"))',
        '\t_ = handler',
        '}',
        handlers,
      ].join('\n'),
      httpImports,
    );
    assert.deepEqual((await view(text)).map((v) => v.slice(0, 2)), [
      ['getUser', 'GET /users/{id}'],
      ['createOrder', 'POST /orders'],
    ]);
  });

  it('leaves routes out with routes: false', async () => {
    const text = goFile(['func routes(mux *http.ServeMux) {', '\tmux.HandleFunc("GET /users/{id}", getUser)', '}', handlers].join('\n'), httpImports);
    assert.deepEqual(await findGo(text, { routes: false }), []);
  });
});
