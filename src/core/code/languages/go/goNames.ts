// Span names (and tracer names, route paths) from Go expressions: string literals, constants (const blocks
// included), local and package-level variables assigned once, `+` concatenation and `fmt.Sprintf`. What the file
// cannot tell (a parameter, another package's constant, a call) is a run-time part: the name becomes a pattern, or
// nothing when no fixed text is left.
import { partsOfPrintfFormat, type SpanNamePart } from '../../instrumented/spanNameFromParts';
import { escapeRegex } from '../../instrumented/spanNameMatcher';
import type { SpanNameMatcher } from '../../instrumented/types';
import type { SyntaxNode } from '../../treeSitter/treeSitterRuntime';
import type { GoFile } from './goFile';
import { meaningfulSpanName } from './goSpanNames';
import { argumentsOf, calleeOf, compactText, operandName, stringLiteralValue, unparen } from './goSyntax';

/** Parts known from outside the expression (a span-name formatter's parameters): source text → parts. */
export type NameEnvironment = ReadonlyMap<string, readonly SpanNamePart[]>;

const MAX_DEPTH = 8;

function unknown(node: SyntaxNode): SpanNamePart[] {
  return [{ known: false, display: node.text.replace(/\s+/g, ' ') }];
}

export function nameParts(expr: SyntaxNode, file: GoFile, env?: NameEnvironment, depth = 0): SpanNamePart[] {
  const e = unparen(expr);
  const fromEnv = env?.get(compactText(e));
  if (fromEnv) return [...fromEnv];
  if (depth > MAX_DEPTH) return unknown(e);
  const literal = stringLiteralValue(e);
  if (literal !== undefined) return [{ known: true, text: literal }];
  switch (e.type) {
    case 'identifier': {
      // A value chosen in branches is a run-time part here (spanNameOf handles a whole name that is one).
      const value = file.bindingOf(e.text, e)?.value;
      // A binding's value is evaluated where it was written: formatter parameters do not reach it.
      return value ? nameParts(value, file, undefined, depth + 1) : unknown(e);
    }
    case 'binary_expression': {
      const left = e.childForFieldName('left');
      const right = e.childForFieldName('right');
      if (e.childForFieldName('operator')?.text !== '+' || !left || !right) return unknown(e);
      return [...nameParts(left, file, env, depth + 1), ...nameParts(right, file, env, depth + 1)];
    }
    case 'call_expression': {
      const callee = calleeOf(e);
      if (callee?.name === 'Sprintf' && file.isPackage(operandName(callee), (p) => p === 'fmt', 'fmt')) {
        const [format, ...args] = argumentsOf(e);
        const formatText = format ? staticString(format, file, env, depth + 1) : undefined;
        if (formatText === undefined) return unknown(e);
        return substituteKnownArguments(partsOfPrintfFormat(formatText, args.map((a) => a.text)), formatText, args, file, depth);
      }
      // `string(x)` conversions keep the text.
      if (callee?.name === 'string' && callee.operand === undefined) {
        const [arg] = argumentsOf(e);
        return arg ? nameParts(arg, file, env, depth + 1) : unknown(e);
      }
      return unknown(e);
    }
    default:
      return unknown(e);
  }
}

/**
 * `%s` and `%v` of arguments the file knows (a constant prefix) become their text; other verbs and run-time
 * arguments stay run-time parts.
 */
function substituteKnownArguments(parts: SpanNamePart[], format: string, args: readonly SyntaxNode[], file: GoFile, depth: number): SpanNamePart[] {
  const verbs = [...format.matchAll(/%(?:%|[-+# 0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[a-zA-Z])/g)].map((m) => m[0]).filter((v) => v !== '%%');
  let i = 0;
  return parts.map((p) => {
    if (p.known) return p;
    const verb = verbs[i];
    const arg = args[i++];
    if (!arg || (verb !== '%s' && verb !== '%v')) return p;
    const text = staticString(arg, file, undefined, depth + 1);
    return text !== undefined ? { known: true, text } : p;
  });
}

/** The expression's text when the file tells all of it; undefined otherwise. */
export function staticString(expr: SyntaxNode, file: GoFile, env?: NameEnvironment, depth = 0): string | undefined {
  const parts = nameParts(expr, file, env, depth);
  return parts.every((p) => p.known) ? parts.map((p) => (p.known ? p.text : '')).join('') : undefined;
}

/**
 * Exact, a pattern for run-time parts, or undefined when no fixed text is known (no lens then). A variable set
 * to one of several constants in branches (`switch { case …: key = "union" … }`) gives the alternation of them.
 */
export function spanNameOf(expr: SyntaxNode, file: GoFile, env?: NameEnvironment): SpanNameMatcher | undefined {
  const e = unparen(expr);
  if (e.type === 'identifier' && !env?.has(e.text)) {
    const branches = file.bindingOf(e.text, e)?.branchValues;
    if (branches) {
      const values = branches.map((v) => (v ? staticString(v, file) : undefined));
      if (values.length === 0 || values.some((v) => v === undefined || v === '')) return undefined;
      const unique = [...new Set(values as string[])];
      if (unique.length === 1) return { kind: 'exact', name: unique[0]! };
      return { kind: 'pattern', regex: `^(?:${unique.map(escapeRegex).join('|')})$`, display: unique.join('|') };
    }
  }
  return meaningfulSpanName(nameParts(expr, file, env));
}
