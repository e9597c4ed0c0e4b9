// Routes → the Java agent's server span names: Spring (class @RequestMapping prefix + method mapping, combined as
// PathPattern.combine does), JAX-RS (class @Path + method @Path, joined as HandlerData.buildSpanName does) and
// the JDK HttpServer (the context path, whatever the method). Controller spans and unknown context paths are
// alternatives.
import * as assert from 'node:assert/strict';
import { findInstrumentedFunctions } from '../../../../../src/core/code/codeIntel';
import { spanNameMatches } from '../../../../../src/core/code/instrumented/spanNameMatcher';
import { combineSpringPaths } from '../../../../../src/core/code/languages/java/springRoutes';
import { joinJaxrsPaths } from '../../../../../src/core/code/languages/java/jaxrsRoutes';
import { anchorText, lensesOf, namesOf } from './javaTestSupport';

describe('Java: Spring routes', () => {
  it('maps each mapping to METHOD /prefix/path with the class prefix', async () => {
    const found = await lensesOf('spring');
    assert.deepEqual(namesOf(found), [
      ['UserController.get', 'GET /api/users/{id}'],
      ['UserController.create', 'POST /api'],
      ['UserController.two', 'GET /api/a'],
      ['UserController.two', 'GET /api/b'],
      ['UserController.methods', 'GET /api/x'],
      ['UserController.methods', 'POST /api/x'],
      ['UserController.any', '* /api/any'],
      ['UserController.remove', 'DELETE /api/items/{id:[0-9]+}'],
      ['UserController.defaulted', 'GET /api/v1/defaulted'],
      ['RootController.health', 'GET /health'],
    ]);
    const get = found[0]!;
    assert.deepEqual(get.route, { framework: 'spring', method: 'GET', path: '/api/users/{id}' });
    assert.equal(get.spanKind, 'server');
    assert.equal(get.via, 'route');
    assert.deepEqual(get.alternativeSpanNames[0], { kind: 'exact', name: 'UserController.get' });
    assert.ok(spanNameMatches(get.alternativeSpanNames[1]!, 'GET /shop/api/users/{id}'), 'behind a servlet context path');
    assert.ok(!spanNameMatches(get.alternativeSpanNames[1]!, 'GET /api/users/{id}/orders'));
    assert.ok(spanNameMatches(found[6]!.spanName, 'PATCH /api/any'), 'no method: any method');
    assert.equal(anchorText('spring', get), 'get');
  });

  it('gives no route for a property placeholder without a default, a comment, or an interface (an HTTP client)', async () => {
    const fns = (await lensesOf('spring')).map((f) => f.functionName);
    for (const none of ['UserController.placeholder', 'UserController.commented', 'UsersClient.fetch']) assert.ok(!fns.includes(none), none);
  });

  it('combines paths like Spring', () => {
    assert.equal(combineSpringPaths('/api', '/users'), '/api/users');
    assert.equal(combineSpringPaths('api', 'users'), '/api/users');
    assert.equal(combineSpringPaths('/api/', '/users'), '/api/users');
    assert.equal(combineSpringPaths('/api', '/'), '/api/');
    assert.equal(combineSpringPaths('', ''), '/');
    assert.equal(combineSpringPaths('/api/*', '/users'), '/api/users');
  });
});

describe('Java: JAX-RS routes', () => {
  it('maps @GET/@POST/… methods of a @Path class to METHOD /class/method', async () => {
    const found = await lensesOf('jaxrs');
    assert.deepEqual(namesOf(found), [
      ['UserResource.list', 'GET /users'],
      ['UserResource.get', 'GET /users/{id}'],
      ['UserResource.order', 'POST /users/{id}/orders'],
      ['ItemResource.remove', 'DELETE /items/{id}'],
    ]);
    assert.deepEqual(found[1]!.route, { framework: 'jax-rs', method: 'GET', path: '/users/{id}' });
    assert.deepEqual(found[1]!.alternativeSpanNames[0], { kind: 'exact', name: 'UserResource.get' });
    assert.ok(spanNameMatches(found[1]!.alternativeSpanNames[1]!, 'GET /api/users/{id}'), 'behind @ApplicationPath');
  });

  it('gives no route for a sub-resource locator, a class without @Path, or an interface', async () => {
    const fns = (await lensesOf('jaxrs')).map((f) => f.functionName);
    for (const none of ['UserResource.locator', 'SubResource.get', 'RemoteUsers.list']) assert.ok(!fns.includes(none), none);
  });

  it('joins paths like the agent', () => {
    assert.equal(joinJaxrsPaths('users', '{id}'), '/users/{id}');
    assert.equal(joinJaxrsPaths('/users/', '/{id}'), '/users/{id}');
    assert.equal(joinJaxrsPaths('/users', undefined), '/users');
    assert.equal(joinJaxrsPaths('/users/', '/'), '/users/');
    assert.equal(joinJaxrsPaths(undefined, 'x'), '/x');
  });
});

describe('Java: JDK HttpServer contexts', () => {
  it('maps createContext(path, handler) to * /path on the handler: method reference, handler class, lambda, variable', async () => {
    const found = await lensesOf('jdkServer');
    assert.deepEqual(namesOf(found), [
      ['handler for * /health', '* /health'],
      ['PaymentsServer.start.status', '* /status'],
      ['handler for * /later', '* /later'],
      ['PaymentsServer.payments', '* /payments'],
      ['RefundsHandler.handle', '* /refunds'],
    ]);
    assert.ok(spanNameMatches(found[3]!.spanName, 'POST /payments') && spanNameMatches(found[3]!.spanName, 'GET /payments'));
    assert.ok(!spanNameMatches(found[3]!.spanName, 'GET /payments/1'), 'the route is the context path, not the request path');
    assert.deepEqual(found[3]!.route, { framework: 'jdk-httpserver', method: 'ALL', path: '/payments' });
    assert.deepEqual(found[3]!.alternativeSpanNames, []);
    assert.match(anchorText('jdkServer', found[0]!), /^exchange -> /);
  });

  it('needs the JDK server: createContext elsewhere is no route', async () => {
    const text = 'class Registry {\n  void start(Contexts c) {\n    c.createContext("/x", this::start);\n  }\n}\n';
    assert.deepEqual(await findInstrumentedFunctions(text, '/w/Registry.java'), []);
  });
});
