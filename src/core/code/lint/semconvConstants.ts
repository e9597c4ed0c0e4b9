// Semantic-convention constants as the keys they stand for: `SemanticAttributes.HTTP_STATUS_CODE`,
// `SEMATTRS_HTTP_STATUS_CODE`, `ATTR_HTTP_STATUS_CODE` (incubating), `SemanticResourceAttributes.SERVICE_NAME`,
// `semconv.ATTR_URL_FULL` — each named after its key, upper-cased with dots as underscores. Only keys Span Lens
// has something to say about are known (the deprecated ones and their replacements): a constant name alone does not
// tell `http.request_content_length` from `http.request.content_length`, but the table does.
import { attributeDeprecations } from './semconvDeprecations';

const PREFIXES = /^(?:[A-Za-z_$][\w$]*\.)?(?:SemanticAttributes\.|SemanticResourceAttributes\.|SEMATTRS_|SEMRESATTRS_|ATTR_)([A-Z0-9_]+)$/;

function constantSuffix(key: string): string {
  return key.toUpperCase().replace(/[.\-]/g, '_');
}

let byConstant: Map<string, string> | undefined;

function table(): Map<string, string> {
  if (byConstant) return byConstant;
  const counts = new Map<string, Set<string>>();
  const add = (key: string): void => {
    if (!/^[a-z0-9_.]+$/.test(key)) return;
    const c = constantSuffix(key);
    counts.set(c, (counts.get(c) ?? new Set()).add(key));
  };
  for (const d of attributeDeprecations) {
    add(d.key);
    d.replacements.forEach(add);
  }
  byConstant = new Map();
  // A constant name two keys share would be a guess: leave it out.
  for (const [c, keys] of counts) if (keys.size === 1) byConstant.set(c, [...keys][0]!);
  return byConstant;
}

/** The key a constant reference (source text without whitespace) stands for, or undefined. */
export function semconvConstantKey(expressionText: string): string | undefined {
  const m = PREFIXES.exec(expressionText.replace(/\s+/g, ''));
  return m ? table().get(m[1]!) : undefined;
}
