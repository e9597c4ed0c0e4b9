import * as assert from 'node:assert/strict';
import { idTemplate, normalizeStatement, urlHost, urlPathTemplate } from '../../../src/core/analysis/normalize';
import { callTarget, firstString, isOutgoingCall, peerAddresses, urlTemplate } from '../../../src/core/analysis/spanAttributes';
import { makeSpan } from '../../support/traceBuilder';

describe('normalisation for grouping', () => {
  it('replaces ids, UUIDs, hex and numbers in names', () => {
    assert.equal(idTemplate('GET /users/123/orders/9f8e7d6c5b4a'), 'GET /users/{n}/orders/{id}');
    assert.equal(idTemplate('GET /users/77/orders/0a1b2c3d4e5f'), 'GET /users/{n}/orders/{id}');
    assert.equal(idTemplate('get /items/550e8400-e29b-41d4-a716-446655440000'), 'get /items/{uuid}');
    assert.equal(idTemplate('token aB3dE9xYqq88ZZ00'), 'token {id}');
    assert.equal(idTemplate('flush 0xDEAD'), 'flush {id}');
    assert.equal(idTemplate('user_details_cache-20150901'), 'user_details_cache-{n}');
  });

  it('leaves id-free names alone, words that look like hex included', () => {
    for (const name of ['GET /health', 'txn: user_get_basic_and_scout_info', 'deadbeef', 'facade', 'SELECT']) assert.equal(idTemplate(name), name);
  });

  it('replaces SQL literals and collapses IN lists and whitespace', () => {
    assert.equal(
      normalizeStatement("SELECT *  FROM users\n WHERE id = 42 AND name = 'o''brien' AND x IN (1, 2, 3) AND y = -5 AND t2.c = $1"),
      'SELECT * FROM users WHERE id = ? AND name = ? AND x IN (?) AND y = ? AND t2.c = $1',
    );
    assert.equal(normalizeStatement('select "col1", `c2` from t2 where a=1.5e3 and b=0xFF'), 'select "col1", `c2` from t2 where a=? and b=?');
    assert.equal(normalizeStatement('SELECT * FROM t WHERE id = ?'), 'SELECT * FROM t WHERE id = ?');
    assert.equal(normalizeStatement("INSERT INTO t (a, b) VALUES ('x', 2)"), 'INSERT INTO t (a, b) VALUES (?)');
  });

  it('turns URLs into path templates and hosts', () => {
    assert.equal(urlPathTemplate('https://api.example.com:8443/v1/users/123?x=1#f'), '/v{n}/users/{n}');
    assert.equal(urlPathTemplate('/a/b'), '/a/b');
    assert.equal(urlPathTemplate('http://host'), '/');
    assert.equal(urlHost('https://u:p@API.example.com:8443/v1'), 'api.example.com');
    assert.equal(urlHost('/relative/path'), undefined);
  });
});

describe('span attributes for analysis', () => {
  it('takes the first key in priority order, skipping blanks', () => {
    const span = makeSpan({ id: 'x', start: 0, attributes: { 'db.statement': 'old', 'db.query.text': '  ', 'sql.query': 'legacy' } });
    assert.equal(firstString(span, ['db.query.text', 'db.statement', 'sql.query']), 'old');
    assert.equal(firstString(span, ['nope']), undefined);
  });

  it('lists peer addresses: explicit names first, then the URL host, then IPs', () => {
    const span = makeSpan({ id: 'x', start: 0, attributes: { 'net.peer.ip': '10.0.0.1', 'url.full': 'http://Orders.svc:80/x', 'server.address': 'orders.internal:8080' } });
    assert.deepEqual(peerAddresses(span), ['orders.internal', 'orders.svc', '10.0.0.1']);
  });

  it('names call targets from peer, database, host or destination, and nothing otherwise', () => {
    assert.equal(callTarget(makeSpan({ id: 'x', start: 0, attributes: { 'peer.service': 'Users' } })), 'peer:users');
    assert.equal(callTarget(makeSpan({ id: 'x', start: 0, attributes: { 'db.system': 'postgresql', 'db.name': 'shop' } })), 'db:postgresql/shop');
    assert.equal(callTarget(makeSpan({ id: 'x', start: 0, attributes: { 'http.url': 'http://a.b/c' } })), 'host:a.b');
    assert.equal(callTarget(makeSpan({ id: 'x', start: 0, attributes: { 'messaging.destination.name': 'orders' } })), 'dest:orders');
    assert.equal(callTarget(makeSpan({ id: 'x', start: 0 })), undefined);
  });

  it('prefers http.route over the URL for templates', () => {
    assert.equal(urlTemplate(makeSpan({ id: 'x', start: 0, attributes: { 'http.route': '/users/:id', 'url.full': 'http://h/users/1' } })), '/users/:id');
    assert.equal(urlTemplate(makeSpan({ id: 'x', start: 0, attributes: { 'http.path': '/users/1' } })), '/users/{n}');
  });

  it('recognises outgoing calls by kind or by call attributes', () => {
    assert.equal(isOutgoingCall(makeSpan({ id: 'x', start: 0, kind: 'client' })), true);
    assert.equal(isOutgoingCall(makeSpan({ id: 'x', start: 0, kind: 'producer' })), true);
    assert.equal(isOutgoingCall(makeSpan({ id: 'x', start: 0, attributes: { 'db.system': 'redis' } })), true);
    assert.equal(isOutgoingCall(makeSpan({ id: 'x', start: 0, kind: 'internal', attributes: { 'rpc.system': 'grpc' } })), true);
    assert.equal(isOutgoingCall(makeSpan({ id: 'x', start: 0, kind: 'server', attributes: { 'db.system': 'redis' } })), false);
    assert.equal(isOutgoingCall(makeSpan({ id: 'x', start: 0, kind: 'internal' })), false);
  });
});
