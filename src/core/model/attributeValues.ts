import type { Attribute, AttributeType } from './trace';
import { isRecord } from './parseFailure';

/** A JSON-friendly attribute value: what `array`/`kvlist` attributes carry as JSON text. */
export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };

const INTEGER = /^[-+]?\d+$/;

/**
 * An int64 as our model keeps it: a number when a double holds it exactly, else its decimal text. A number that
 * already lost digits in JSON.parse is written out in full so it is at least visibly large.
 */
export function int64Value(raw: string | number): string | number | undefined {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || !Number.isInteger(raw)) return undefined;
    return Number.isSafeInteger(raw) ? raw : BigInt(raw).toString();
  }
  const text = raw.trim();
  if (!INTEGER.test(text)) return undefined;
  const big = BigInt(text);
  const asNumber = Number(big);
  return Number.isSafeInteger(asNumber) ? asNumber : big.toString();
}

/** A float64 as our model keeps it: a number, or the text "NaN" / "Infinity" / "-Infinity" JSON can not hold. */
export function float64Value(raw: unknown): string | number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') return text;
  const n = Number(text);
  return text !== '' && Number.isFinite(n) ? n : undefined;
}

export function attribute(key: string, type: AttributeType, value: string | number | boolean): Attribute {
  return { key, type, value };
}

/** Attribute value as text, for tag filters and display. */
export function attributeText(a: Attribute): string {
  return typeof a.value === 'string' ? a.value : String(a.value);
}

// ---- OTLP AnyValue ----------------------------------------------------------------------------------------------

/** Reads an OTLP/JSON AnyValue into an attribute; unknown shapes become a string attribute with their JSON. */
export function attributeFromAnyValue(key: string, value: unknown): Attribute {
  if (!isRecord(value)) return attribute(key, 'string', value === undefined || value === null ? '' : JSON.stringify(value));
  if (typeof value['stringValue'] === 'string') return attribute(key, 'string', value['stringValue']);
  if ('boolValue' in value) return attribute(key, 'bool', value['boolValue'] === true || value['boolValue'] === 'true');
  if ('intValue' in value) {
    const raw = value['intValue'];
    const v = typeof raw === 'string' || typeof raw === 'number' ? int64Value(raw) : undefined;
    if (v !== undefined) return attribute(key, 'int64', v);
  }
  if ('doubleValue' in value) {
    const v = float64Value(value['doubleValue']);
    if (v !== undefined) return attribute(key, 'float64', v);
  }
  if (typeof value['bytesValue'] === 'string') return attribute(key, 'binary', value['bytesValue']);
  if ('arrayValue' in value) return attribute(key, 'array', JSON.stringify(plainFromAnyValue(value)));
  if ('kvlistValue' in value) return attribute(key, 'kvlist', JSON.stringify(plainFromAnyValue(value)));
  if (Object.keys(value).length === 0) return attribute(key, 'string', '');
  return attribute(key, 'string', JSON.stringify(value));
}

export function plainFromAnyValue(value: unknown): PlainValue {
  if (!isRecord(value)) return null;
  if (typeof value['stringValue'] === 'string') return value['stringValue'];
  if ('boolValue' in value) return value['boolValue'] === true || value['boolValue'] === 'true';
  if ('intValue' in value) {
    const raw = value['intValue'];
    const v = typeof raw === 'string' || typeof raw === 'number' ? int64Value(raw) : undefined;
    if (v !== undefined) return v;
  }
  if ('doubleValue' in value) {
    const v = float64Value(value['doubleValue']);
    if (v !== undefined) return v;
  }
  if (typeof value['bytesValue'] === 'string') return value['bytesValue'];
  const array = value['arrayValue'];
  if (isRecord(array)) return Array.isArray(array['values']) ? array['values'].map(plainFromAnyValue) : [];
  const kvlist = value['kvlistValue'];
  if (isRecord(kvlist)) {
    const out: { [key: string]: PlainValue } = {};
    if (Array.isArray(kvlist['values'])) {
      for (const kv of kvlist['values']) {
        // defineProperty, so a "__proto__" key is kept as data instead of replacing the prototype
        if (isRecord(kv) && typeof kv['key'] === 'string') {
          Object.defineProperty(out, kv['key'], { value: plainFromAnyValue(kv['value']), enumerable: true, writable: true, configurable: true });
        }
      }
    }
    return out;
  }
  return null;
}

export interface OtlpAnyValueJson {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number | string;
  bytesValue?: string;
  arrayValue?: { values: OtlpAnyValueJson[] };
  kvlistValue?: { values: { key: string; value: OtlpAnyValueJson }[] };
}

export function anyValueFromAttribute(a: Attribute): OtlpAnyValueJson {
  switch (a.type) {
    case 'string':
      return { stringValue: attributeText(a) };
    case 'bool':
      return { boolValue: a.value === true || a.value === 'true' };
    case 'int64':
      return { intValue: String(a.value) };
    case 'float64':
      return { doubleValue: typeof a.value === 'number' ? a.value : String(a.value) };
    case 'binary':
      return { bytesValue: attributeText(a) };
    case 'array':
    case 'kvlist': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(attributeText(a));
      } catch {
        return { stringValue: attributeText(a) };
      }
      return anyValueFromPlain(parsed);
    }
  }
}

function anyValueFromPlain(v: unknown): OtlpAnyValueJson {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValueFromPlain) } };
  if (isRecord(v)) return { kvlistValue: { values: Object.entries(v).map(([key, value]) => ({ key, value: anyValueFromPlain(value) })) } };
  return {};
}

// ---- Jaeger typed key/values -------------------------------------------------------------------------------------

export type JaegerTagType = 'string' | 'bool' | 'int64' | 'float64' | 'binary';

/** Reads a Jaeger `{key, type, value}`; a missing or odd type is inferred from the value rather than rejected. */
export function attributeFromJaegerTag(key: string, type: unknown, value: unknown): Attribute {
  const t = typeof type === 'string' ? type.toLowerCase() : '';
  switch (t) {
    case 'bool':
      if (typeof value === 'boolean') return attribute(key, 'bool', value);
      if (value === 'true' || value === 'false') return attribute(key, 'bool', value === 'true');
      break;
    case 'int64': {
      const v = typeof value === 'string' || typeof value === 'number' ? int64Value(value) : undefined;
      if (v !== undefined) return attribute(key, 'int64', v);
      break;
    }
    case 'float64': {
      const v = float64Value(value);
      if (v !== undefined) return attribute(key, 'float64', v);
      break;
    }
    case 'binary':
      if (typeof value === 'string') return attribute(key, 'binary', value);
      break;
    case 'string':
      if (typeof value === 'string') return attribute(key, 'string', value);
      break;
  }
  if (typeof value === 'boolean') return attribute(key, 'bool', value);
  if (typeof value === 'number') return Number.isInteger(value) ? attribute(key, 'int64', int64Value(value) ?? value) : attribute(key, 'float64', value);
  if (typeof value === 'string') return attribute(key, 'string', value);
  return attribute(key, 'string', value === undefined || value === null ? '' : JSON.stringify(value));
}

export interface JaegerTagJson {
  key: string;
  type: JaegerTagType;
  value: string | number | boolean;
}

/** Jaeger has no composite tags: arrays and maps travel as their JSON text, as Jaeger's own OTLP conversion does. */
export function jaegerTagFromAttribute(a: Attribute): JaegerTagJson {
  switch (a.type) {
    case 'array':
    case 'kvlist':
      return { key: a.key, type: 'string', value: attributeText(a) };
    default:
      return { key: a.key, type: a.type, value: a.value };
  }
}
