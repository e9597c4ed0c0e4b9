// duplicate-span-name: two different functions starting spans with one name merge unrelated work into one
// operation in Jaeger (and the latency lens cannot tell them apart).
import { ts } from 'ts-morph';
import { enclosingFunction, functionDisplayName, spanNameFor } from '../../fixes/functionShapes';
import { quoted } from '../../fixes/sourceContext';
import type { OffsetEdit } from '../../fixes/textEdits';
import type { InternalFix, RawFinding, Rule, RuleContext } from '../ruleTypes';
import type { SpanStartSite } from '../spanSites';
import { stringConstants } from '../spanNameParts';
import { duplicateSpanNameMessage, namedPlaces, renameSpanTitle } from '../neutral/findingText';

/** A span start with a name fixed in the source. */
export interface NamedSpanStart {
  readonly site: SpanStartSite;
  readonly name: string;
  /** The function the span describes (the file itself for top-level code). */
  readonly owner: ts.Node;
  readonly ownerName: string;
  readonly line: number;
}

export function namedSpanStarts(rc: RuleContext): NamedSpanStart[] {
  const sf = rc.ctx.sourceFile;
  const constants = stringConstants(sf);
  const out: NamedSpanStart[] = [];
  for (const site of rc.sites.spanStarts) {
    const n = site.name;
    if (!n) continue;
    let name: string | undefined;
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) name = n.text;
    else if (ts.isIdentifier(n)) name = constants.get(n.text);
    if (name === undefined) continue;
    const fn = enclosingFunction(site.call);
    out.push({
      site,
      name,
      owner: fn ?? sf,
      ownerName: fn ? functionDisplayName(fn) : 'top-level code',
      line: sf.getLineAndCharacterOfPosition(site.call.getStart(sf)).line + 1,
    });
  }
  return out;
}

/** Renames the span started at `site` after the function it is in; undefined when that adds nothing. */
export function renameSpanEdits(rc: RuleContext, site: SpanStartSite, taken: ReadonlySet<string>): OffsetEdit[] | undefined {
  const sf = rc.ctx.sourceFile;
  const fn = enclosingFunction(site.call);
  const n = site.name;
  if (!fn || !n) return undefined;
  const newName = spanNameFor(fn, rc.ctx.fileName, { spanNameTemplate: rc.options.spanNameTemplate });
  if (taken.has(newName)) return undefined;
  return [{ start: n.getStart(sf), end: n.end, newText: quoted(rc.ctx, newName) }];
}

export function renameSpanFix(rc: RuleContext, site: SpanStartSite, taken: ReadonlySet<string>): InternalFix | undefined {
  const fn = enclosingFunction(site.call);
  if (!fn) return undefined;
  const newName = spanNameFor(fn, rc.ctx.fileName, { spanNameTemplate: rc.options.spanNameTemplate });
  if (taken.has(newName)) return undefined;
  return { id: 'rename-span', title: renameSpanTitle(newName), kind: 'quickfix', safe: false, edits: () => renameSpanEdits(rc, site, taken) };
}

export { listPlaces, namedPlaces } from '../neutral/findingText';

export const duplicateSpanName: Rule = (rc) => {
  const sf = rc.ctx.sourceFile;
  const starts = namedSpanStarts(rc);
  const byName = new Map<string, NamedSpanStart[]>();
  for (const s of starts) {
    const group = byName.get(s.name);
    if (group) group.push(s);
    else byName.set(s.name, [s]);
  }
  const taken = new Set(starts.map((s) => s.name));
  const out: RawFinding[] = [];
  for (const [name, group] of byName) {
    const owners = new Set(group.map((g) => g.owner));
    if (owners.size < 2) continue;
    for (const s of group) {
      // Enough others to name (plus a count): filtering the whole group for each member was quadratic.
      const others: NamedSpanStart[] = [];
      let otherCount = 0;
      for (const g of group) {
        if (g.owner === s.owner) continue;
        otherCount++;
        if (others.length < namedPlaces) others.push(g);
      }
      const fix = renameSpanFix(rc, s.site, taken);
      out.push({
        rule: 'duplicate-span-name',
        start: s.site.name!.getStart(sf),
        end: s.site.name!.end,
        message: duplicateSpanNameMessage(name, others.map((o) => `${o.ownerName} (line ${o.line})`), otherCount),
        fixes: fix ? [fix] : [],
      });
    }
  }
  return out;
};
