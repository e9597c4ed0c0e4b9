/**
 * Parses big JSON trace documents from a stream of bytes without ever holding the whole text.
 *
 * Why: `JSON.parse` of a file's text keeps the text (one byte per character at best) and the object tree alive at
 * once, and V8 cannot make a string over 2^29 − 24 characters at all, so a 1M-span export could not be read. Almost
 * all of a trace document is its span arrays; everything around them (the envelope, Jaeger's `processes`, OTLP
 * resources) is small. So a byte scanner that only follows structure (strings, brackets, commas; no values) cuts
 * the elements of every span array out of the stream and hands them to `JSON.parse` a few MiB at a time, while the
 * rest becomes a small "skeleton" document in which each span array is replaced by a marker object. Parsing the
 * skeleton and putting the arrays back where the markers are gives the same value `JSON.parse` of the whole text
 * gives, and `JSON.parse` (V8's fast native parser) still does all the value parsing.
 *
 * Arrays cut out: the root array (Zipkin span lists, arrays of Jaeger traces) and every array that is the value of
 * a key named `spans` (Jaeger traces, OTLP scope spans), wherever it is outside another cut-out array. Several root
 * documents one after another (JSON lines) come out as several values.
 */

const BATCH_BYTES = 4 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const SPANS = [0x73, 0x70, 0x61, 0x6e, 0x73]; // "spans"

const OBJECT = 1;
const ARRAY = 2;

/** A syntax error found while streaming, with the byte offset it was found at. */
export class StreamedJsonError extends Error {
  constructor(
    message: string,
    readonly byteOffset: number,
    readonly truncated: boolean,
  ) {
    super(message);
    this.name = 'StreamedJsonError';
  }
}

/** Feed it chunks in order, then call `end()` for the root value(s). */
export class StreamedJsonParser {
  // Container stack: kinds and, for objects, whether a key comes next.
  private kinds = new Uint8Array(256);
  private expectKey = new Uint8Array(256);
  private depth = 0;
  private inString = false;
  private escaped = false;
  private inKey = false;
  private keyLength = 0;
  private keyIsSpans = false;
  private lastKeyWasSpans = false;
  /** Depth of the cut-out array's contents while inside one, else -1. */
  private cutDepth = -1;
  private offset = 0;

  private readonly documents: Buffer[][] = [];
  private skeleton: Buffer[] = [];
  private batch: Buffer[] = [];
  private batchBytes = 0;
  private batchStartOffset = 0;
  private readonly arrays: unknown[][] = [];
  private readonly marker = `spanlens-cut-${Math.random().toString(36).slice(2)}`;

  /** Scans one chunk. The chunk must not be reused by the caller afterwards (slices of it are kept). */
  write(chunk: Buffer): void {
    const n = chunk.length;
    let segmentStart = 0; // where the current skeleton or batch run began in this chunk
    let i = 0;
    if (this.offset === 0 && n >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = segmentStart = 3;
    for (; i < n; i++) {
      const c = chunk[i]!;
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          this.keyIsSpans = false;
        } else if (c === BACKSLASH) {
          this.escaped = true;
        } else if (c === QUOTE) {
          this.inString = false;
          if (this.inKey) {
            this.inKey = false;
            this.lastKeyWasSpans = this.keyIsSpans && this.keyLength === SPANS.length;
          }
        } else if (this.inKey) {
          if (this.keyIsSpans && this.keyLength < SPANS.length && c === SPANS[this.keyLength]) this.keyLength++;
          else this.keyIsSpans = false;
        }
        continue;
      }
      switch (c) {
        case QUOTE:
          this.inString = true;
          this.inKey = this.depth > 0 && this.kinds[this.depth - 1] === OBJECT && this.expectKey[this.depth - 1] === 1;
          if (this.inKey) {
            this.keyLength = 0;
            this.keyIsSpans = true;
          }
          break;
        case COLON:
          if (this.depth > 0 && this.kinds[this.depth - 1] === OBJECT) this.expectKey[this.depth - 1] = 0;
          break;
        case COMMA:
          if (this.depth > 0 && this.kinds[this.depth - 1] === OBJECT) this.expectKey[this.depth - 1] = 1;
          else if (this.depth === this.cutDepth && this.batchBytes + (i - segmentStart) >= BATCH_BYTES) {
            this.addToBatch(chunk.subarray(segmentStart, i));
            this.flushBatch();
            segmentStart = i + 1;
            this.batchStartOffset = this.offset + i + 1;
          }
          break;
        case OPEN_BRACE:
        case OPEN_BRACKET: {
          if (this.depth === 0) {
            this.startDocument(chunk.subarray(segmentStart, i));
            segmentStart = i;
          }
          const cut =
            c === OPEN_BRACKET &&
            this.cutDepth === -1 &&
            (this.depth === 0 || (this.kinds[this.depth - 1] === OBJECT && this.lastKeyWasSpans && this.expectKey[this.depth - 1] === 0));
          this.lastKeyWasSpans = false;
          this.push(c === OPEN_BRACE ? OBJECT : ARRAY, i);
          if (cut) {
            // The skeleton gets a marker instead of the array; the array's contents go to batches.
            this.skeleton.push(chunk.subarray(segmentStart, i), Buffer.from(`{"${this.marker}":${this.arrays.length}}`));
            this.arrays.push([]);
            this.cutDepth = this.depth;
            segmentStart = i + 1;
            this.batchStartOffset = this.offset + i + 1;
          }
          break;
        }
        case CLOSE_BRACE:
        case CLOSE_BRACKET: {
          const expected = c === CLOSE_BRACE ? OBJECT : ARRAY;
          if (this.depth === 0 || this.kinds[this.depth - 1] !== expected) {
            throw new StreamedJsonError(`Unexpected '${String.fromCharCode(c)}'`, this.offset + i, false);
          }
          if (this.depth === this.cutDepth) {
            this.addToBatch(chunk.subarray(segmentStart, i));
            this.flushBatch();
            this.cutDepth = -1;
            segmentStart = i + 1;
          }
          this.depth--;
          break;
        }
        default:
          break;
      }
    }
    if (this.cutDepth === -1) this.skeleton.push(chunk.subarray(segmentStart, n));
    else this.addToBatch(chunk.subarray(segmentStart, n));
    this.offset += n;
  }

  /** The root values, one per document (JSON lines give several), with every cut-out array put back. */
  end(): unknown[] {
    if (this.inString || this.depth > 0) throw new StreamedJsonError('the JSON ends too early', this.offset, true);
    this.finishDocument();
    const values: unknown[] = [];
    for (const [k, parts] of this.documents.entries()) {
      const text = Buffer.concat(parts).toString('utf8');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw new StreamedJsonError(`${e instanceof Error ? e.message : String(e)} (outside the span arrays of document ${k + 1})`, -1, false);
      }
      values.push(this.restore(value));
    }
    return values;
  }

  private push(kind: number, at: number): void {
    if (this.depth === this.kinds.length) {
      if (this.depth >= 1_000_000) throw new StreamedJsonError('JSON nested over 1,000,000 levels deep', this.offset + at, false);
      const kinds = new Uint8Array(this.kinds.length * 2);
      kinds.set(this.kinds);
      const keys = new Uint8Array(this.kinds.length * 2);
      keys.set(this.expectKey);
      this.kinds = kinds;
      this.expectKey = keys;
    }
    this.kinds[this.depth] = kind;
    this.expectKey[this.depth] = kind === OBJECT ? 1 : 0;
    this.depth++;
  }

  /**
   * A container opening at depth 0 after a finished root value begins a new document (JSON lines): the bytes
   * before it close the previous one.
   */
  private startDocument(before: Buffer): void {
    this.skeleton.push(before);
    if (this.skeleton.some(hasNonBlank)) this.finishDocument();
  }

  private finishDocument(): void {
    if (this.skeleton.some(hasNonBlank)) this.documents.push(this.skeleton);
    this.skeleton = [];
  }

  private addToBatch(part: Buffer): void {
    if (part.length === 0) return;
    this.batch.push(part);
    this.batchBytes += part.length;
  }

  private flushBatch(): void {
    if (this.batchBytes === 0) return;
    const text = Buffer.concat(this.batch, this.batchBytes).toString('utf8');
    this.batch = [];
    this.batchBytes = 0;
    if (text.trim() === '') return;
    let items: unknown[];
    try {
      items = JSON.parse(`[${text}]`) as unknown[];
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const position = /position (\d+)/.exec(message);
      const at = position ? this.batchStartOffset + Math.max(0, Number(position[1]) - 1) : this.batchStartOffset;
      throw new StreamedJsonError(message.replace(/\s*in JSON at position \d+.*$/s, ''), at, false);
    }
    const target = this.arrays[this.arrays.length - 1]!;
    for (const item of items) target.push(item);
  }

  /** Puts every cut-out array back in place of its marker, walking the (small) skeleton without recursion. */
  private restore(root: unknown): unknown {
    const swap = (value: unknown): unknown => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
      const keys = Object.keys(value);
      if (keys.length !== 1 || keys[0] !== this.marker) return value;
      const index = (value as Record<string, unknown>)[this.marker];
      return typeof index === 'number' ? (this.arrays[index] ?? value) : value;
    };
    const top = swap(root);
    const stack: object[] = [];
    if (top !== null && typeof top === 'object' && top !== root) return top;
    if (top !== null && typeof top === 'object') stack.push(top);
    while (stack.length > 0) {
      const node = stack.pop()! as Record<string, unknown>;
      for (const key of Object.keys(node)) {
        const child = node[key];
        if (child === null || typeof child !== 'object') continue;
        const restored = swap(child);
        if (restored !== child) node[key] = restored;
        else stack.push(child);
      }
    }
    return top;
  }
}

function hasNonBlank(part: Buffer): boolean {
  for (let i = 0; i < part.length; i++) if (part[i]! > 0x20) return true;
  return false;
}
