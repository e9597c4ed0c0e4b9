// `lint --fix`: every safe fix of a file in as few passes as it takes. Each round parses and lints the file once,
// takes the safe fix of every finding whose edits touch nothing another fix of the round touches, applies them
// together, and lints again, until a round applies nothing (or the round limit is reached). Fixes that collide
// (two imports of SpanStatusCode at one place, a rename inside a region a try/finally re-indents) simply wait for
// the next round, when the text they are computed against already holds the other fix.
import type { LintOptions } from '../lint/lintTypes';
import { ruleContext, runRules } from '../lint/lintEngine';
import { importAnchorOffset } from './otelImports';
import { createSourceContext } from './sourceContext';
import { defaultFixRounds, runFixRounds, type FixAllResult } from './fixFootprint';

export { defaultFixRounds, fixFootprint, TouchedRanges, type FixAllResult } from './fixFootprint';

/** Applies the safe fixes of `text` (the rules `options` leaves on) until none applies; returns the new text. */
export function applySafeFixes(text: string, fileName: string, options: LintOptions = {}, maxRounds = defaultFixRounds): FixAllResult {
  return runFixRounds(text, maxRounds, (current) => {
    const rc = ruleContext(createSourceContext(current, fileName, { moduleStyle: options.moduleStyle }), options);
    return { findings: runRules(rc, options), importAnchor: importAnchorOffset(rc.ctx) };
  });
}
