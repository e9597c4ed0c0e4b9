// Mocha's spec reporter plus one closing line, `<label>: N passed, N failed`, that CI logs are read for.
const Mocha = require('mocha');

class CountingSpecReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const label = (options && options.reporterOptions && options.reporterOptions.label) || process.env.SPANLENS_TEST_LABEL || 'unit';
    runner.once('end', () => {
      const { passes = 0, failures = 0, pending = 0 } = this.stats;
      process.stdout.write(`\n${label}: ${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}\n`);
    });
  }
}

module.exports = CountingSpecReporter;
