import type { OtlpAnyValue, OtlpEvent, OtlpKeyValue, OtlpLink, OtlpResourceSpans, OtlpScopeSpans, OtlpSpan, OtlpTracesData } from '../../model/otlpJson';
import { MAX_VALUE_NESTING, TOO_DEEP_VALUE } from './valueNesting';

/**
 * Decodes an OTLP/protobuf ExportTraceServiceRequest (opentelemetry-proto v1, field numbers as in
 * otlpProtoSchema.ts) straight into the OTLP/JSON shape (ids as lowercase hex, 64-bit integers as exact decimal
 * strings), so protobuf and JSON bodies share one conversion path to our model.
 *
 * Written by hand over the wire format rather than with a generated decoder, for one reason: an attribute value
 * nests (arrays of arrays, maps of maps) as deep as the sender likes, and a generated decoder recurses once per
 * level until the stack overflows, failing the whole request. Here the message levels are fixed by the schema and
 * a value's nesting is bounded: a value deeper than MAX_VALUE_NESTING is skipped (its length is known) and comes
 * back as TOO_DEEP_VALUE, for the caller to replace; the rest of the request decodes normally.
 *
 * Unknown fields are skipped, as protobuf requires; a known field with an unexpected wire type is skipped too.
 * Strings are decoded leniently (invalid UTF-8 becomes U+FFFD, as the OpenTelemetry Collector does).
 * Throws an Error saying where on bytes that are not a valid message (truncated, bad wire type, bad length).
 */
export function decodeExportTraceRequest(body: Uint8Array): OtlpTracesData {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const r = new WireReader(buf);
  const resourceSpans: OtlpResourceSpans[] = [];
  while (r.pos < buf.length) {
    const tag = r.tag();
    if (tag === (1 << 3) + LEN) resourceSpans.push(readResourceSpans(r, r.lengthEnd()));
    else r.skip(tag & 7);
  }
  return { resourceSpans };
}

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const START_GROUP = 3;
const END_GROUP = 4;
const I32 = 5;
const TWO_32 = 4294967296;
/** Beyond this high word a 64-bit value is no longer a safe integer as a double. */
const SAFE_HIGH = 0x200000;

class TooDeep extends Error {}

class WireReader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  /** A field tag: (field number << 3) | wire type. */
  tag(): number {
    const start = this.pos;
    const tag = this.varint32();
    if (tag >>> 3 === 0) throw new Error(`invalid field number 0 at byte ${start}`);
    return tag;
  }

  /** A varint as an unsigned 32-bit number (higher bits of a longer varint are dropped, as protobuf does). */
  varint32(): number {
    const buf = this.buf;
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= buf.length) throw this.truncated();
      const byte = buf[this.pos++]!;
      if (shift < 32) result |= (byte & 0x7f) << shift;
      if (byte < 0x80) return result >>> 0;
      shift += 7;
    }
    throw new Error(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** A varint int64 as exact decimal text (negative values in two's complement, as int64 is written). */
  int64Decimal(): string {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= buf.length) throw this.truncated();
      const byte = buf[this.pos++]!;
      const bits = byte & 0x7f;
      const shift = i * 7;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (shift - 32);
      if (byte < 0x80) return wordsToDecimal(lo >>> 0, hi >>> 0, true);
    }
    throw new Error(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** A fixed64 (little endian) as exact unsigned decimal text. */
  fixed64Decimal(): string {
    this.need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    return wordsToDecimal(lo, hi, false);
  }

  fixed32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Reads a length prefix; returns where the field's bytes end (they start at `pos`). */
  lengthEnd(): number {
    const length = this.varint32();
    const end = this.pos + length;
    if (end > this.buf.length) throw new Error(`a field of ${length} bytes at byte ${this.pos} runs past the end of the message (${this.buf.length} bytes)`);
    return end;
  }

  string(): string {
    const end = this.lengthEnd();
    const text = this.buf.toString('utf8', this.pos, end);
    this.pos = end;
    return text;
  }

  hex(): string {
    const end = this.lengthEnd();
    const text = this.buf.toString('hex', this.pos, end);
    this.pos = end;
    return text;
  }

  base64(): string {
    const end = this.lengthEnd();
    const text = this.buf.toString('base64', this.pos, end);
    this.pos = end;
    return text;
  }

  /** Skips a field's value of the given wire type; groups (long deprecated) are skipped without recursion. */
  skip(wireType: number): void {
    let groups = 0;
    let type = wireType;
    for (;;) {
      switch (type) {
        case VARINT:
          this.varint32();
          break;
        case I64:
          this.need(8);
          this.pos += 8;
          break;
        case LEN:
          this.pos = this.lengthEnd();
          break;
        case START_GROUP:
          groups++;
          break;
        case END_GROUP:
          if (groups === 0) throw new Error(`unexpected end of group at byte ${this.pos}`);
          groups--;
          break;
        case I32:
          this.need(4);
          this.pos += 4;
          break;
        default:
          throw new Error(`invalid wire type ${type} at byte ${this.pos}`);
      }
      if (groups === 0) return;
      type = this.tag() & 7;
    }
  }

  /** Throws unless the field ended exactly at `end` (a length prefix that cuts a field in two). */
  checkEnd(end: number): void {
    if (this.pos !== end) throw new Error(`a field runs past the end of its message at byte ${end}`);
  }

  private need(bytes: number): void {
    if (this.pos + bytes > this.buf.length) throw this.truncated();
  }

  private truncated(): Error {
    return new Error(`the message is truncated at byte ${this.pos}`);
  }
}

function wordsToDecimal(lo: number, hi: number, signed: boolean): string {
  if (hi < SAFE_HIGH) return String(hi * TWO_32 + lo);
  let big = (BigInt(hi) << 32n) | BigInt(lo);
  if (signed && hi >= 0x80000000) big -= 1n << 64n;
  return big.toString();
}

function readResourceSpans(r: WireReader, end: number): OtlpResourceSpans {
  const attributes: OtlpKeyValue[] = [];
  const scopeSpans: OtlpScopeSpans[] = [];
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === (1 << 3) + LEN) {
      const resourceEnd = r.lengthEnd();
      while (r.pos < resourceEnd) {
        const t = r.tag();
        if (t === (1 << 3) + LEN) attributes.push(readKeyValue(r, r.lengthEnd()));
        else r.skip(t & 7);
      }
      r.checkEnd(resourceEnd);
    } else if (tag === (2 << 3) + LEN) {
      scopeSpans.push(readScopeSpans(r, r.lengthEnd()));
    } else r.skip(tag & 7);
  }
  r.checkEnd(end);
  return { resource: { attributes }, scopeSpans };
}

function readScopeSpans(r: WireReader, end: number): OtlpScopeSpans {
  let scope: { name: string; version?: string; attributes?: OtlpKeyValue[] } | undefined;
  const spans: OtlpSpan[] = [];
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === (1 << 3) + LEN) scope = readScope(r, r.lengthEnd());
    else if (tag === (2 << 3) + LEN) spans.push(readSpan(r, r.lengthEnd()));
    else r.skip(tag & 7);
  }
  r.checkEnd(end);
  return { scope: scope ?? {}, spans };
}

function readScope(r: WireReader, end: number): { name: string; version?: string; attributes?: OtlpKeyValue[] } {
  let name = '';
  let version = '';
  const attributes: OtlpKeyValue[] = [];
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === (1 << 3) + LEN) name = r.string();
    else if (tag === (2 << 3) + LEN) version = r.string();
    else if (tag === (3 << 3) + LEN) attributes.push(readKeyValue(r, r.lengthEnd()));
    else r.skip(tag & 7);
  }
  r.checkEnd(end);
  return { name, ...(version ? { version } : {}), ...(attributes.length ? { attributes } : {}) };
}

function readSpan(r: WireReader, end: number): OtlpSpan {
  let traceId = '';
  let spanId = '';
  let traceState = '';
  let parentSpanId = '';
  let flags = 0;
  let name = '';
  let kind = 0;
  let start = '0';
  let endTime = '0';
  const attributes: OtlpKeyValue[] = [];
  const events: OtlpEvent[] = [];
  const links: OtlpLink[] = [];
  let status: { code?: number; message?: string } = {};
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case (1 << 3) + LEN:
        traceId = r.hex();
        break;
      case (2 << 3) + LEN:
        spanId = r.hex();
        break;
      case (3 << 3) + LEN:
        traceState = r.string();
        break;
      case (4 << 3) + LEN:
        parentSpanId = r.hex();
        break;
      case (5 << 3) + LEN:
        name = r.string();
        break;
      case (6 << 3) + VARINT:
        kind = r.varint32() | 0;
        break;
      case (7 << 3) + I64:
        start = r.fixed64Decimal();
        break;
      case (8 << 3) + I64:
        endTime = r.fixed64Decimal();
        break;
      case (9 << 3) + LEN:
        attributes.push(readKeyValue(r, r.lengthEnd()));
        break;
      case (11 << 3) + LEN:
        events.push(readEvent(r, r.lengthEnd()));
        break;
      case (13 << 3) + LEN:
        links.push(readLink(r, r.lengthEnd()));
        break;
      case (15 << 3) + LEN:
        status = readStatus(r, r.lengthEnd());
        break;
      case (16 << 3) + I32:
        flags = r.fixed32();
        break;
      default:
        r.skip(tag & 7);
    }
  }
  r.checkEnd(end);
  // One object literal with every key, absent ones undefined: all spans share one hidden class, which keeps the
  // parser's property reads monomorphic.
  return {
    traceId,
    spanId,
    traceState: traceState || undefined,
    parentSpanId: parentSpanId || undefined,
    flags: flags || undefined,
    name,
    kind,
    startTimeUnixNano: start,
    endTimeUnixNano: endTime,
    attributes,
    events,
    links,
    status,
  } as OtlpSpan;
}

function readEvent(r: WireReader, end: number): OtlpEvent {
  let timeUnixNano = '0';
  let name = '';
  const attributes: OtlpKeyValue[] = [];
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === (1 << 3) + I64) timeUnixNano = r.fixed64Decimal();
    else if (tag === (2 << 3) + LEN) name = r.string();
    else if (tag === (3 << 3) + LEN) attributes.push(readKeyValue(r, r.lengthEnd()));
    else r.skip(tag & 7);
  }
  r.checkEnd(end);
  return { timeUnixNano, name, attributes };
}

function readLink(r: WireReader, end: number): OtlpLink {
  let traceId = '';
  let spanId = '';
  let traceState = '';
  const attributes: OtlpKeyValue[] = [];
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === (1 << 3) + LEN) traceId = r.hex();
    else if (tag === (2 << 3) + LEN) spanId = r.hex();
    else if (tag === (3 << 3) + LEN) traceState = r.string();
    else if (tag === (4 << 3) + LEN) attributes.push(readKeyValue(r, r.lengthEnd()));
    else r.skip(tag & 7);
  }
  r.checkEnd(end);
  return { traceId, spanId, ...(traceState ? { traceState } : {}), attributes };
}

function readStatus(r: WireReader, end: number): { code?: number; message?: string } {
  let code = 0;
  let message = '';
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === (2 << 3) + LEN) message = r.string();
    else if (tag === (3 << 3) + VARINT) code = r.varint32() | 0;
    else r.skip(tag & 7);
  }
  r.checkEnd(end);
  return { code: code || undefined, message: message || undefined };
}

/** An attribute; its value is TOO_DEEP_VALUE when it nests deeper than MAX_VALUE_NESTING. */
function readKeyValue(r: WireReader, end: number): OtlpKeyValue {
  let key = '';
  let value: OtlpAnyValue = {};
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === (1 << 3) + LEN) key = r.string();
    else if (tag === (2 << 3) + LEN) {
      const valueEnd = r.lengthEnd();
      try {
        value = readAnyValue(r, valueEnd, 0);
      } catch (e) {
        if (!(e instanceof TooDeep)) throw e;
        // The value's bytes are length-delimited: skip the rest of them, keep decoding after.
        r.pos = valueEnd;
        value = TOO_DEEP_VALUE;
      }
    } else r.skip(tag & 7);
  }
  r.checkEnd(end);
  return { key, value };
}

/** `nesting` counts the arrays and maps around this value; the recursion is bounded by MAX_VALUE_NESTING. */
function readAnyValue(r: WireReader, end: number, nesting: number): OtlpAnyValue {
  let value: OtlpAnyValue = {};
  while (r.pos < end) {
    const tag = r.tag();
    // A oneof: the last member on the wire wins.
    switch (tag) {
      case (1 << 3) + LEN:
        value = { stringValue: r.string() };
        break;
      case (2 << 3) + VARINT:
        value = { boolValue: r.varint32() !== 0 };
        break;
      case (3 << 3) + VARINT:
        value = { intValue: r.int64Decimal() };
        break;
      case (4 << 3) + I64:
        value = { doubleValue: r.double() };
        break;
      case (5 << 3) + LEN:
      case (6 << 3) + LEN: {
        if (nesting >= MAX_VALUE_NESTING) throw new TooDeep();
        const listEnd = r.lengthEnd();
        const isArray = tag === (5 << 3) + LEN;
        const arrayValues: OtlpAnyValue[] = [];
        const mapValues: OtlpKeyValue[] = [];
        while (r.pos < listEnd) {
          const t = r.tag();
          if (t !== (1 << 3) + LEN) {
            r.skip(t & 7);
            continue;
          }
          const itemEnd = r.lengthEnd();
          if (isArray) arrayValues.push(readAnyValue(r, itemEnd, nesting + 1));
          else mapValues.push(readNestedKeyValue(r, itemEnd, nesting + 1));
        }
        r.checkEnd(listEnd);
        value = isArray ? { arrayValue: { values: arrayValues } } : { kvlistValue: { values: mapValues } as OtlpAnyValue['kvlistValue'] & object };
        break;
      }
      case (7 << 3) + LEN:
        value = { bytesValue: r.base64() };
        break;
      default:
        r.skip(tag & 7);
    }
  }
  r.checkEnd(end);
  return value;
}

function readNestedKeyValue(r: WireReader, end: number, nesting: number): OtlpKeyValue {
  let key = '';
  let value: OtlpAnyValue = {};
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === (1 << 3) + LEN) key = r.string();
    else if (tag === (2 << 3) + LEN) value = readAnyValue(r, r.lengthEnd(), nesting);
    else r.skip(tag & 7);
  }
  r.checkEnd(end);
  return { key, value };
}
