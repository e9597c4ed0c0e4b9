import type { Attribute, Span } from './trace';

/**
 * A key that is equal for spans of the same service and resource, for grouping spans into Jaeger processes or OTLP
 * resourceSpans. Spans of one source usually share one resource array, so its JSON text is computed once per array.
 */
export class ResourceKeys {
  private readonly textOf = new Map<readonly Attribute[], string>();

  of(span: Span): string {
    let text = this.textOf.get(span.resource);
    if (text === undefined) {
      text = JSON.stringify(span.resource);
      this.textOf.set(span.resource, text);
    }
    return `${span.service}\u0000${text}`;
  }
}
