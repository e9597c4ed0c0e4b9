import type { OtlpAnyValue } from '../../model/otlpJson';

/**
 * How deep one attribute value may nest. Real values (an array of strings, a map of a few fields) nest one or two
 * levels; a value thousands of levels deep is an attack or a bug, and our model's converters (and JSON.stringify)
 * walk values recursively. Deeper values are replaced alone (see exportRequest.ts); the span is kept.
 */
export const MAX_VALUE_NESTING = 100;

/**
 * On a JSON body the nesting is counted in arrays: each level of an OTLP array or map has exactly one
 * (`{arrayValue: {values: [...]}}`, `{kvlistValue: {values: [{key, value}]}}`), so the line falls where the
 * protobuf decoder draws it. Shapes that are not OTLP values are also bounded in objects and arrays together
 * (one map level takes four of them).
 */
export const MAX_JSON_VALUE_CONTAINERS = 4 * MAX_VALUE_NESTING + 1;

/** What the protobuf decoder puts in place of a value nested deeper than MAX_VALUE_NESTING (compared by identity). */
export const TOO_DEEP_VALUE: OtlpAnyValue = Object.freeze({});

/** What a dropped value becomes: a string saying so, under the same key. */
export const TOO_DEEP_PLACEHOLDER = `(value dropped by Span Lens: nested deeper than ${MAX_VALUE_NESTING} levels)`;

/**
 * Whether a parsed JSON attribute value nests deeper than MAX_VALUE_NESTING arrays or MAX_JSON_VALUE_CONTAINERS
 * objects and arrays. Iterative with an explicit stack: the depth is the sender's to choose, the call stack is
 * not. Stops at the first path that is too deep.
 */
export function jsonNestsDeeperThan(value: unknown, maxArrays: number = MAX_VALUE_NESTING, maxContainers: number = MAX_JSON_VALUE_CONTAINERS): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (!Array.isArray(value) && isFlat(value)) return false; // `{stringValue: "…"}` and the like: most values
  const values: object[] = [value];
  // Per stacked value: arrays and containers on its path, itself included.
  const arrays: number[] = [Array.isArray(value) ? 1 : 0];
  const containers: number[] = [1];
  while (values.length > 0) {
    const current = values.pop()!;
    const arrayDepth = arrays.pop()!;
    const depth = containers.pop()!;
    if (arrayDepth > maxArrays || depth > maxContainers) return true;
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) {
        const child: unknown = current[i];
        if (typeof child === 'object' && child !== null) {
          values.push(child);
          arrays.push(arrayDepth + (Array.isArray(child) ? 1 : 0));
          containers.push(depth + 1);
        }
      }
    } else {
      for (const key in current) {
        const child: unknown = (current as Record<string, unknown>)[key];
        if (typeof child === 'object' && child !== null) {
          values.push(child);
          arrays.push(arrayDepth + (Array.isArray(child) ? 1 : 0));
          containers.push(depth + 1);
        }
      }
    }
  }
  return false;
}

function isFlat(value: object): boolean {
  for (const key in value) {
    const child: unknown = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null) return false;
  }
  return true;
}
