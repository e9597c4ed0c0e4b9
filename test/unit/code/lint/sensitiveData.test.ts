import * as assert from 'node:assert/strict';
import { normaliseKey, passesLuhn, sensitiveKeyKind, sensitiveValueKind } from '../../../../src/core/code/lint/sensitiveData';

describe('sensitive data recognition', () => {
  it('normalises keys across camelCase, dots and dashes', () => {
    assert.equal(normaliseKey('http.request.header.Set-Cookie'), 'http_request_header_set_cookie');
    assert.equal(normaliseKey('userApiKey'), 'user_api_key');
  });

  it('recognises sensitive keys and leaves look-alikes alone', () => {
    const yes: Array<[string, string]> = [
      ['password', 'password'],
      ['db.passwd', 'password'],
      ['client_secret', 'secret'],
      ['auth.token', 'token'],
      ['accessToken', 'token'],
      ['http.request.header.authorization', 'credentials'],
      ['http.response.header.set-cookie', 'cookie'],
      ['x-api-key', 'api key'],
      ['apiKey', 'api key'],
      ['user.email', 'email'],
      ['creditCardNumber', 'card number'],
      ['card_number', 'card number'],
      ['cvv', 'card number'],
      ['ssn', 'national id'],
    ];
    for (const [key, kind] of yes) assert.equal(sensitiveKeyKind(key), kind, key);
    for (const key of ['gen_ai.usage.input_tokens', 'token_count', 'gen_ai.token.type', 'http.request.method', 'user.id', 'passage', 'cardinality', 'session.id', 'messaging.kafka.message.key']) {
      assert.equal(sensitiveKeyKind(key), undefined, key);
    }
  });

  it('implements the Luhn check', () => {
    assert.equal(passesLuhn('4111111111111111'), true);
    assert.equal(passesLuhn('5500005555555559'), true);
    assert.equal(passesLuhn('4111111111111112'), false);
    assert.equal(passesLuhn('12a4'), false);
  });

  it('recognises sensitive values', () => {
    assert.equal(sensitiveValueKind('contact: a.b+c@mail.example.org'), 'email');
    assert.equal(sensitiveValueKind('4111-1111-1111-1111'), 'card number');
    assert.equal(sensitiveValueKind('order 4111 1111 1111 1112'), undefined);
    assert.equal(sensitiveValueKind('Bearer abcdefghijklmnop'), 'credentials');
    assert.equal(sensitiveValueKind('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig'), 'token');
    assert.equal(sensitiveValueKind('GET /users/42'), undefined);
    assert.equal(sensitiveValueKind('trace 4bf92f3577b34da6a3ce929d0e0e4736'), undefined);
  });
});
