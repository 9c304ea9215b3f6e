/**
 * Prints the plain closing line CI reads ("N passed, N failed"). A test file that fails to load
 * runs no test, so it counts as one failure rather than vanishing from the count.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const brokenSuites = results.testResults.filter(
      (suite) => suite.testExecError && suite.numFailingTests === 0,
    ).length;
    const failed = results.numFailedTests + brokenSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line =
      `${results.numPassedTests} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : '');
    process.stdout.write(`\n${line}\n`);
  }
}
module.exports = SummaryReporter;
