// Prints the closing line CI reads ("N passed, N failed[, N skipped]") from Vitest's JSON
// report plus the type-check and lint results, which count as one test each.
import {existsSync, readFileSync} from "node:fs";

const [reportPath, checksPassed = "0", checksFailed = "0"] = process.argv.slice(2);
let passed = Number(checksPassed);
let failed = Number(checksFailed);
let skipped = 0;
if (reportPath != null && existsSync(reportPath)) {
    const report = JSON.parse(readFileSync(reportPath, "utf8"));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    // A file that failed to load has no tests to count: it still failed.
    failed += report.testResults.filter((file) => file.status === "failed" && file.assertionResults.length === 0).length;
} else {
    failed += 1;
}
console.log(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
