// Maps a span to the function that made it through its OpenTelemetry `code.*` attributes, for spans whose name
// says nothing about the code (auto-instrumentation that records the call site).
import type { Attribute } from '../../model/trace';
import { findByQualifiedName } from '../symbols';
import type { FunctionLocation, InstrumentedFunction } from './types';

/** Where a span says it was made. Both current (`code.file.path`) and older (`code.filepath`) keys are read. */
export interface CodeAttributeLocation {
  readonly filePath?: string;
  /** 1-based, as OpenTelemetry records it. */
  readonly lineNumber?: number;
  /** `create`, or qualified `OrderService.create` (with `code.namespace` joined in when given separately). */
  readonly functionName?: string;
}

export type SpanAttributes = readonly Attribute[] | Readonly<Record<string, string | number | boolean | undefined>>;

function attributeValue(attrs: SpanAttributes, key: string): string | number | boolean | undefined {
  if (Array.isArray(attrs)) {
    for (const a of attrs as readonly Attribute[]) if (a.key === key) return a.value;
    return undefined;
  }
  return (attrs as Readonly<Record<string, string | number | boolean | undefined>>)[key];
}

function firstString(attrs: SpanAttributes, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = attributeValue(attrs, k);
    if (v !== undefined && v !== '') return String(v);
  }
  return undefined;
}

export function codeLocationOf(attrs: SpanAttributes): CodeAttributeLocation | undefined {
  const filePath = firstString(attrs, ['code.file.path', 'code.filepath']);
  const line = firstString(attrs, ['code.line.number', 'code.lineno']);
  const fn = firstString(attrs, ['code.function.name', 'code.function']);
  const ns = firstString(attrs, ['code.namespace']);
  const lineNumber = line !== undefined && /^\d+$/.test(line) ? Number(line) : undefined;
  const functionName = fn !== undefined ? (ns !== undefined && !fn.startsWith(`${ns}.`) ? `${ns}.${fn}` : fn) : undefined;
  if (filePath === undefined && functionName === undefined) return undefined;
  return {
    ...(filePath !== undefined ? { filePath } : {}),
    ...(lineNumber !== undefined ? { lineNumber } : {}),
    ...(functionName !== undefined ? { functionName } : {}),
  };
}

const codeExtension = /\.(?:[cm]?[jt]sx?)$/;

function segments(p: string): string[] {
  return p
    .replace(/^file:\/\//, '')
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
}

/**
 * How many trailing path segments two paths share (`/app/src/orders.ts` vs `C:\work\svc\src\orders.ts` → 2).
 * The file names may differ in a code extension only (`dist/orders.js` built from `src/orders.ts` → 1).
 */
export function sharedPathSuffix(a: string, b: string): number {
  const sa = segments(a);
  const sb = segments(b);
  let n = 0;
  while (n < sa.length && n < sb.length) {
    let x = sa[sa.length - 1 - n]!;
    let y = sb[sb.length - 1 - n]!;
    if (n === 0) {
      x = x.replace(codeExtension, '');
      y = y.replace(codeExtension, '');
    }
    if (x !== y) break;
    n++;
  }
  return n;
}

function rangeSize(f: FunctionLocation): number {
  return (f.range.end.line - f.range.start.line) * 100000 + (f.range.end.character - f.range.start.character);
}

function pickInFile(file: string, functions: readonly FunctionLocation[], loc: CodeAttributeLocation): FunctionLocation | undefined {
  if (loc.lineNumber !== undefined) {
    const line = loc.lineNumber - 1;
    let best: FunctionLocation | undefined;
    for (const f of functions) {
      if (f.range.start.line <= line && line <= f.range.end.line && (!best || rangeSize(f) < rangeSize(best))) best = f;
    }
    if (best) return best;
  }
  if (loc.functionName !== undefined) {
    return findByQualifiedName(loc.functionName, new Map([[file, functions]]))?.function;
  }
  return undefined;
}

export interface CodeAttributeMatch {
  /** The key of `functionsByFile` the span points into. */
  readonly file: string;
  readonly function: InstrumentedFunction;
}

/**
 * The function a span's `code.*` attributes point at. Paths are compared by their shared tail (the span may have
 * been recorded in a container or a build folder), the line must fall inside the function (innermost wins), and
 * without a line the function name must match exactly one function. Undefined when ambiguous or not found.
 */
export function matchSpanToFunction(
  spanAttrs: SpanAttributes,
  functionsByFile: ReadonlyMap<string, readonly FunctionLocation[]>,
  spanName?: string,
): CodeAttributeMatch | undefined {
  const loc = codeLocationOf(spanAttrs);
  if (!loc) return undefined;
  const asInstrumented = (file: string, f: FunctionLocation): CodeAttributeMatch => ({
    file,
    function: {
      functionName: f.functionName,
      range: f.range,
      nameRange: f.nameRange,
      spanName: { kind: 'exact', name: spanName ?? f.functionName },
      alternativeSpanNames: [],
      via: 'code-attributes',
    },
  });
  if (loc.filePath !== undefined) {
    let bestScore = 0;
    let best: string[] = [];
    for (const file of functionsByFile.keys()) {
      const score = sharedPathSuffix(loc.filePath, file);
      if (score === 0) continue;
      if (score > bestScore) {
        bestScore = score;
        best = [file];
      } else if (score === bestScore) {
        best.push(file);
      }
    }
    const hits: CodeAttributeMatch[] = [];
    for (const file of best) {
      const f = pickInFile(file, functionsByFile.get(file) ?? [], loc);
      if (f) hits.push(asInstrumented(file, f));
    }
    return hits.length === 1 ? hits[0] : undefined;
  }
  // No path: the qualified name alone, when one function in the files matches it best.
  const hit = findByQualifiedName(loc.functionName!, functionsByFile);
  return hit ? asInstrumented(hit.file, hit.function) : undefined;
}
