// One entry point for stack traces of any runtime Span Lens reads: the span's SDK language (the resource attribute
// `telemetry.sdk.language`) is tried first, then the shape of the text decides.
import type { ParsedStack, StackRuntime } from './stackTypes';
import { looksLikeNodeStack, parseNodeStack } from './stacks/nodeStack';
import { looksLikePythonTraceback, parsePythonTraceback } from './stacks/pythonStack';
import { looksLikeGoStack, parseGoStack } from './stacks/goStack';
import { looksLikeJavaStack, parseJavaStack } from './stacks/javaStack';

/** Stack texts longer than this are cut before parsing (a 10,000-frame recursion says nothing more). */
export const MAX_STACK_CHARS = 64 * 1024;

const parsers: Readonly<Record<StackRuntime, { looksLike(text: string): boolean; parse(text: string): ParsedStack | undefined }>> = {
  python: { looksLike: looksLikePythonTraceback, parse: parsePythonTraceback },
  java: { looksLike: looksLikeJavaStack, parse: parseJavaStack },
  go: { looksLike: looksLikeGoStack, parse: parseGoStack },
  node: { looksLike: looksLikeNodeStack, parse: parseNodeStack },
};

/** `telemetry.sdk.language` values → runtime. */
export function runtimeOfSdkLanguage(language: string | undefined): StackRuntime | undefined {
  switch (language?.toLowerCase()) {
    case 'nodejs':
    case 'webjs':
    case 'javascript':
      return 'node';
    case 'python':
      return 'python';
    case 'go':
      return 'go';
    case 'java':
    case 'kotlin':
      return 'java';
    default:
      return undefined;
  }
}

/** The stack's frames and chain, or undefined when the text is no stack trace any parser knows. */
export function parseStackTrace(text: string, hint?: StackRuntime): ParsedStack | undefined {
  const input = text.length > MAX_STACK_CHARS ? text.slice(0, MAX_STACK_CHARS) : text;
  const order: StackRuntime[] = ['python', 'java', 'go', 'node'];
  if (hint) order.unshift(hint);
  for (const runtime of new Set(order)) {
    const p = parsers[runtime];
    if (!p.looksLike(input)) continue;
    const parsed = p.parse(input);
    if (parsed && (parsed.exception.frames.length > 0 || parsed.causes.some((c) => c.frames.length > 0))) return parsed;
  }
  return undefined;
}
