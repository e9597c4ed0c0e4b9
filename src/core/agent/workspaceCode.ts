// Where spans and functions are in the workspace, for the agent tools: the same rules as the lenses and "Go to
// source" (src/vscode/spanLocator.ts): a span's `code.*` attributes first (recorded paths resolved through
// `spanlens.pathMappings`, else the longest unique shared path tail), then the instrumented functions whose span
// name matches, preferring files of the span's service. The host supplies file access and the parsers (the
// extension: VS Code's file system and the code-intelligence worker; the CLI: node:fs and codeIntel directly).
import * as path from 'node:path';
import type { Span } from '../model/trace';
import type { FunctionLocation, InstrumentedFunction, SpanNameMatcher } from '../code/instrumented/types';
import { codeLocationOf, matchSpanToFunction } from '../code/instrumented/codeAttributes';
import { spanNameMatches } from '../code/instrumented/spanNameMatcher';
import { resolveRecordedPath, type PathMapping } from '../code/pathMapping';
import { findByQualifiedName } from '../code/symbols';
import { languageOfFile } from '../code/languages/languageIds';

export interface WorkspaceCodeHost {
  /** Absolute path of the workspace folder; results are relative to it. */
  readonly root: string;
  readonly pathMappings: readonly PathMapping[];
  /** Absolute paths of the workspace's source files (bounded by the host). */
  listSourceFiles(signal?: AbortSignal): Promise<readonly string[]>;
  readFile(file: string): Promise<string | undefined>;
  findInstrumentedFunctions(text: string, file: string): Promise<InstrumentedFunction[]>;
  listFunctions(text: string, file: string): Promise<FunctionLocation[]>;
  /** The service a file's spans belong to (resolveServiceName), undefined when nothing says. */
  serviceOfFile(file: string, knownServices?: readonly string[]): Promise<string | undefined>;
}

/** A place in the workspace. */
export interface CodeRef {
  /** Workspace-relative, `/`-separated. */
  readonly path: string;
  /** 1-based. */
  readonly line: number;
  readonly function: string;
  /** How it was found. */
  readonly via: 'code-attributes' | 'span-name' | 'recorded-line' | 'file-line' | 'qualified-name';
}

export function codeRefText(ref: CodeRef): string {
  return `${ref.path}:${ref.line}`;
}

interface IndexedFunction {
  readonly file: string;
  readonly fn: InstrumentedFunction;
}

/** An instrumented function found for a request, with its file. */
export interface WorkspaceFunction {
  readonly file: string;
  readonly fn: InstrumentedFunction;
  readonly ref: CodeRef;
}

const INDEX_TTL_MS = 30_000;

export class WorkspaceCode {
  private index: { at: number; promise: Promise<IndexedFunction[]> } | undefined;
  private readonly functionsOfFile = new Map<string, Promise<FunctionLocation[]>>();
  private readonly serviceOf = new Map<string, Promise<string | undefined>>();
  private readonly located = new Map<string, Promise<CodeRef | undefined>>();

  constructor(private readonly host: WorkspaceCodeHost) {}

  get root(): string {
    return this.host.root;
  }

  /** Workspace-relative `/`-separated path of an absolute file (the file itself when outside the workspace). */
  relative(file: string): string {
    const rel = path.relative(this.host.root, file);
    return (rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? file : rel).split(path.sep).join('/');
  }

  /** An absolute path for a workspace-relative or absolute one. */
  absolute(file: string): string {
    return path.resolve(this.host.root, file);
  }

  invalidate(): void {
    this.index = undefined;
    this.functionsOfFile.clear();
    this.serviceOf.clear();
    this.located.clear();
  }

  /** Where the code that made the span is; cached per service and name (or code attributes). */
  locateSpan(span: Span, signal?: AbortSignal): Promise<CodeRef | undefined> {
    const loc = codeLocationOf(span.attributes);
    const key = loc ? `attr\u0000${loc.filePath ?? ''}\u0000${loc.lineNumber ?? ''}\u0000${loc.functionName ?? ''}` : `name\u0000${span.service}\u0000${span.name}`;
    let pending = this.located.get(key);
    if (!pending) {
      pending = (async () => (await this.byCodeAttributes(span, signal)) ?? (await this.bySpanName(span.service, span.name, signal)))();
      this.located.set(key, pending);
      pending.catch(() => this.located.delete(key));
    }
    return pending;
  }

  /**
   * The instrumented functions of `file` whose body holds `line` (1-based): the innermost, and every other with the
   * same range (a route handler that also starts a span of its own makes two, as its two lenses show).
   */
  async instrumentedAt(file: string, line: number): Promise<WorkspaceFunction[]> {
    const abs = this.absolute(file);
    const text = await this.host.readFile(abs);
    if (text === undefined) return [];
    const zero = line - 1;
    const holding = (await this.host.findInstrumentedFunctions(text, abs)).filter((fn) => fn.range.start.line <= zero && fn.range.end.line >= zero);
    const size = (fn: InstrumentedFunction): number => (fn.range.end.line - fn.range.start.line) * 1e6 + (fn.range.end.character - fn.range.start.character);
    const smallest = Math.min(...holding.map(size));
    return holding.filter((fn) => size(fn) === smallest).map((fn) => ({ file: abs, fn, ref: this.refOf(abs, fn, 'file-line') }));
  }

  /** Whether `file` exists in the workspace and can be read. */
  async readable(file: string): Promise<boolean> {
    return (await this.host.readFile(this.absolute(file))) !== undefined;
  }

  /** The function (any, instrumented or not) of `file` holding `line`. */
  async functionAt(file: string, line: number): Promise<FunctionLocation | undefined> {
    const abs = this.absolute(file);
    const zero = line - 1;
    let best: FunctionLocation | undefined;
    for (const f of await this.functions(abs)) {
      if (f.range.start.line > zero || f.range.end.line < zero) continue;
      if (!best || f.range.end.line - f.range.start.line < best.range.end.line - best.range.start.line) best = f;
    }
    return best;
  }

  /** The instrumented function a qualified name (`OrderService.create`, `orders.report`'s function) stands for. */
  async findInstrumented(qualifiedName: string, signal?: AbortSignal): Promise<WorkspaceFunction | undefined> {
    const all = await this.workspaceIndex(signal);
    const byFile = new Map<string, InstrumentedFunction[]>();
    for (const e of all) {
      const list = byFile.get(e.file);
      if (list) list.push(e.fn);
      else byFile.set(e.file, [e.fn]);
    }
    const hit = findByQualifiedName(qualifiedName, byFile);
    if (hit) return { file: hit.file, fn: hit.function, ref: this.refOf(hit.file, hit.function, 'qualified-name') };
    // A span name given as the function's name (`orders.report`): the function producing exactly that span.
    const named = all.filter((e) => e.fn.spanName.kind === 'exact' && e.fn.spanName.name === qualifiedName);
    return named.length === 1 ? { file: named[0]!.file, fn: named[0]!.fn, ref: this.refOf(named[0]!.file, named[0]!.fn, 'span-name') } : undefined;
  }

  /** The service of a workspace file's spans. */
  serviceOfFile(file: string, knownServices?: readonly string[]): Promise<string | undefined> {
    const abs = this.absolute(file);
    let pending = this.serviceOf.get(abs);
    if (!pending) {
      pending = this.host.serviceOfFile(abs, knownServices);
      this.serviceOf.set(abs, pending);
      pending.catch(() => this.serviceOf.delete(abs));
    }
    return pending;
  }

  private refOf(file: string, fn: FunctionLocation, via: CodeRef['via']): CodeRef {
    return { path: this.relative(file), line: fn.nameRange.start.line + 1, function: fn.functionName, via };
  }

  private functions(file: string): Promise<FunctionLocation[]> {
    let pending = this.functionsOfFile.get(file);
    if (!pending) {
      pending = (async () => {
        const text = await this.host.readFile(file);
        return text === undefined ? [] : this.host.listFunctions(text, file);
      })();
      this.functionsOfFile.set(file, pending);
      pending.catch(() => this.functionsOfFile.delete(file));
    }
    return pending;
  }

  private async byCodeAttributes(span: Span, signal?: AbortSignal): Promise<CodeRef | undefined> {
    const loc = codeLocationOf(span.attributes);
    if (!loc) return undefined;
    if (!loc.filePath) {
      const hit = loc.functionName ? await this.findInstrumented(loc.functionName, signal) : undefined;
      return hit ? { ...hit.ref, via: 'code-attributes' } : undefined;
    }
    const files = await this.host.listSourceFiles(signal);
    const resolution = resolveRecordedPath(loc.filePath, files, this.host.pathMappings);
    const chosen = resolution.kind === 'mapped' || resolution.kind === 'suffix' ? [resolution.file] : resolution.kind === 'ambiguous' ? resolution.candidates.slice(0, 20) : [];
    const byFile = new Map<string, readonly FunctionLocation[]>();
    for (const file of chosen) byFile.set(file, await this.functions(file));
    const match = matchSpanToFunction(span.attributes, byFile, span.name);
    if (match) return { path: this.relative(match.file), line: match.function.nameRange.start.line + 1, function: match.function.functionName, via: 'code-attributes' };
    // The file is known but no function holds the line (top-level code): the recorded line itself.
    if (chosen.length === 1 && loc.lineNumber !== undefined) return { path: this.relative(chosen[0]!), line: loc.lineNumber, function: loc.functionName ?? '', via: 'recorded-line' };
    return undefined;
  }

  /** The instrumented function producing spans named `name` in `service`, as the lenses would place it. */
  async bySpanName(service: string, name: string, signal?: AbortSignal): Promise<CodeRef | undefined> {
    const hit = await this.functionForSpanName(service, name, signal);
    return hit?.ref;
  }

  async functionForSpanName(service: string, name: string, signal?: AbortSignal): Promise<WorkspaceFunction | undefined> {
    const all = await this.workspaceIndex(signal);
    const candidates = all.filter((e) => matchersOf(e.fn).some((m) => spanNameMatches(m, name)));
    if (candidates.length === 0) return undefined;
    // Exact names beat patterns; then files of the span's service (by the file's resolved service name, else the
    // tracer name or file name carrying it: `shop-orders`, `orders.ts` for `orders`).
    const scored = await Promise.all(
      candidates.map(async (c) => ({
        c,
        score:
          (c.fn.spanName.kind === 'exact' && c.fn.spanName.name === name ? 2 : 0) +
          ((await this.serviceOfFile(c.file).catch(() => undefined)) === service ? 8 : 0) +
          (c.fn.tracerName === service ? 4 : hasToken(c.fn.tracerName, service) ? 2 : 0) +
          (hasToken(path.basename(c.file).replace(/\.[^.]+$/, ''), service) ? 1 : 0),
      })),
    );
    scored.sort((a, b) => b.score - a.score || (a.c.file < b.c.file ? -1 : a.c.file > b.c.file ? 1 : a.c.fn.range.start.line - b.c.fn.range.start.line));
    const best = scored[0]!.c;
    return { file: best.file, fn: best.fn, ref: this.refOf(best.file, best.fn, 'span-name') };
  }

  private workspaceIndex(signal?: AbortSignal): Promise<IndexedFunction[]> {
    const now = Date.now();
    if (this.index && now - this.index.at < INDEX_TTL_MS) return this.index.promise;
    const promise = (async () => {
      const out: IndexedFunction[] = [];
      for (const file of await this.host.listSourceFiles(signal)) {
        signal?.throwIfAborted();
        const text = await this.host.readFile(file);
        if (text === undefined || !languageOfFile(file)?.mayBeInstrumented.test(text)) continue;
        try {
          for (const fn of await this.host.findInstrumentedFunctions(text, file)) out.push({ file, fn });
        } catch {
          // A file the parser cannot read is skipped, as the lenses skip it.
        }
      }
      return out;
    })();
    this.index = { at: now, promise };
    promise.catch(() => {
      if (this.index?.promise === promise) this.index = undefined;
    });
    return promise;
  }
}

function matchersOf(fn: InstrumentedFunction): SpanNameMatcher[] {
  return [fn.spanName, ...fn.alternativeSpanNames];
}

/** True when `name` has `service` as one of its dash/dot/underscore-separated words (or the whole run of them). */
function hasToken(name: string | undefined, service: string): boolean {
  if (!name || !service) return false;
  const words = name.toLowerCase().split(/[-_./\s]+/);
  const wanted = service.toLowerCase().split(/[-_./\s]+/);
  for (let i = 0; i + wanted.length <= words.length; i++) {
    if (wanted.every((w, j) => words[i + j] === w)) return true;
  }
  return false;
}
