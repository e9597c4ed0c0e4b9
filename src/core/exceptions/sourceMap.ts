// Source Map v3 lookup: a frame in built JavaScript (`dist/orders.js:53:23`) → the TypeScript line that threw
// (`src/orders.ts:50`). Services built with tsc/esbuild and run without `--enable-source-maps` record the built
// file's positions; the `.js.map` beside it says where they came from. Only what a lookup needs is decoded.
import * as path from 'node:path';

export interface OriginalPosition {
  /** The original file: absolute when the map was read from a file, else as the map names it. */
  readonly source: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

interface RawSourceMap {
  readonly version?: unknown;
  readonly sources?: unknown;
  readonly sourceRoot?: unknown;
  readonly mappings?: unknown;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** Decodes one segment's VLQ fields (`AAAA`, `SAAQ`…) into numbers; undefined when malformed. */
export function decodeVlqSegment(segment: string): number[] | undefined {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of segment) {
    const digit = DIGIT.get(c);
    if (digit === undefined) return undefined;
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      if (shift > 30) return undefined;
      continue;
    }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return shift === 0 ? out : undefined;
}

export class SourceMap {
  private readonly lines: readonly string[];
  /** Per generated line: the running [sourceIndex, originalLine, originalColumn] at its start (fields are deltas). */
  private lineStarts: Array<readonly [number, number, number]> | undefined;

  private constructor(
    private readonly sources: readonly string[],
    mappings: string,
  ) {
    this.lines = mappings.split(';');
  }

  /**
   * Parses a map's JSON text. `mapFile`: where it was read from, so that its `sources` resolve to absolute paths.
   * Undefined for anything that is not a v3 map with mappings.
   */
  static parse(text: string, mapFile?: string): SourceMap | undefined {
    let raw: RawSourceMap;
    try {
      raw = JSON.parse(text) as RawSourceMap;
    } catch {
      return undefined;
    }
    if (raw.version !== 3 || typeof raw.mappings !== 'string' || !Array.isArray(raw.sources)) return undefined;
    const root = typeof raw.sourceRoot === 'string' ? raw.sourceRoot : '';
    const sources = raw.sources.map((s) => {
      const name = `${root}${root && !root.endsWith('/') ? '/' : ''}${typeof s === 'string' ? s : ''}`.replace(/^file:\/\//, '');
      return mapFile && !path.isAbsolute(name) ? path.resolve(path.dirname(mapFile), name) : name;
    });
    return new SourceMap(sources, raw.mappings);
  }

  /** The original position of a generated one (1-based line and column), or undefined when unmapped. */
  originalPositionFor(line: number, column: number): OriginalPosition | undefined {
    const index = line - 1;
    if (index < 0 || index >= this.lines.length) return undefined;
    const starts = this.starts();
    let [source, origLine, origColumn] = starts[index]!;
    let generatedColumn = 0;
    let best: OriginalPosition | undefined;
    let firstOnLine: OriginalPosition | undefined;
    for (const segment of this.lines[index]!.split(',')) {
      if (segment === '') continue;
      const f = decodeVlqSegment(segment);
      if (!f || f.length === 0) return best ?? firstOnLine;
      generatedColumn += f[0]!;
      if (f.length < 4) continue;
      source += f[1]!;
      origLine += f[2]!;
      origColumn += f[3]!;
      const here = this.sources[source] !== undefined ? { source: this.sources[source]!, line: origLine + 1, column: origColumn + 1 } : undefined;
      firstOnLine ??= here;
      // The last mapping at or before the column is the one that covers it.
      if (generatedColumn <= column - 1) best = here;
      else break;
    }
    return best ?? firstOnLine;
  }

  /** Running source/line/column state at the start of each generated line (decoded once, on first lookup). */
  private starts(): Array<readonly [number, number, number]> {
    if (this.lineStarts) return this.lineStarts;
    const out: Array<readonly [number, number, number]> = [];
    let source = 0;
    let line = 0;
    let column = 0;
    for (const l of this.lines) {
      out.push([source, line, column]);
      for (const segment of l.split(',')) {
        if (segment === '') continue;
        const f = decodeVlqSegment(segment);
        if (!f || f.length < 4) continue;
        source += f[1]!;
        line += f[2]!;
        column += f[3]!;
      }
    }
    this.lineStarts = out;
    return out;
  }
}

/** Where a built file's map is: its `sourceMappingURL` comment (a file name, or inline data), else `<file>.map`. */
export function sourceMapReferenceOf(jsText: string, jsFile: string): { readonly file: string } | { readonly inline: string } {
  const m = /\/\/[#@] sourceMappingURL=(\S+)\s*$/.exec(jsText.slice(-4096));
  if (m) {
    const url = m[1]!;
    const data = /^data:application\/json(?:;charset=[\w-]+)?;base64,(.*)$/.exec(url);
    if (data) return { inline: Buffer.from(data[1]!, 'base64').toString('utf8') };
    if (!/^[a-z]+:/i.test(url)) return { file: path.resolve(path.dirname(jsFile), decodeURIComponent(url)) };
  }
  return { file: `${jsFile}.map` };
}
