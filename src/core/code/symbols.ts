// Language-neutral lookups over the functions a language lists: the function at a position, and the function a
// fully qualified name (OpenTelemetry's `code.function.name`) stands for.
import type { Position } from '../model/textRange';
import type { FunctionLocation } from './instrumented/types';

function contains(f: FunctionLocation, p: Position): boolean {
  const { start, end } = f.range;
  if (p.line < start.line || p.line > end.line) return false;
  if (p.line === start.line && p.character < start.character) return false;
  if (p.line === end.line && p.character > end.character) return false;
  return true;
}

function extent(f: FunctionLocation): number {
  return (f.range.end.line - f.range.start.line) * 1_000_000 + (f.range.end.character - f.range.start.character);
}

/** The innermost function containing `position`, or undefined. */
export function functionAt<F extends FunctionLocation>(functions: readonly F[], position: Position): F | undefined {
  let best: F | undefined;
  for (const f of functions) if (contains(f, position) && (!best || extent(f) < extent(best))) best = f;
  return best;
}

/** `com.shop.Orders.create`, `orders.(*Service).Create`, `github.com/x/orders.Handle` → their name parts. */
export function qualifiedNameParts(name: string): string[] {
  return name
    .replace(/\(\*?([A-Za-z_$][\w$]*)\)/g, '$1')
    .split(/[./:#\\]+|::/)
    .filter((s) => s !== '');
}

function pathWords(filePath: string): Set<string> {
  const segments = filePath.replace(/\\/g, '/').split('/');
  const out = new Set<string>();
  for (const s of segments) {
    const base = s.replace(/\.[^.]+$/, '');
    if (base) out.add(base.toLowerCase());
  }
  return out;
}

/**
 * How well `fn` in `filePath` matches a wanted qualified name; 0 when it does not. The function's own qualified
 * name (or its plain name) must be the trailing parts of the wanted one; the leading parts the function's name
 * does not cover (`orders.views` of `orders.views.create`, the Java package) add to the score when they are
 * folders or the file name of `filePath`.
 */
export function qualifiedNameScore(wanted: string, fn: FunctionLocation, filePath: string): number {
  const want = qualifiedNameParts(wanted);
  const have = qualifiedNameParts(fn.qualifiedName ?? fn.functionName);
  if (have.length === 0 || want.length === 0) return 0;
  // Either name may be the longer: a span may say only `create` of `OrderService.create`.
  const n = Math.min(want.length, have.length);
  for (let i = 1; i <= n; i++) if (want[want.length - i] !== have[have.length - i]) return 0;
  let score = n * 10;
  const words = pathWords(filePath);
  for (const part of want.slice(0, want.length - n)) if (words.has(part.toLowerCase())) score += 1;
  return score;
}

export interface SymbolMatch<F extends FunctionLocation> {
  readonly file: string;
  readonly function: F;
}

/** The one best function for a qualified name over several files; undefined when none or a tie. */
export function findByQualifiedName<F extends FunctionLocation>(wanted: string, functionsByFile: ReadonlyMap<string, readonly F[]>): SymbolMatch<F> | undefined {
  let bestScore = 0;
  let best: Array<SymbolMatch<F>> = [];
  for (const [file, functions] of functionsByFile) {
    for (const f of functions) {
      const score = qualifiedNameScore(wanted, f, file);
      if (score === 0 || score < bestScore) continue;
      if (score > bestScore) {
        bestScore = score;
        best = [];
      }
      best.push({ file, function: f });
    }
  }
  return best.length === 1 ? best[0] : undefined;
}
