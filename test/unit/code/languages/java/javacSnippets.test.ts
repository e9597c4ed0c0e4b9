// The Java the lens tests read is valid Java: javac compiles every snippet against the stand-ins in
// test/fixtures/java-stubs. The class files javac writes also check the class names listFunctions gives nested,
// anonymous and local classes (`Outer$1`, `Outer$1Local`, `Outer$Inner`).
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listFunctions } from '../../../../../src/core/code/codeIntel';
import { snippets } from './javaSnippets';

const stubs = path.resolve(__dirname, '../../../../fixtures/java-stubs');
const hasJavac = spawnSync('javac', ['-version'], { stdio: 'ignore' }).status === 0;

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('Java: the test snippets compile with javac', function () {
  this.timeout(120_000);
  let out = '';
  let classes = new Set<string>();

  before(function () {
    if (!hasJavac) {
      if (process.env['CI'] === 'true') throw new Error('javac is missing: install a JDK (Debian: openjdk-17-jdk-headless)');
      console.log('      (skipped: no javac on this machine)');
      this.skip();
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanlens-javac-'));
    const sources: string[] = [];
    for (const [name, text] of Object.entries(snippets)) {
      const publicType = /^public\s+(?:final\s+|abstract\s+)*(?:class|interface|enum|record)\s+(\w+)/m.exec(text)?.[1];
      const file = path.join(dir, 'src', name, `${publicType ?? name}.java`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      sources.push(file);
    }
    out = path.join(dir, 'classes');
    execFileSync('javac', ['-nowarn', '-proc:none', '-d', out, '-sourcepath', stubs, ...sources], { stdio: ['ignore', 'pipe', 'pipe'] });
    classes = new Set(listFiles(out).filter((f) => f.endsWith('.class')).map((f) => path.relative(out, f).replace(/\.class$/, '').split(path.sep).join('.')));
  });

  after(() => {
    if (out) fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });

  it('compiles, and every nested, anonymous and local class name listFunctions gives is one javac wrote', async () => {
    const ours = new Set<string>();
    for (const [name, text] of Object.entries(snippets)) {
      for (const f of await listFunctions(text, `/w/${name}.java`)) {
        const q = f.qualifiedName ?? f.functionName;
        const cls = q.slice(0, q.lastIndexOf('.'));
        if (cls.includes('$') || classes.has(cls)) ours.add(cls);
      }
    }
    for (const cls of ours) assert.ok(classes.has(cls), `${cls} is not a class javac made (it made ${[...classes].filter((c) => c.includes('$')).join(', ')})`);
    // And the other way: every class javac made for code with methods in the snippets is named by a function.
    const withoutMethods = new Set(['t.names.Names$Ops', 't.names.SpanNames', 't.names.Other']);
    for (const cls of classes) {
      if (cls.startsWith('io.') || cls.startsWith('org.') || cls.startsWith('jakarta.') || withoutMethods.has(cls)) continue;
      assert.ok(ours.has(cls), `javac made ${cls}, which no listed function names`);
    }
  });
});
