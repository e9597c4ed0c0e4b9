// Runs the spanlens CLI in this process with real stdout, then reports on stderr, as its last line,
// `SPANLENS_CHILD {"code":…,"maxRssBytes":…,"ms":…}` for tests and benchmarks that measure a run from outside.
// Usage: node -r tsx/cjs test/support/cliChild.ts ARGS...
import { runCli } from '../../src/cli/main';

const started = process.hrtime.bigint();
runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // maxRSS is in kilobytes (KiB) on Linux.
    const report = { code, maxRssBytes: process.resourceUsage().maxRSS * 1024, ms: Number(process.hrtime.bigint() - started) / 1e6 };
    process.stderr.write(`SPANLENS_CHILD ${JSON.stringify(report)}\n`);
  },
  (e: unknown) => {
    process.stderr.write(`spanlens child: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
