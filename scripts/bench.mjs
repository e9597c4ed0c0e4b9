// `npm run bench [-- NAME...]`: runs every benchmark section in scripts/bench/*.bench.{ts,mjs} (or only those whose
// file name contains one of the NAMEs) and prints what each returns.
//
// A section is a module exporting `title` (a string) and `run(): Promise<string[]>` returning the lines to print.
// Sections report ratios against a baseline measured in the same run, or rates, never bare wall-clock times: the
// machines this runs on are shared and noisy. scripts/bench/timing.ts has helpers (median of repeated runs).
// TypeScript sections run from source through tsx.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

const dir = fileURLToPath(new URL('./bench/', import.meta.url));
const filters = process.argv.slice(2);
const sections = readdirSync(dir)
  .filter((f) => /\.bench\.(ts|mjs)$/.test(f))
  .filter((f) => filters.length === 0 || filters.some((n) => f.includes(n)))
  .sort();

if (sections.length === 0) {
  console.error(`bench: no section matches ${filters.join(', ')} (sections are scripts/bench/*.bench.ts)`);
  process.exit(2);
}

let failed = false;
for (const file of sections) {
  const url = pathToFileURL(join(dir, file)).href;
  try {
    const mod = file.endsWith('.ts') ? await tsImport(url, import.meta.url) : await import(url);
    console.log(`\n## ${mod.title ?? file}`);
    const lines = await mod.run();
    for (const line of lines) console.log(line);
  } catch (e) {
    failed = true;
    console.error(`bench: section ${file} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
}
process.exitCode = failed ? 1 : 0;
