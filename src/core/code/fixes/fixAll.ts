// `lint --fix`: every safe fix of a file in as few passes as it takes. Each round parses and lints the file once,
// takes the safe fix of every finding whose edits touch nothing another fix of the round touches, applies them
// together, and lints again, until a round applies nothing (or the round limit is reached). Fixes that collide
// (two imports of SpanStatusCode at one place, a rename inside a region a try/finally re-indents) simply wait for
// the next round, when the text they are computed against already holds the other fix.
import type { LintOptions } from '../lint/lintTypes';
import { ruleContext, runRules } from '../lint/lintEngine';
import { importAnchorOffset } from './otelImports';
import { createSourceContext } from './sourceContext';
import { defaultFixRounds, fixFootprint, TouchedRanges, type FixAllResult } from './fixFootprint';
import { applyOffsetEdits, type OffsetEdit } from './textEdits';

export { defaultFixRounds, fixFootprint, TouchedRanges, type FixAllResult } from './fixFootprint';

/** Applies the safe fixes of `text` (the rules `options` leaves on) until none applies; returns the new text. */
export function applySafeFixes(text: string, fileName: string, options: LintOptions = {}, maxRounds = defaultFixRounds): FixAllResult {
  let current = text;
  let applied = 0;
  let rounds = 0;
  for (; rounds < maxRounds; rounds++) {
    const rc = ruleContext(createSourceContext(current, fileName, { moduleStyle: options.moduleStyle }), options);
    const anchor = importAnchorOffset(rc.ctx);
    const touched = new TouchedRanges();
    const edits: OffsetEdit[] = [];
    let accepted = 0;
    for (const finding of runRules(rc, options)) {
      const fix = finding.fixes.find((f) => f.safe);
      const fixEdits = fix?.edits();
      if (!fixEdits || fixEdits.length === 0) continue;
      const intervals = fixFootprint(fixEdits, anchor);
      if (!intervals || intervals.some(([s, e]) => touched.touches(s, e))) continue;
      for (const [s, e] of intervals) touched.add(s, e);
      edits.push(...fixEdits);
      accepted++;
    }
    if (accepted === 0) break;
    const next = applyOffsetEdits(current, edits);
    if (next === current) break;
    current = next;
    applied += accepted;
  }
  const roundLimitReached = rounds === maxRounds;
  return { text: current, applied, rounds, roundLimitReached };
}
