// deprecated-attribute-key: attribute keys the semantic conventions renamed; backends and dashboards built on the
// current names will not find the old ones.
import { type TsQuote, tsStringLiteral } from '../../codegen/typescript';
import type { InternalFix, RawFinding, Rule } from '../ruleTypes';
import { attributeDeprecation } from '../semconvDeprecations';

export const deprecatedAttributeKey: Rule = (rc) => {
  const ctx = rc.ctx;
  const sf = ctx.sourceFile;
  const out: RawFinding[] = [];
  for (const site of rc.sites.attributes) {
    const dep = attributeDeprecation(site.key);
    if (!dep) continue;
    const start = site.keyNode.getStart(sf);
    const end = site.keyNode.end;
    const original = ctx.text.slice(start, end);
    const quote: TsQuote = original[0] === '"' || original[0] === "'" || original[0] === '`' ? original[0] : ctx.quote;
    const fixes: InternalFix[] = dep.replacements
      // http.target's value holds both parts: renaming it to url.path alone is the closest one-step change.
      .filter((r) => !(dep.key === 'http.target' && r === 'url.query'))
      .map((replacement, i) => ({
        id: i === 0 ? 'rename-attribute' : (`rename-attribute:${replacement}` as const),
        title: `Rename '${dep.key}' to '${replacement}'`,
        kind: 'quickfix',
        safe: dep.plainRename && i === 0,
        edits: () => [{ start, end, newText: tsStringLiteral(replacement, quote) }],
      }));
    const what =
      dep.replacements.length === 0
        ? `'${dep.key}' is deprecated in the OpenTelemetry semantic conventions: ${dep.note ?? 'it was removed'}.`
        : dep.plainRename
          ? `'${dep.key}' is deprecated in the OpenTelemetry semantic conventions: use '${dep.replacements[0]}'.`
          : `'${dep.key}' is deprecated in the OpenTelemetry semantic conventions: ${dep.note}.`;
    out.push({ rule: 'deprecated-attribute-key', start, end, message: what, fixes });
  }
  return out;
};
