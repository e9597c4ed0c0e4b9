// Python tracebacks as `traceback.format_exception` prints them and the OpenTelemetry Python SDK records them,
// chains included: each block is one exception, most recent call last; the blocks are joined by
//   "The above exception was the direct cause of the following exception:"   (raise … from …: __cause__)
//   "During handling of the above exception, another exception occurred:"    (__context__)
// and the last block is the exception that was raised.
import type { ParsedStack, StackException, StackFrame } from '../stackTypes';

const TRACEBACK = /^\s*Traceback \(most recent call last\):\s*$/;
const FRAME = /^\s*File "(.*)", line (\d+)(?:, in (.*))?\s*$/;
const DIRECT_CAUSE = /The above exception was the direct cause of the following exception:/;
const DURING_HANDLING = /During handling of the above exception, another exception occurred:/;

export function looksLikePythonTraceback(text: string): boolean {
  return /^\s*Traceback \(most recent call last\):/m.test(text) || /^\s*File ".*", line \d+, in /m.test(text);
}

/** One block: its frames (innermost first) and the `Type: message` after them. */
function parseBlock(lines: readonly string[]): StackException | undefined {
  const frames: StackFrame[] = [];
  let i = 0;
  let last = -1;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const f = FRAME.exec(line);
    if (f) {
      frames.push({ file: f[1]!, line: Number(f[2]), function: f[3]?.trim() || '<module>' });
      last = i;
      continue;
    }
    // Source lines, caret lines and "[Previous line repeated N more times]" are indented under a frame.
    if (TRACEBACK.test(line) || (last >= 0 && /^\s/.test(line)) || line.trim() === '') continue;
    break;
  }
  const tail = lines.slice(i).join('\n').trim();
  if (frames.length === 0 && tail === '') return undefined;
  // `module.Type: message` or a bare `Type`; the message may run over several lines.
  const m = /^([A-Za-z_][\w.]*)(?::\s?([\s\S]*))?$/.exec(tail);
  const type = m ? m[1]! : '';
  const message = m ? (m[2] ?? '') : tail;
  return { type, message, frames: frames.reverse() };
}

export function parsePythonTraceback(text: string): ParsedStack | undefined {
  const lines = text.split(/\r?\n/);
  const blocks: string[][] = [[]];
  const relations: Array<'cause' | 'context'> = [];
  for (const line of lines) {
    if (DIRECT_CAUSE.test(line) || DURING_HANDLING.test(line)) {
      relations.push(DIRECT_CAUSE.test(line) ? 'cause' : 'context');
      blocks.push([]);
    } else {
      blocks[blocks.length - 1]!.push(line);
    }
  }
  const parsed = blocks.map(parseBlock);
  const exception = parsed[parsed.length - 1];
  if (!exception) return undefined;
  const causes: Array<StackException & { relation: 'cause' | 'context' }> = [];
  // Block k-1 is the cause (or context) of block k; walk back from the raised one.
  for (let k = parsed.length - 1; k > 0; k--) {
    const earlier = parsed[k - 1];
    if (earlier) causes.push({ ...earlier, relation: relations[k - 1]! });
  }
  return { runtime: 'python', exception, causes };
}
