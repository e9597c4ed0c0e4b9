// Helpers for benchmark sections (not a section itself: sections are *.bench.ts).
import { performance } from 'node:perf_hooks';

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Milliseconds one call of `fn` takes. */
export function timeOnce(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/**
 * Runs `candidate` and `baseline` alternately `rounds` times (after `warmup` untimed rounds of each) and returns the
 * median of candidate/baseline ratios per round: alternating keeps both under the same machine load.
 */
export function medianRatio(candidate: () => unknown, baseline: () => unknown, rounds = 7, warmup = 2): { ratio: number; candidateMs: number; baselineMs: number } {
  for (let i = 0; i < warmup; i++) {
    baseline();
    candidate();
  }
  const ratios: number[] = [];
  const c: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const tb = timeOnce(baseline);
    const tc = timeOnce(candidate);
    b.push(tb);
    c.push(tc);
    ratios.push(tc / tb);
  }
  return { ratio: median(ratios), candidateMs: median(c), baselineMs: median(b) };
}

/** Deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
