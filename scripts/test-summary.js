// Print one summary line per test runner and a total, as `name: N passed, N failed`.
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let missing = false;

function read(file) {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
	} catch {
		return undefined;
	}
}

const vitest = read('vitest.json');
if (vitest) {
	console.log(`vitest: ${vitest.numPassedTests} passed, ${vitest.numFailedTests} failed`);
	passed += vitest.numPassedTests;
	failed += vitest.numFailedTests;
} else {
	console.log('vitest: no results (the run did not complete)');
	missing = true;
}

const playwright = read('playwright.json');
if (playwright) {
	const s = playwright.stats;
	const bad = (s.unexpected ?? 0) + (s.flaky ?? 0);
	console.log(`playwright: ${s.expected} passed, ${bad} failed`);
	passed += s.expected;
	failed += bad;
} else {
	console.log('playwright: no results (the run did not complete)');
	missing = true;
}

console.log(`total: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || missing || passed === 0 ? 1 : 0);
