/**
 * A few protobuf wire-format writers, for bodies the real serializers cannot make (a value 100,000 levels deep
 * overflows protobufjs' recursive encoder too). Field numbers are OTLP's (see otlpProtoSchema.ts).
 */
export function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

/** A length-delimited field. */
export function field(fieldNumber: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([varint((fieldNumber << 3) | 2), varint(body.length), body]);
}

export function stringField(fieldNumber: number, text: string): Buffer {
  return field(fieldNumber, Buffer.from(text, 'utf8'));
}

export function fixed64Field(fieldNumber: number, value: bigint): Buffer {
  const b = Buffer.alloc(9);
  b[0] = (fieldNumber << 3) | 1;
  b.writeBigUInt64LE(value, 1);
  return b;
}

/**
 * An AnyValue nested `levels` arrays deep around a string, written from the outside in (lengths computed first),
 * so a million levels cost one buffer, not a million copies.
 */
export function deepArrayValue(levels: number, leaf = 'x'): Buffer {
  const inner = stringField(1, leaf); // AnyValue{stringValue}
  const anyLengths: number[] = [inner.length];
  const arrayLengths: number[] = [0];
  for (let i = 1; i <= levels; i++) {
    const arrayLength = 1 + varint(anyLengths[i - 1]!).length + anyLengths[i - 1]!; // ArrayValue{values: [AnyValue]}
    arrayLengths.push(arrayLength);
    anyLengths.push(1 + varint(arrayLength).length + arrayLength); // AnyValue{arrayValue}
  }
  const out = Buffer.alloc(anyLengths[levels]!);
  let pos = 0;
  for (let i = levels; i >= 1; i--) {
    out[pos++] = (5 << 3) | 2;
    pos += varint(arrayLengths[i]!).copy(out, pos);
    out[pos++] = (1 << 3) | 2;
    pos += varint(anyLengths[i - 1]!).copy(out, pos);
  }
  inner.copy(out, pos);
  return out;
}

/** An AnyValue nested `levels` maps (kvlists) deep: {k: {k: … 'x'}}. */
export function deepMapValue(levels: number): Buffer {
  let value = stringField(1, 'x');
  for (let i = 0; i < levels; i++) value = field(6, field(1, stringField(1, 'k'), field(2, value)));
  return value;
}

export function keyValue(key: string, anyValue: Buffer): Buffer {
  return Buffer.concat([stringField(1, key), field(2, anyValue)]);
}

/** One ExportTraceServiceRequest with one resource (service.name) and one scope holding these Span messages. */
export function requestWithSpans(service: string, spans: readonly Buffer[]): Buffer {
  const resource = field(1, field(1, keyValue('service.name', stringField(1, service))));
  const scopeSpans = field(2, field(1, stringField(1, 'wire-tests')), ...spans.map((s) => field(2, s)));
  return field(1, resource, scopeSpans);
}

/** A Span message; `attributes` are KeyValue message bodies. */
export function spanMessage(o: { traceId: string; spanId: string; name: string; start: bigint; end: bigint; attributes?: readonly Buffer[] }): Buffer {
  return Buffer.concat([
    field(1, Buffer.from(o.traceId, 'hex')),
    field(2, Buffer.from(o.spanId, 'hex')),
    stringField(5, o.name),
    fixed64Field(7, o.start),
    fixed64Field(8, o.end),
    ...(o.attributes ?? []).map((a) => field(9, a)),
  ]);
}
