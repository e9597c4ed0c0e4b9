// duplicate-span-name within one file, for the tree-sitter languages: literal span names that two different
// functions start, each reported with the other places and a rename to its own function's qualified name (unless
// some span of the file already has that name). A language says what its span starts are; the rest is here.
import type { RawFinding } from '../ruleTypes';
import { duplicateSpanNameMessage, namedPlaces, renameSpanTitle } from './findingText';

export interface NamedSpanSite {
  /** The literal span name. */
  readonly name: string;
  /** Identity of the function that starts it (a node id). */
  readonly owner: number;
  /** How messages call the function (`Service.create`). */
  readonly ownerLabel: string;
  /** The name the rename fix gives the span (the function's qualified name), if any. */
  readonly renameTo: string | undefined;
  /** The name literal's offsets, and the 1-based line of the start. */
  readonly start: number;
  readonly end: number;
  readonly line: number;
}

/** `quote(name)`: the language's string literal for a new name. */
export function duplicateSpanNameFindings(sites: readonly NamedSpanSite[], quote: (name: string) => string): RawFinding[] {
  const byName = new Map<string, NamedSpanSite[]>();
  for (const s of sites) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  const taken = new Set(byName.keys());
  const out: RawFinding[] = [];
  for (const [name, group] of byName) {
    if (new Set(group.map((s) => s.owner)).size < 2) continue;
    for (const s of group) {
      const others = group.filter((o) => o.owner !== s.owner);
      const renameTo = s.renameTo;
      out.push({
        rule: 'duplicate-span-name',
        start: s.start,
        end: s.end,
        message: duplicateSpanNameMessage(name, others.slice(0, namedPlaces).map((o) => `${o.ownerLabel} (line ${o.line})`), others.length),
        fixes:
          renameTo && !taken.has(renameTo)
            ? [{ id: 'rename-span', title: renameSpanTitle(renameTo), kind: 'quickfix', safe: false, edits: () => [{ start: s.start, end: s.end, newText: quote(renameTo) }] }]
            : [],
      });
    }
  }
  return out;
}
