// `npm run bench [-- NAME...]`: runs every benchmark section in scripts/bench/*.bench.{ts,mjs} (or only those whose
// file name contains one of the NAMEs) and prints what each returns.
//
// A section is a module exporting `title` (a string) and `run(): Promise<string[]>` returning the lines to print.
// Sections report ratios against a baseline measured in the same run, or rates, never bare wall-clock times: the
// machines this runs on are shared and noisy. scripts/bench/timing.ts has helpers (median of repeated runs).
// Each section runs in its own Node process (TypeScript through tsx), so one section's heap does not slow the next.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const dir = fileURLToPath(new URL('./bench/', import.meta.url));
const self = fileURLToPath(import.meta.url);

async function runSection(file) {
  const url = pathToFileURL(join(dir, file)).href;
  const { tsImport } = await import('tsx/esm/api');
  const mod = file.endsWith('.ts') ? await tsImport(url, import.meta.url) : await import(url);
  console.log(`\n## ${mod.title ?? file}`);
  const lines = await mod.run();
  for (const line of lines) console.log(line);
}

const args = process.argv.slice(2);
if (args[0] === '--section') {
  try {
    await runSection(args[1]);
  } catch (e) {
    console.error(`bench: section ${args[1]} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = 1;
  }
} else {
  const sections = readdirSync(dir)
    .filter((f) => /\.bench\.(ts|mjs)$/.test(f))
    .filter((f) => args.length === 0 || args.some((n) => f.includes(n)))
    .sort();
  if (sections.length === 0) {
    console.error(`bench: no section matches ${args.join(', ')} (sections are scripts/bench/*.bench.ts)`);
    process.exit(2);
  }
  let failed = false;
  for (const file of sections) {
    const r = spawnSync(process.execPath, [self, '--section', file], { stdio: 'inherit' });
    if (r.status !== 0) failed = true;
  }
  process.exitCode = failed ? 1 : 0;
}
