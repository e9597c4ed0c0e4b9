// gin routes with groups (otelgin names: `METHOD /full/path`, older `/full/path`) and otelgrpc services
// (`package.Service/Method`), from the source files cited in goGinRoutes.ts and goGrpc.ts.
import * as assert from 'node:assert/strict';
import { describeSpanNameMatcher } from '../../../../../src/core/code/instrumented/spanNameMatcher';
import { joinGinPaths } from '../../../../../src/core/code/languages/go/goGinRoutes';
import { findGo, goFile, matches } from './goTestSupport';

const ginImports = ['net/http', 'github.com/gin-gonic/gin', 'go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin'];

describe('Go lenses: gin', () => {
  it('names routes METHOD /full/path through nested groups, chained groups and Handle/Any', async () => {
    const text = goFile(
      [
        'func getUser(c *gin.Context) {}',
        'func setup() *gin.Engine {',
        '\tr := gin.Default()',
        '\tr.Use(otelgin.Middleware("shop"))',
        '\tapi := r.Group("/api")',
        '\tv1 := api.Group("v1/")',
        '\tv1.GET("/users/:id", getUser)',
        '\tr.Group("/admin").POST("/reindex", func(c *gin.Context) {})',
        '\tr.Handle("DELETE", "/cache/*path", auth(), purge)',
        '\tr.Any("/ping", ping)',
        '\treturn r',
        '}',
        'func purge(c *gin.Context) {}',
        'func ping(c *gin.Context) {}',
      ].join('\n'),
      ginImports,
    );
    const found = await findGo(text);
    assert.deepEqual(
      found.map((f) => [f.functionName, describeSpanNameMatcher(f.spanName), f.alternativeSpanNames.map(describeSpanNameMatcher)]),
      [
        ['getUser', 'GET /api/v1/users/:id', ['/api/v1/users/:id']],
        ['handler for POST /admin/reindex', 'POST /admin/reindex', ['/admin/reindex']],
        ['purge', 'DELETE /cache/*path', ['/cache/*path']],
        ['ping', '* /ping', ['/ping']],
      ],
    );
    assert.deepEqual(found[0]!.route, { framework: 'gin', method: 'GET', path: '/api/v1/users/:id' });
    assert.ok(matches(found[3]!.spanName, 'HEAD /ping'));
  });

  it('says when a group prefix comes from another file (a router parameter)', async () => {
    const text = goFile(['func Register(rg *gin.RouterGroup) {', '\trg.GET("/orders", list)', '}', 'func list(c *gin.Context) {}'].join('\n'), ginImports);
    const [f] = await findGo(text);
    assert.ok(f);
    assert.equal(describeSpanNameMatcher(f.spanName), 'GET /orders');
    assert.ok(f.alternativeSpanNames.some((m) => matches(m, 'GET /api/v2/orders')));
  });

  it('joins paths as gin does', () => {
    assert.equal(joinGinPaths('/', '/users'), '/users');
    assert.equal(joinGinPaths('/api', 'v1/'), '/api/v1/');
    assert.equal(joinGinPaths('/api/', ''), '/api/');
    assert.equal(joinGinPaths('/api', '../x'), '/x');
  });

  it('reads GET calls as routes only in files that import gin (echo and clients look alike)', async () => {
    const text = goFile(['func setup(e *echo.Echo) {', '\te.GET("/users/:id", getUser)', '}', 'func getUser(c echo.Context) error { return nil }'].join('\n'), ['github.com/labstack/echo/v4']);
    assert.deepEqual(await findGo(text), []);
  });
});

describe('Go lenses: gRPC services (otelgrpc)', () => {
  const pbImports = ['context', 'google.golang.org/grpc', 'example.com/shop/gen/orderspb'];

  it('puts lenses on the RPC methods of the type given to Register<Service>Server', async () => {
    const text = goFile(
      [
        'type server struct{}',
        'func (s *server) GetOrder(ctx context.Context, req *orderspb.GetOrderRequest) (*orderspb.Order, error) { return nil, nil }',
        'func (s *server) Watch(req *orderspb.WatchRequest, stream orderspb.Orders_WatchServer) error { return nil }',
        'func (s *server) helper() {}',
        'func (s *server) Close() error { return nil }',
        'func main() {',
        '\tg := grpc.NewServer(grpc.StatsHandler(otelgrpc.NewServerHandler()))',
        '\torderspb.RegisterOrdersServer(g, &server{})',
        '}',
      ].join('\n'),
      pbImports,
    );
    const found = await findGo(text);
    assert.deepEqual(
      found.map((f) => [f.functionName, describeSpanNameMatcher(f.spanName)]),
      [
        ['server.GetOrder', '{package.}Orders/GetOrder'],
        ['server.Watch', '{package.}Orders/Watch'],
      ],
    );
    assert.ok(matches(found[0]!.spanName, 'shop.orders.v1.Orders/GetOrder'));
    assert.ok(matches(found[0]!.spanName, 'Orders/GetOrder'));
    assert.ok(!matches(found[0]!.spanName, 'shop.Payments/GetOrder'));
    assert.equal(found[0]!.spanKind, 'server');
    assert.equal(found[0]!.route?.framework, 'grpc');
  });

  it('knows the service from an embedded Unimplemented<Service>Server, and a constructor or variable in Register', async () => {
    const text = goFile(
      [
        'type payments struct {',
        '\torderspb.UnimplementedPaymentsServer',
        '}',
        'func (p *payments) Charge(ctx context.Context, req *orderspb.ChargeRequest) (*orderspb.Receipt, error) { return nil, nil }',
        'type stock struct{}',
        'func newStock() *stock { return &stock{} }',
        'func (s *stock) Reserve(ctx context.Context, req *orderspb.ReserveRequest) (*orderspb.Reservation, error) { return nil, nil }',
        'func main() {',
        '\tst := newStock()',
        '\torderspb.RegisterStockServer(nil, st)',
        '}',
      ].join('\n'),
      pbImports,
    );
    assert.deepEqual(
      (await findGo(text)).map((f) => [f.functionName, describeSpanNameMatcher(f.spanName)]),
      [
        ['payments.Charge', '{package.}Payments/Charge'],
        ['stock.Reserve', '{package.}Stock/Reserve'],
      ],
    );
  });

  it('gives no lens to methods of types no service is registered for', async () => {
    const text = goFile(['type repo struct{}', 'func (r *repo) Get(ctx context.Context, id string) (*Order, error) { return nil, nil }'].join('\n'), pbImports);
    assert.deepEqual(await findGo(text), []);
  });

  it('knows RPC methods by the generated naming when the serving type is declared in another file', async () => {
    const text = goFile(
      [
        'func (s *Server) Check(ctx context.Context, req *fgapb.CheckRequest) (*fgapb.CheckResponse, error) { return nil, nil }',
        'func (s *Server) StreamedList(req *fgapb.StreamedListRequest, srv fgapb.OpenFGAService_StreamedListServer) error { return nil }',
        // Same-package types of that shape are internal calls, not RPCs.
        'func (c *Checker) Resolve(ctx context.Context, req *ResolveRequest) (*ResolveResponse, error) { return nil, nil }',
        'func (s *Server) Other(ctx context.Context, req *fgapb.CheckRequest) (*fgapb.CheckResponse, error) { return nil, nil }',
      ].join('\n'),
      pbImports,
    );
    const found = await findGo(text);
    assert.deepEqual(
      found.map((f) => [f.functionName, describeSpanNameMatcher(f.spanName), f.spanKind]),
      [
        ['Server.Check', '{package.Service}/Check', undefined],
        ['Server.StreamedList', '{package.}OpenFGAService/StreamedList', 'server'],
      ],
    );
    assert.ok(matches(found[0]!.spanName, 'openfga.v1.OpenFGAService/Check'));
    assert.ok(!matches(found[0]!.spanName, 'openfga.v1.OpenFGAService/CheckAll'));
  });
});
