// What a finding says and which fixes it offers, for the rules whose meaning does not depend on the language: every
// language's lint words its findings from here, so one rule id reads the same in a .ts, .py, .go or .java file. The
// syntax of each fix (the edits) stays in the language's folder.
import type { FixKey } from '../lintTypes';
import { attributeDeprecation } from '../semconvDeprecations';
import type { SensitiveKind } from './sensitiveText';

/** A rename the deprecated-attribute-key finding offers; `safe` marks the one `lint --fix` applies. */
export interface KeyRename {
  readonly id: FixKey;
  readonly title: string;
  readonly safe: boolean;
  readonly replacement: string;
}

export interface DeprecatedKeyText {
  readonly message: string;
  readonly renames: readonly KeyRename[];
}

/** The finding for an attribute key the semantic conventions deprecated, or undefined when `key` is current. */
export function deprecatedKeyText(key: string): DeprecatedKeyText | undefined {
  const dep = attributeDeprecation(key);
  if (!dep) return undefined;
  const renames = dep.replacements
    // http.target's value holds both parts: renaming it to url.path alone is the closest one-step change.
    .filter((r) => !(dep.key === 'http.target' && r === 'url.query'))
    .map((replacement, i) => ({
      id: i === 0 ? ('rename-attribute' as const) : (`rename-attribute:${replacement}` as const),
      title: `Rename '${dep.key}' to '${replacement}'`,
      safe: dep.plainRename && i === 0,
      replacement,
    }));
  const message =
    dep.replacements.length === 0
      ? `'${dep.key}' is deprecated in the OpenTelemetry semantic conventions: ${dep.note ?? 'it was removed'}.`
      : dep.plainRename
        ? `'${dep.key}' is deprecated in the OpenTelemetry semantic conventions: use '${dep.replacements[0]}'.`
        : `'${dep.key}' is deprecated in the OpenTelemetry semantic conventions: ${dep.note}.`;
  return { message, renames };
}

/** The value a redact fix writes. */
export const redactedValue = '[REDACTED]';

export function sensitiveAttributeMessage(key: string, kind: SensitiveKind, judgedBy: 'key' | 'value'): string {
  const subject = judgedBy === 'key' ? `Attribute '${key}'` : `The value of attribute '${key}'`;
  return `${subject} looks like a ${kind}: secrets and personal data must not be sent to the trace backend. Remove it or redact the value.`;
}

export const removeAttributeTitle = (key: string): string => `Remove attribute '${key}'`;
export const redactAttributeTitle = (key: string): string => `Replace the value of '${key}' with '${redactedValue}'`;

export function sensitiveSpanNameMessage(kind: SensitiveKind): string {
  return `The span name contains a ${kind}: span names are shown and indexed everywhere. Keep secrets and personal data out of them.`;
}

export const redactSpanNameTitle = 'Remove the sensitive value from the span name';

/** `values`: the source text of each run-time part; `suggestion`: the fixed name and the attribute keys, if any. */
export function highCardinalityMessage(values: readonly string[], suggestion: { readonly name: string; readonly keys: readonly string[] } | undefined): string {
  return (
    `Span name built from run-time values (${values.join(', ')}): every distinct value becomes a separate operation in Jaeger. ` +
    (suggestion
      ? `Use a fixed name such as '${suggestion.name}' and record the values as attributes${suggestion.keys.length > 0 ? ` (${suggestion.keys.join(', ')})` : ''}.`
      : 'Use a fixed name and record the values as attributes.')
  );
}

export function moveToAttributeTitle(newName: string, valueCount: number): string {
  return `Name the span '${newName}' and move ${valueCount === 1 ? 'the value' : 'the values'} to attributes`;
}

/** How many other places a message names before it says "and N more" (a generated file can hold thousands). */
export const namedPlaces = 5;

/**
 * `a, b, c, d, e and 12 more`: the first few of `total` places, so N duplicates give N short messages rather than N
 * messages naming N places each.
 */
export function listPlaces(places: readonly string[], total = places.length): string {
  if (total <= namedPlaces) return places.slice(0, namedPlaces).join(', ');
  return `${places.slice(0, namedPlaces).join(', ')} and ${total - namedPlaces} more`;
}

/** `others`: `functionName (line N)` of the other places (at most namedPlaces), `otherCount` how many there are. */
export function duplicateSpanNameMessage(name: string, others: readonly string[], otherCount: number): string {
  return `Span name '${name}' is also used by ${listPlaces(others, otherCount)}: different operations under one name are merged in Jaeger. Give each function its own span name.`;
}

export const renameSpanTitle = (newName: string): string => `Rename the span to '${newName}'`;
