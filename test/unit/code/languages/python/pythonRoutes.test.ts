// Python route handlers → the server span names their OpenTelemetry instrumentations record. The forms were read in
// opentelemetry-python-contrib 0.66b1/0.66b2 (cited in src/core/code/languages/python/routeSpanNames.ts):
// instrumentation/flask/__init__.py get_default_span_name → f"{method} {url_rule.rule}";
// instrumentation/fastapi/__init__.py _get_default_span_details → f"{method} {route.path}";
// instrumentation/django/middleware/otel_middleware.py _get_span_name → f"{method} {resolver_match.route}".
// Prefix joins follow Flask's sansio/blueprints.py, FastAPI's routing.py and Django's urls/resolvers.py.
import * as assert from 'node:assert/strict';
import { findInstrumentedFunctions } from '../../../../../src/core/code/codeIntel';
import type { InstrumentedFunction } from '../../../../../src/core/code/instrumented/types';
import { describeSpanNameMatcher, spanNameMatches } from '../../../../../src/core/code/instrumented/spanNameMatcher';

const py = (...lines: string[]): string => lines.join('\n') + '\n';
const routes = async (text: string, file = '/w/app/routes.py'): Promise<InstrumentedFunction[]> => (await findInstrumentedFunctions(text, file)).filter((f) => f.via === 'route');
const summary = (found: readonly InstrumentedFunction[]): Array<[string, string]> => found.map((f) => [f.functionName, describeSpanNameMatcher(f.spanName)]);

describe('python lenses: Flask routes', () => {
  it('names @app.route by method and rule, one lens per listed method, GET by default', async () => {
    const found = await routes(
      py(
        'from flask import Flask',
        'app = Flask(__name__)',
        '@app.route("/users/<int:user_id>")',
        'def show(user_id):',
        '    return {}',
        '@app.route("/users", methods=["GET", "post"])',
        'def users():',
        '    return {}',
      ),
    );
    assert.deepEqual(summary(found), [
      ['show', 'GET /users/<int:user_id>'],
      ['users', 'GET /users'],
      ['users', 'POST /users'],
    ]);
    const show = found[0]!;
    assert.deepEqual(show.route, { framework: 'flask', method: 'GET', path: '/users/<int:user_id>' });
    assert.equal(show.spanKind, 'server');
    // Up to 0.30b1 the span was named by the rule alone.
    assert.deepEqual(show.alternativeSpanNames, [{ kind: 'exact', name: '/users/<int:user_id>' }]);
    assert.equal(show.range.start.line, 2, 'the range starts at the decorator');
  });

  it('reads @app.get/@bp.post shortcuts and blueprint prefixes, the registration’s url_prefix replacing the blueprint’s own', async () => {
    const found = await routes(
      py(
        'from flask import Blueprint, Flask',
        'app = Flask(__name__)',
        'users = Blueprint("users", __name__, url_prefix="/users")',
        'admin = Blueprint("admin", __name__, url_prefix="/admin")',
        'reports = Blueprint("reports", __name__)',
        '@users.get("/<id>")',
        'def get_user(id): ...',
        '@admin.post("/")',
        'def create(): ...',
        '@reports.delete("")',
        'def purge(): ...',
        'app.register_blueprint(users)',
        'app.register_blueprint(admin, url_prefix="/api/admin")',
        'admin.register_blueprint(reports, url_prefix="/reports")',
      ),
    );
    assert.deepEqual(summary(found), [
      ['get_user', 'GET /users/<id>'],
      ['create', 'POST /api/admin/'],
      // Nested: the parent's prefix + "/" + the child's; an empty rule is the prefix itself.
      ['purge', 'DELETE /api/admin/reports'],
    ]);
  });

  it('keeps a blueprint’s own prefix when it is registered in another file, and offers the route under any prefix', async () => {
    const found = await routes(py('from flask import Blueprint', 'bp = Blueprint("orders", __name__, url_prefix="/orders")', '@bp.route("/<int:id>", methods=("PUT",))', 'def update(id): ...'));
    assert.deepEqual(summary(found), [['update', 'PUT /orders/<int:id>']]);
    const alternatives = found[0]!.alternativeSpanNames;
    assert.equal(alternatives.length, 2);
    assert.ok(spanNameMatches(alternatives[1]!, 'PUT /api/v2/<int:id>'), 'registered elsewhere under another url_prefix');
    assert.ok(!spanNameMatches(alternatives[1]!, 'GET /api/v2/<int:id>'));
  });

  it('reads add_url_rule with a same-file view function, and a MethodView’s HTTP methods', async () => {
    const found = await routes(
      py(
        'from flask import Flask',
        'from flask.views import MethodView',
        'app = Flask(__name__)',
        'def ping():',
        '    return "pong"',
        'class ItemAPI(MethodView):',
        '    def get(self, id): ...',
        '    def delete(self, id): ...',
        '    def helper(self): ...',
        'app.add_url_rule("/ping", "ping", ping)',
        'app.add_url_rule("/items/<int:id>", view_func=ItemAPI.as_view("item"))',
        'app.add_url_rule("/elsewhere", view_func=imported_view, methods=["POST"])',
      ),
    );
    assert.deepEqual(summary(found), [
      ['ping', 'GET /ping'],
      ['ItemAPI.get', 'GET /items/<int:id>'],
      ['ItemAPI.delete', 'DELETE /items/<int:id>'],
      ['handler for POST /elsewhere', 'POST /elsewhere'],
    ]);
  });

  it('follows route constants and method lists from constants', async () => {
    const found = await routes(py('from flask import Flask', 'app = Flask(__name__)', 'BASE = "/v1"', 'WRITE = ["POST", "PATCH"]', '@app.route(BASE + "/orders", methods=WRITE)', 'def orders(): ...'));
    assert.deepEqual(summary(found), [
      ['orders', 'POST /v1/orders'],
      ['orders', 'PATCH /v1/orders'],
    ]);
  });
});

describe('python lenses: FastAPI routes', () => {
  it('names @app.get by method and path, `{id}` placeholders as written', async () => {
    const found = await routes(py('from fastapi import FastAPI', 'app = FastAPI()', '@app.get("/items/{item_id}")', 'async def read_item(item_id: int):', '    return {}', '@app.put("/items/{item_id}")', 'def update(item_id: int): ...'));
    assert.deepEqual(summary(found), [
      ['read_item', 'GET /items/{item_id}'],
      ['update', 'PUT /items/{item_id}'],
    ]);
    assert.equal(found[0]!.route?.framework, 'fastapi');
  });

  it('concatenates include_router prefixes and the router’s own prefix', async () => {
    const found = await routes(
      py(
        'from fastapi import APIRouter, FastAPI',
        'app = FastAPI()',
        'router = APIRouter(prefix="/users", tags=["users"])',
        'v1 = APIRouter()',
        '@router.get("/{user_id}")',
        'async def get_user(user_id: int): ...',
        '@router.api_route("", methods=["POST", "PUT"])',
        'async def upsert(): ...',
        'v1.include_router(router, prefix="/v1")',
        'app.include_router(v1, prefix="/api")',
      ),
    );
    assert.deepEqual(summary(found), [
      ['get_user', 'GET /api/v1/users/{user_id}'],
      ['upsert', 'POST /api/v1/users'],
      ['upsert', 'PUT /api/v1/users'],
    ]);
    assert.equal(found[0]!.alternativeSpanNames.length, 1, 'every prefix is in this file');
  });

  it('treats a router included in another file as prefix-unknown', async () => {
    const found = await routes(py('from fastapi import APIRouter', 'router = APIRouter(prefix="/orders")', '@router.delete("/{order_id}")', 'def cancel(order_id: str): ...'));
    assert.deepEqual(summary(found), [['cancel', 'DELETE /orders/{order_id}']]);
    const anyPrefix = found[0]!.alternativeSpanNames[1]!;
    assert.ok(spanNameMatches(anyPrefix, 'DELETE /api/orders/{order_id}'));
  });

  it('reads add_api_route with a method of the class registering it', async () => {
    const found = await routes(
      py(
        'from fastapi import APIRouter',
        'class Server:',
        '    def __init__(self):',
        '        self.router = APIRouter()',
        '        self.router.add_api_route("/api/heartbeat", self.heartbeat, methods=["GET"])',
        '        self.router.add_api_route("/api/version", self.version)',
        '    def heartbeat(self): ...',
        '    def version(self): ...',
      ),
    );
    assert.deepEqual(summary(found), [
      ['Server.heartbeat', 'GET /api/heartbeat'],
      ['Server.version', 'GET /api/version'],
    ]);
  });
});

describe('python lenses: Django URLconfs', () => {
  it('names path() and re_path() routes without a leading slash, any method, on same-file views or the path() entry', async () => {
    const found = await routes(
      py(
        'from django.urls import include, path, re_path',
        'from . import views',
        'from .views import detail',
        'def status(request): ...',
        'urlpatterns = [',
        '    path("articles/<int:year>/", views.year_archive, name="year"),',
        '    re_path(r"^archive/(?P<slug>[-\\w]+)/$", detail),',
        '    path("status/", status),',
        '    path("users/", views.UserList.as_view()),',
        '    path("", views.home),',
        '    path("blog/", include("blog.urls")),',
        ']',
      ),
      '/w/shop/urls.py',
    );
    assert.deepEqual(summary(found), [
      ['status', '* status/'],
      ['views.year_archive', '* articles/<int:year>/'],
      ['detail', '* ^archive/(?P<slug>[-\\w]+)/$'],
      ['views.UserList', '* users/'],
    ]);
    const year = found.find((f) => f.functionName === 'views.year_archive')!;
    assert.ok(spanNameMatches(year.spanName, 'GET articles/<int:year>/') && spanNameMatches(year.spanName, 'POST articles/<int:year>/'));
    assert.ok(!spanNameMatches(year.spanName, 'GET /articles/2024/'));
    assert.deepEqual(year.route, { framework: 'django', method: 'ALL', path: 'articles/<int:year>/' });
    // The root URLconf that includes this file is elsewhere: the route under any prefix.
    assert.ok(spanNameMatches(year.alternativeSpanNames[1]!, 'GET shop/articles/<int:year>/'));
    assert.equal(found.find((f) => f.functionName === 'views.year_archive')!.nameRange.start.line, 5, 'on the path() entry');
  });

  it('joins the routes of include([...]) and include(list_variable) in front, without the inner regex’s ^', async () => {
    const found = await routes(
      py(
        'from django.urls import include, path, re_path',
        'from shop import views',
        'charges = [',
        '    re_path(r"^(?P<pk>[0-9]+)/$", views.charge),',
        ']',
        'urlpatterns = [',
        '    path("api/", include([path("users/<int:pk>/", views.user)])),',
        '    re_path(r"^credit/", include(charges)),',
        ']',
      ),
    );
    assert.deepEqual(summary(found), [
      ['views.charge', '* ^credit/(?P<pk>[0-9]+)/$'],
      ['views.user', '* api/users/<int:pk>/'],
    ]);
  });

  it('reads the old django.conf.urls url() and aliased imports', async () => {
    const found = await routes(py('from django.conf.urls import url', 'from django.urls import path as route', 'from . import views', 'urlpatterns = [url(r"^old/$", views.old), route("new/", views.new)]'));
    assert.deepEqual(summary(found), [
      ['views.old', '* ^old/$'],
      ['views.new', '* new/'],
    ]);
  });
});

describe('python lenses: what is not a route', () => {
  it('gives no lens for path()/re_path() entries of a Django Channels URLRouter (routed outside Django’s resolver)', async () => {
    const channels = py('from channels.routing import URLRouter', 'from django.urls import re_path', 'def build(app):', '    return URLRouter([re_path("^", app), re_path(r"^graphql$", app)])');
    assert.deepEqual(await routes(channels), []);
    // The same entries without the Channels import are a URLconf.
    assert.equal((await routes(channels.replace('from channels.routing import URLRouter\n', ''))).length, 2);
  });

  it('gives no lens for HTTP client calls, unknown receivers without a framework import, or routes in comments and strings', async () => {
    const found = await routes(
      py(
        'import requests',
        'from myapp import app',
        'session = requests.Session()',
        '@app.get("/looks/like/a/route")',
        'def not_known(): ...',
        'def fetch():',
        '    requests.get("/users")',
        '    session.post("/orders", json={})',
        '    # @app.route("/in/comment")',
        '    return "@app.route(\'/in/string\')"',
        'path("x/", fetch)',
      ),
    );
    assert.deepEqual(found, []);
  });

  it('gives no lens for a route whose path is not known or is no path, or a decorator on a class', async () => {
    const found = await routes(
      py(
        'from flask import Flask',
        'from fastapi import APIRouter',
        'app = Flask(__name__)',
        'router = APIRouter()',
        'def register(rule):',
        '    @app.route(rule)',
        '    def dynamic(): ...',
        '@app.route("relative")',
        'def relative(): ...',
        '@router.get(f"/{VERSION}/x")',
        'def versioned(): ...',
        '@app.route("/x", methods=get_methods())',
        'def computed(): ...',
        '@app.route("/cls")',
        'class NotAFunction: ...',
      ),
    );
    assert.deepEqual(found, []);
  });

  it('finds no route when routes are turned off', async () => {
    const text = py('from flask import Flask', 'app = Flask(__name__)', '@app.get("/a")', 'def a(): ...');
    assert.equal((await findInstrumentedFunctions(text, '/w/a.py', { routes: false })).length, 0);
    assert.equal((await findInstrumentedFunctions(text, '/w/a.py')).length, 1);
  });
});
