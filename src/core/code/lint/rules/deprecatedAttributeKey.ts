// deprecated-attribute-key: attribute keys the semantic conventions renamed; backends and dashboards built on the
// current names will not find the old ones.
import { type TsQuote, tsStringLiteral } from '../../codegen/typescript';
import type { InternalFix, RawFinding, Rule } from '../ruleTypes';
import { deprecatedKeyText } from '../neutral/findingText';

export const deprecatedAttributeKey: Rule = (rc) => {
  const ctx = rc.ctx;
  const sf = ctx.sourceFile;
  const out: RawFinding[] = [];
  for (const site of rc.sites.attributes) {
    const dep = deprecatedKeyText(site.key);
    if (!dep) continue;
    const start = site.keyNode.getStart(sf);
    const end = site.keyNode.end;
    const original = ctx.text.slice(start, end);
    const quote: TsQuote = original[0] === '"' || original[0] === "'" || original[0] === '`' ? original[0] : ctx.quote;
    const fixes: InternalFix[] = dep.renames.map((r) => ({
      id: r.id,
      title: r.title,
      kind: 'quickfix',
      safe: r.safe,
      edits: () => [{ start, end, newText: tsStringLiteral(r.replacement, quote) }],
    }));
    out.push({ rule: 'deprecated-attribute-key', start, end, message: dep.message, fixes });
  }
  return out;
};
