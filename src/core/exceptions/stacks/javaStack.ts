// JVM stack traces as `Throwable.printStackTrace` prints them and the OpenTelemetry Java agent records them:
//   java.lang.RuntimeException: order failed
//   	at com.example.shop.orders.OrderService.create(OrderService.java:34)
//   Caused by: java.lang.IllegalStateException: SKU BROKEN-1 is discontinued
//   	at com.example.shop.orders.OrderService.validate(OrderService.java:24)
//   	... 1 more
// A `... N more` stands for the last N frames of the exception before it; they are filled in. `Suppressed:` blocks
// (indented) are skipped. A frame's file is its package as a path plus the file name
// (`com/example/shop/orders/OrderService.java`), which is what the workspace has.
import type { ParsedStack, StackException, StackFrame } from '../stackTypes';

// `at [loader/][module[@version]/]package.Class.method(File.java:12)`: `app//com.x.Y.z(…)`, `java.base/java.util.…`.
const AT = /^\s*at\s+([^\s(]+)\((.*)\)\s*$/;
const MORE = /^\s*\.\.\. (\d+) (?:more|common frames omitted)\s*$/;
const CAUSED_BY = /^Caused by: (.*)$/;

export function looksLikeJavaStack(text: string): boolean {
  return /^\s+at [\w$.\/]+\((?:[\w$-]+\.(?:java|kt|scala|groovy|clj):\d+|Native Method|Unknown Source)\)\s*$/m.test(text);
}

function frame(m: RegExpExecArray): StackFrame | undefined {
  const prefixes = m[1]!.split('/');
  const qualified = prefixes.pop()!;
  // One prefix is the module; two are the class loader and the module (which may be empty).
  const module = prefixes.length === 1 ? prefixes[0] : prefixes.length >= 2 ? prefixes[1] : undefined;
  const where = /^(.+?):(\d+)$/.exec(m[2]!);
  if (!where) return undefined; // Native Method, Unknown Source: no line to go to.
  const parts = qualified.split('.');
  // package.Class.method: the class is the part before the method; nested classes stay in it (`Outer$Inner`).
  const pkg = parts.slice(0, -2);
  const fileName = where[1]!;
  return {
    file: [...pkg, fileName].join('/'),
    line: Number(where[2]),
    function: parts.slice(-2).join('.'),
    ...(module ? { module: module.replace(/@.*$/, '') } : pkg.length > 0 ? { module: pkg.join('.') } : {}),
  };
}

/** `Exception in thread "main" x.Y: msg` / `x.Y: msg` / `x.Y` → type and message. */
function header(text: string): { type: string; message: string } {
  const stripped = text.replace(/^Exception in thread ".*?" /, '');
  const m = /^([\w$.]+)(?::\s?([\s\S]*))?$/.exec(stripped.trim());
  return m ? { type: m[1]!, message: m[2] ?? '' } : { type: '', message: stripped.trim() };
}

export function parseJavaStack(text: string): ParsedStack | undefined {
  const lines = text.split(/\r?\n/);
  const chain: Array<{ head: string[]; frames: StackFrame[] }> = [];
  let current: { head: string[]; frames: StackFrame[] } | undefined;
  let suppressedIndent: number | undefined;
  for (const line of lines) {
    const indent = /^\s*/.exec(line)![0].length;
    if (suppressedIndent !== undefined) {
      if (indent > suppressedIndent || line.trim() === '') continue;
      suppressedIndent = undefined;
    }
    if (/^\s+Suppressed: /.test(line)) {
      suppressedIndent = indent;
      continue;
    }
    const cause = CAUSED_BY.exec(line);
    if (cause || !current) {
      if (!cause && line.trim() === '') continue;
      current = { head: [cause ? cause[1]! : line], frames: [] };
      chain.push(current);
      continue;
    }
    const at = AT.exec(line);
    if (at) {
      const f = frame(at);
      if (f) current.frames.push(f);
      continue;
    }
    const more = MORE.exec(line);
    if (more) {
      const previous = chain[chain.length - 2];
      if (previous) current.frames.push(...previous.frames.slice(Math.max(0, previous.frames.length - Number(more[1]))));
      continue;
    }
    // A message over several lines, before the first frame.
    if (current.frames.length === 0) current.head.push(line);
  }
  const exceptions: StackException[] = chain.map((c) => ({ ...header(c.head.join('\n')), frames: c.frames }));
  const first = exceptions[0];
  if (!first) return undefined;
  return { runtime: 'java', exception: first, causes: exceptions.slice(1).map((e) => ({ ...e, relation: 'cause' as const })) };
}
