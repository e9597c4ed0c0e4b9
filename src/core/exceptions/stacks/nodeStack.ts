// V8 stack traces (Node, Deno, Chrome) as `error.stack` prints them and the OpenTelemetry JS SDK records them:
//   TypeError: Cannot read properties of undefined (reading 'id')
//       at validateOrder (/app/dist/orders.js:53:23)
//       at async Promise.all (index 0)
//       at /app/dist/orders.js:22:13
import type { ParsedStack, StackFrame } from '../stackTypes';

const FRAME_LINE = /^\s*at\s+(.*)$/;
// `fn (location)` or a bare `location`; `location` is `file:line:col`, possibly `file:///…`.
const WITH_NAME = /^(.*?)\s+\((.*)\)$/;
const LOCATION = /^(.*?):(\d+)(?::(\d+))?$/;

/** True when the text looks like a V8 stack (a line `at … :line:col`). */
export function looksLikeNodeStack(text: string): boolean {
  return /^\s*at\s+(?:.*\()?[^()\s]+:\d+:\d+\)?\s*$/m.test(text);
}

function parseFrame(body: string): StackFrame | undefined {
  let name = '';
  let location = body.trim();
  const named = WITH_NAME.exec(location);
  if (named) {
    name = named[1]!.trim();
    location = named[2]!.trim();
  }
  // `eval at fn (file:1:2), <anonymous>:3:4`: the place the eval was called from is the useful one.
  const evalAt = /^eval at [^(]*\((.*?)\)(?:, .*)?$/.exec(location);
  if (evalAt) location = evalAt[1]!;
  const loc = LOCATION.exec(location);
  if (!loc) return undefined; // `native`, `index 0`, `<anonymous>`: no place in a file.
  const file = loc[1]!.replace(/^file:\/\//, '');
  if (file === '' || file === '<anonymous>') return undefined;
  name = name.replace(/^async\s+/, '').replace(/^new\s+/, '');
  const column = loc[3] !== undefined ? Number(loc[3]) : undefined;
  const module = file.startsWith('node:') ? 'node' : /[/\\]node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)/.exec(file)?.[1]?.replace(/\\/g, '/');
  return {
    file,
    line: Number(loc[2]),
    ...(column !== undefined ? { column } : {}),
    function: name === '' ? '<anonymous>' : name,
    ...(module ? { module } : {}),
  };
}

export function parseNodeStack(text: string): ParsedStack | undefined {
  const lines = text.split(/\r?\n/);
  const firstFrame = lines.findIndex((l) => FRAME_LINE.test(l));
  if (firstFrame < 0) return undefined;
  const header = lines.slice(0, firstFrame).join('\n').trim();
  const m = /^([\w$.]*(?:Error|Exception|Warning|Rejection)|[A-Z][\w$]*):\s?([\s\S]*)$/.exec(header);
  const type = m ? m[1]! : /^[A-Z][\w$.]*$/.test(header) ? header : '';
  const message = m ? m[2]! : type ? '' : header;
  const frames: StackFrame[] = [];
  for (const line of lines.slice(firstFrame)) {
    const f = FRAME_LINE.exec(line);
    if (!f) continue;
    const frame = parseFrame(f[1]!);
    if (frame) frames.push(frame);
  }
  return { runtime: 'node', exception: { type, message, frames }, causes: [] };
}
