// The deprecation table against the deprecation notes of the installed @opentelemetry/semantic-conventions.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { attributeDeprecations } from '../../../../src/core/code/lint/semconvDeprecations';

const dist = path.resolve(__dirname, '../../../../node_modules/@opentelemetry/semantic-conventions/dist');

/** key → deprecation note (undefined when the attribute is current) for every ATTR_ constant of the package. */
function packageAttributes(): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const file of ['stable_attributes.d.cts', 'experimental_attributes.d.cts']) {
    const text = fs.readFileSync(path.join(dist, file), 'utf8');
    const re = /declare const ATTR_\w+: "([^"]+)";/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const before = text.slice(0, m.index);
      const docStart = before.lastIndexOf('/**');
      const docEnd = before.lastIndexOf('*/');
      // The doc comment must directly precede the declaration.
      const doc = docStart >= 0 && docEnd > docStart && before.slice(docEnd + 2).trim() === '' ? before.slice(docStart, docEnd) : '';
      const dep = /@deprecated ([\s\S]*)$/.exec(doc);
      out.set(m[1]!, dep ? dep[1]!.replace(/\s*\n\s*\*\s*/g, ' ').trim() : undefined);
    }
  }
  return out;
}

describe('semantic-convention deprecation table', () => {
  const pkg = packageAttributes();

  it('reads the package (sanity)', () => {
    assert.ok(pkg.size > 500);
    assert.equal(pkg.get('http.request.method'), undefined);
    assert.match(pkg.get('http.method') ?? '', /http\.request\.method/);
  });

  it('lists only keys the package deprecates, with the replacement its note names', () => {
    for (const d of attributeDeprecations) {
      if (d.source === 'historic') continue;
      assert.ok(pkg.has(d.key), `${d.key} is not in the package`);
      const note = pkg.get(d.key);
      assert.ok(note !== undefined, `${d.key} is not deprecated in the package`);
      for (const r of d.replacements) assert.ok(note.includes(r), `${d.key}: note "${note}" does not mention ${r}`);
    }
  });

  it('marks as historic only keys the package no longer lists as current, and their replacements are current', () => {
    for (const d of attributeDeprecations) {
      if (d.source === 'historic') assert.ok(!pkg.has(d.key) || pkg.get(d.key) !== undefined, `${d.key} is current`);
      for (const r of d.replacements) {
        // `http.request.header.<name>` is a template attribute (a function in the package), not a constant.
        const templated = /^http\.(request|response)\.header\.[a-z-]+$/.test(r);
        assert.ok(templated || (pkg.has(r) && pkg.get(r) === undefined), `${d.key} → ${r}: the replacement is not a current attribute`);
      }
    }
  });

  it('covers the common HTTP, network, database and messaging renames', () => {
    const table = new Map(attributeDeprecations.map((d) => [d.key, d.replacements[0]]));
    const expected: Record<string, string> = {
      'http.method': 'http.request.method',
      'http.status_code': 'http.response.status_code',
      'http.url': 'url.full',
      'http.target': 'url.path',
      'net.peer.name': 'server.address',
      'net.peer.port': 'server.port',
      'net.host.name': 'server.address',
      'db.statement': 'db.query.text',
      'db.system': 'db.system.name',
      'messaging.kafka.partition': 'messaging.destination.partition.id',
      'http.user_agent': 'user_agent.original',
    };
    for (const [k, v] of Object.entries(expected)) assert.equal(table.get(k), v, k);
  });
});
