import type { OtlpSpan, OtlpTracesData } from '../../model/otlpJson';
import { escapeControlChars } from '../../text/quoteForDisplay';
import { jsonNestsDeeperThan, MAX_VALUE_NESTING, TOO_DEEP_PLACEHOLDER, TOO_DEEP_VALUE } from './valueNesting';

/** One reason, for the partial-success message: "span 'GET /x' has an invalid traceId "abc" (…)". */
export type SpanFinding = string;

export type CheckedExport =
  | { readonly kind: 'malformed'; readonly message: string }
  | {
      readonly kind: 'checked';
      /** The request with only the good spans (shallow copies; values too deep already replaced). */
      readonly data: OtlpTracesData;
      readonly accepted: number;
      readonly rejected: readonly SpanFinding[];
      readonly droppedValues: readonly SpanFinding[];
    };

const TRACE_ID = /^[0-9a-f]{32}$/i;
const SPAN_ID = /^[0-9a-f]{16}$/i;
/** Base64 of 16 and 8 bytes: protobuf's own JSON mapping writes ids so, and some exporters follow it. */
const TRACE_ID_BASE64 = /^[A-Za-z0-9+/_-]{22}={0,2}$/;
const SPAN_ID_BASE64 = /^[A-Za-z0-9+/_-]{11}=?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
/** Decimal text; leading zeros are allowed (and stripped), so it may be longer than 2^64's 20 digits. */
const DECIMAL = /^\d{1,64}$/;
/** 2^64: times are uint64 nanoseconds. */
const TWO_64_TEXT = '18446744073709551616';
const TWO_64 = 2 ** 64;
/** The span attribute our model reads span warnings from (Jaeger's name for it). */
const WARNINGS_ATTRIBUTE = '@jaeger@warnings';

/**
 * Checks an ExportTraceServiceRequest (JSON-shaped: parsed JSON or the protobuf decoder's output). A wrong
 * structure makes the body malformed; a span that breaks the OTLP rules (ids, uint64 nanosecond times with
 * start ≤ end, attribute, event and link shapes) is rejected alone; an attribute value nested deeper than
 * MAX_VALUE_NESTING is replaced by a note and the span keeps a warning saying so. Everything the model's parser
 * would refuse is caught here, span by span, so one bad span never costs the others.
 */
export function checkExportData(data: unknown, format: 'protobuf' | 'json'): CheckedExport {
  try {
    return checkRequest(data, format === 'json');
  } catch (e) {
    if (e instanceof Malformed) return { kind: 'malformed', message: e.message };
    throw e;
  }
}

class Malformed extends Error {}

function checkRequest(data: unknown, json: boolean): CheckedExport {
  if (!isObject(data)) throw new Malformed('the body is not an ExportTraceServiceRequest object');
  const resourceSpans = optionalArray(data['resourceSpans'], 'resourceSpans');
  let accepted = 0;
  const rejected: SpanFinding[] = [];
  const droppedValues: SpanFinding[] = [];
  const outResources = resourceSpans.map((rs, ri) => {
    const at = `resourceSpans[${ri}]`;
    if (!isObject(rs)) throw new Malformed(`${at} is not an object`);
    const resource = rs['resource'];
    if (resource !== undefined && resource !== null && !isObject(resource)) throw new Malformed(`${at}.resource is not an object`);
    const resourceAttributes = isObject(resource) ? optionalArray(resource['attributes'], `${at}.resource.attributes`) : [];
    const resourceProblem = within(`${at}.resource`, checkAttributes(resourceAttributes, 'attributes', json, (key) => droppedValues.push(`resource attribute ${quoted(key)}`)));
    const scopeSpans = optionalArray(rs['scopeSpans'], `${at}.scopeSpans`);
    const outScopes = scopeSpans.map((ss, si) => {
      const sat = `${at}.scopeSpans[${si}]`;
      if (!isObject(ss)) throw new Malformed(`${sat} is not an object`);
      const spans = optionalArray(ss['spans'], `${sat}.spans`);
      const scope = ss['scope'];
      const scopeProblem = isObject(scope)
        ? within(`${sat}.scope`, checkAttributes(scope['attributes'], 'attributes', json, (key) => droppedValues.push(`scope attribute ${quoted(key)}`)))
        : undefined;
      const shared = resourceProblem ?? scopeProblem;
      const good: OtlpSpan[] = [];
      for (const span of spans) {
        const problem = shared !== undefined ? `${describeSpan(span)} belongs to ${shared}` : spanProblem(span, json, droppedValues);
        if (problem === undefined) {
          good.push(span as OtlpSpan);
          accepted++;
        } else {
          rejected.push(problem);
        }
      }
      return { ...ss, spans: good };
    });
    return { ...rs, resource: isObject(resource) ? { ...resource, attributes: resourceAttributes } : { attributes: [] }, scopeSpans: outScopes };
  });
  // Rebuilt as shallow copies so the parser always sees complete arrays, never the sender's nulls or omissions.
  return { kind: 'checked', data: { resourceSpans: outResources } as unknown as OtlpTracesData, accepted, rejected, droppedValues };
}

/** "resourceSpans[0].resource, which has attributes[2] that is not …" when the list has a problem. */
function within(where: string, problem: string | undefined): string | undefined {
  return problem === undefined ? undefined : `${where}, which has ${problem}`;
}

/** Why a span cannot be stored, or undefined when it can (after replacing values nested too deep). */
function spanProblem(span: unknown, json: boolean, droppedValues: SpanFinding[]): string | undefined {
  if (!isObject(span)) return 'a span is not an object';
  const name = describeSpan(span);
  if (span['name'] !== undefined && typeof span['name'] !== 'string') return 'a span has a name that is not a string';
  const traceId = span['traceId'];
  if (!isId(traceId, TRACE_ID, TRACE_ID_BASE64)) return `${name} has an invalid traceId ${quote(traceId)} (expected 32 hex digits, not all zero)`;
  const spanId = span['spanId'];
  if (!isId(spanId, SPAN_ID, SPAN_ID_BASE64)) return `${name} has an invalid spanId ${quote(spanId)} (expected 16 hex digits, not all zero)`;
  const parent = span['parentSpanId'];
  if (parent !== undefined && parent !== null && parent !== '' && parent !== ZERO_SPAN_ID && !isId(parent, SPAN_ID, SPAN_ID_BASE64)) {
    return `${name} has an invalid parentSpanId ${quote(parent)} (expected 16 hex digits or empty)`;
  }
  const start = nanosText(span['startTimeUnixNano']);
  if (start === undefined) return `${name} has an invalid startTimeUnixNano ${quote(span['startTimeUnixNano'])} (${NANOS_RULE})`;
  const end = nanosText(span['endTimeUnixNano']);
  if (end === undefined) return `${name} has an invalid endTimeUnixNano ${quote(span['endTimeUnixNano'])} (${NANOS_RULE})`;
  if (compareDecimal(end, start) < 0) return `${name} ends before it starts (endTimeUnixNano ${end} < startTimeUnixNano ${start})`;

  const replaced: string[] = [];
  const onReplaced = (key: string): void => {
    replaced.push(key);
    droppedValues.push(`${name} attribute ${quoted(key)}`);
  };
  const attributesProblem = checkAttributes(span['attributes'], 'attributes', json, onReplaced);
  if (attributesProblem !== undefined) return `${name} has ${attributesProblem}`;
  const events = span['events'];
  if (events !== undefined && events !== null) {
    if (!Array.isArray(events)) return `${name} has events that are not an array`;
    for (let i = 0; i < events.length; i++) {
      const e: unknown = events[i];
      if (!isObject(e)) return `${name} has events[${i}] that is not an object`;
      const t = e['timeUnixNano'];
      if (t !== undefined && t !== null && nanosText(t) === undefined) return `${name} has events[${i}] with an invalid timeUnixNano ${quote(t)} (${NANOS_RULE})`;
      const problem = checkAttributes(e['attributes'], `events[${i}].attributes`, json, onReplaced);
      if (problem !== undefined) return `${name} has ${problem}`;
    }
  }
  const links = span['links'];
  if (links !== undefined && links !== null) {
    if (!Array.isArray(links)) return `${name} has links that are not an array`;
    for (let i = 0; i < links.length; i++) {
      const l: unknown = links[i];
      if (!isObject(l)) return `${name} has links[${i}] that is not an object`;
      if (!isId(l['traceId'], TRACE_ID, TRACE_ID_BASE64) || !isId(l['spanId'], SPAN_ID, SPAN_ID_BASE64)) {
        return `${name} has links[${i}] with an invalid traceId or spanId (${quote(l['traceId'])}, ${quote(l['spanId'])})`;
      }
      const problem = checkAttributes(l['attributes'], `links[${i}].attributes`, json, onReplaced);
      if (problem !== undefined) return `${name} has ${problem}`;
    }
  }
  if (replaced.length > 0) addWarning(span, replaced);
  return undefined;
}

/**
 * Checks a list of attributes: an array of `{key: string, value}`. Values nested deeper than MAX_VALUE_NESTING
 * (measured on JSON bodies; the protobuf decoder marks them) are replaced in place by a note. Returns what is
 * wrong with the list, or undefined.
 */
function checkAttributes(list: unknown, where: string, json: boolean, onReplaced: (key: string) => void): string | undefined {
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) return `${where} that are not an array`;
  for (let i = 0; i < list.length; i++) {
    const kv: unknown = list[i];
    if (!isObject(kv) || typeof kv['key'] !== 'string') return `${where}[${i}] that is not a {key, value} attribute`;
    const value = kv['value'];
    if (json ? jsonNestsDeeperThan(value) : value === TOO_DEEP_VALUE) {
      list[i] = { key: kv['key'], value: { stringValue: TOO_DEEP_PLACEHOLDER } };
      onReplaced(kv['key']);
    }
  }
  return undefined;
}

/** The warning the viewer shows on the span, carried in the attribute our model reads span warnings from. */
function addWarning(span: Record<string, unknown>, keys: readonly string[]): void {
  const text = `Span Lens replaced the value of ${keys.length === 1 ? 'attribute' : 'attributes'} ${keys.map((k) => quoted(k)).join(', ')} by a note: nested deeper than ${MAX_VALUE_NESTING} levels.`;
  const warning = { key: WARNINGS_ATTRIBUTE, value: { arrayValue: { values: [{ stringValue: text }] } } };
  const attributes = span['attributes'];
  if (Array.isArray(attributes)) attributes.push(warning);
  else span['attributes'] = [warning];
}

const NANOS_RULE = 'expected whole nanoseconds from 0 to 2^64-1, as a number or decimal text';

/**
 * A uint64 nanosecond time as canonical decimal text (no leading zeros), or undefined when it is not one: a whole
 * JSON number or a decimal string, 0 ≤ v < 2^64. Text compares without BigInt: the receiver checks every span.
 */
function nanosText(v: unknown): string | undefined {
  if (typeof v === 'string') {
    if (!DECIMAL.test(v)) return undefined;
    const text = v.length > 1 && v.startsWith('0') ? v.replace(/^0+(?=\d)/, '') : v;
    return text.length < 20 || (text.length === 20 && text < TWO_64_TEXT) ? text : undefined;
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < TWO_64) return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
  return undefined;
}

/** Compares two canonical decimal texts numerically. */
function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isId(v: unknown, hex: RegExp, base64: RegExp): boolean {
  if (typeof v !== 'string') return false;
  if (hex.test(v)) return v !== ZERO_TRACE_ID && v !== ZERO_SPAN_ID;
  // 'A' is base64's zero digit: an id made only of it is all zero.
  return base64.test(v) && /[^A]/.test(v.replace(/=+$/, ''));
}

function optionalArray(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Malformed(`${what} is not an array`);
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "span 'GET /x'" or "a span", for messages. */
export function describeSpan(span: unknown): string {
  return isObject(span) && typeof span['name'] === 'string' ? `span ${quoted(span['name'])}` : 'a span';
}

/** Untrusted text in single quotes, shortened, control characters and bidi overrides escaped: these messages reach terminals and logs. */
function quoted(text: string): string {
  return `'${escapeControlChars(truncate(text))}'`;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function quote(v: unknown): string {
  if (v === undefined) return '(missing)';
  // Never JSON.stringify a sender's object or array here: it may nest deeper than the stack.
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? '(an array)' : '(an object)';
  const text = typeof v === 'string' ? v : String(v);
  return escapeControlChars(JSON.stringify(truncate(text)));
}
