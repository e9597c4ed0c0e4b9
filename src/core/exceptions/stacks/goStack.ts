// Go stacks, in the two forms that reach spans:
// - goroutine dumps (a panic, `runtime/debug.Stack()`, the OpenTelemetry Go SDK's `WithStackTrace(true)`):
//     panic: runtime error: index out of range [2] with length 1
//     goroutine 1 [running]:
//     main.validate(0x60d450?)
//     	/app/orders/main.go:12 +0x66
//   The frames down to the last `panic(…)` are the deferred handlers that ran while it unwound: dropped, so the first
//   frame is the one that panicked.
// - `fmt.Sprintf("%+v", err)` of github.com/pkg/errors (and compatible) errors: each message line is followed by its
//   stack as `function` / `<tab>file:line` pairs; the first stack is where the error was made, the later ones where
//   it was wrapped.
import type { ParsedStack, StackException, StackFrame } from '../stackTypes';

const FILE_LINE = /^\t(.+\.go|.+\.s|\?\?):(\d+)(?: \+0x[0-9a-f]+)?(?: fp=.*)?\s*$/;
const GOROUTINE = /^goroutine \d+ \[.*\]:\s*$/;

export function looksLikeGoStack(text: string): boolean {
  return /^goroutine \d+ \[/m.test(text) || /^\t\S.*\.go:\d+(?: \+0x[0-9a-f]+)?\s*$/m.test(text);
}

/** The package of a Go function name: `net/http.(*conn).serve` → `net/http`, `main.main` → `main`. */
export function goPackageOf(fn: string): string {
  const slash = fn.lastIndexOf('/');
  const dot = fn.indexOf('.', slash + 1);
  return dot < 0 ? fn : fn.slice(0, dot);
}

function frame(fnLine: string, fileLine: RegExpExecArray): StackFrame {
  // `main.(*Service).Checkout(0x3615fae07ad8?, {…})` → `main.(*Service).Checkout`; `created by X in goroutine 21` → X.
  const created = /^created by (\S+)/.exec(fnLine);
  const name = created ? created[1]! : fnLine.replace(/\((?:[^()]|\([^()]*\))*\)\s*$/, '').trim();
  return { file: fileLine[1]!, line: Number(fileLine[2]), function: name, module: goPackageOf(name) };
}

/** Function/file pairs from `lines` starting at `start`, until a line that is neither; returns them and where it stopped. */
function readFrames(lines: readonly string[], start: number): { frames: StackFrame[]; next: number } {
  const frames: StackFrame[] = [];
  let i = start;
  while (i + 1 < lines.length) {
    const fn = lines[i]!;
    const loc = FILE_LINE.exec(lines[i + 1]!);
    if (fn.startsWith('\t') || fn.trim() === '' || !loc) break;
    frames.push(frame(fn, loc));
    i += 2;
  }
  return { frames, next: i };
}

function dropPanicPrologue(frames: readonly StackFrame[]): StackFrame[] {
  let last = -1;
  frames.forEach((f, i) => {
    if (f.function === 'panic' || f.function === 'runtime.gopanic' || f.function === 'runtime/debug.Stack') last = i;
  });
  return frames.slice(last + 1);
}

function parseGoroutineDump(lines: readonly string[]): ParsedStack | undefined {
  const g = lines.findIndex((l) => GOROUTINE.test(l));
  if (g < 0) return undefined;
  // `panic: msg [recovered]` (possibly several, and `\tpanic: …` for re-panics) before the goroutine line.
  const panics = lines.slice(0, g).map((l) => /^\s*panic: (.*?)(?: \[recovered(?:, repanicked)?\])?\s*$/.exec(l)?.[1]).filter((m): m is string => m !== undefined);
  const header = lines.slice(0, g).map((l) => l.trim()).filter((l) => l !== '');
  const message = panics[panics.length - 1] ?? header[header.length - 1] ?? '';
  const { frames } = readFrames(lines, g + 1);
  return { runtime: 'go', exception: { type: panics.length > 0 ? 'panic' : '', message, frames: dropPanicPrologue(frames) }, causes: [] };
}

function parseErrorsStack(lines: readonly string[]): ParsedStack | undefined {
  const segments: StackException[] = [];
  let message: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const { frames, next } = readFrames(lines, i);
    if (frames.length > 0) {
      segments.push({ type: '', message: message.join('\n').trim(), frames });
      message = [];
      i = next;
    } else {
      message.push(lines[i]!);
      i++;
    }
  }
  const origin = segments[0];
  if (!origin) return undefined;
  // Later segments wrapped the error: their messages, outermost last, make up what err.Error() says.
  return {
    runtime: 'go',
    exception: origin,
    causes: segments.slice(1).map((s) => ({ ...s, relation: 'wrap' as const })),
  };
}

export function parseGoStack(text: string): ParsedStack | undefined {
  const lines = text.split(/\r?\n/);
  return lines.some((l) => GOROUTINE.test(l)) ? parseGoroutineDump(lines) : parseErrorsStack(lines);
}
