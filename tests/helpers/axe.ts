// Accessibility checks with axe-core, injected from node_modules (no @axe-core/playwright).
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { AxeResults, Result, RunOptions } from 'axe-core';

const AXE_SCRIPT = path.join(process.cwd(), 'node_modules/axe-core/axe.min.js');

/** WCAG 2.0 and 2.1 A and AA, plus axe's best practices. */
const RUN_OPTIONS: RunOptions = {
	runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }
};

const BLOCKING: ReadonlySet<string> = new Set(['serious', 'critical']);

export type AxeViolation = {
	id: string;
	impact: string;
	help: string;
	helpUrl: string;
	nodes: number;
	targets: string[];
};

function summarise(violation: Result): AxeViolation {
	return {
		id: violation.id,
		impact: violation.impact ?? 'unknown',
		help: violation.help,
		helpUrl: violation.helpUrl,
		nodes: violation.nodes.length,
		targets: violation.nodes.slice(0, 5).map((node) => node.target.map(String).join(' '))
	};
}

export function formatViolations(violations: readonly AxeViolation[]): string {
	return violations
		.map(
			(v) =>
				`- ${v.id} [${v.impact}] ${v.help} (${v.nodes} element${v.nodes === 1 ? '' : 's'})\n` +
				v.targets.map((t) => `    ${t}`).join('\n')
		)
		.join('\n');
}

/** Run axe on the whole document and return every violation, summarised. */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
	const injected = await page.evaluate(() => 'axe' in window);
	// Evaluated, not added as an inline <script>, which the app's Content-Security-Policy refuses.
	if (!injected) await page.evaluate(fs.readFileSync(AXE_SCRIPT, 'utf8'));
	const results = await page.evaluate(async (options) => {
		const axe = (
			window as unknown as {
				axe: { run(context: Document, options: RunOptions): Promise<AxeResults> };
			}
		).axe;
		return axe.run(document, options);
	}, RUN_OPTIONS);
	return results.violations.map(summarise);
}

/**
 * Fail if axe finds any serious or critical violation, listing rule id, impact, help and the first targets
 * of each. Moderate and minor violations do not fail the test; they are attached to the report as an
 * annotation (type "axe") so they can be reviewed.
 */
export async function expectNoSeriousAxeViolations(page: Page): Promise<void> {
	const violations = await runAxe(page);
	const blocking = violations.filter((v) => BLOCKING.has(v.impact));
	const advisory = violations.filter((v) => !BLOCKING.has(v.impact));
	if (process.env.AXE_VERBOSE && violations.length) {
		console.log(`axe on ${new URL(page.url()).pathname}:\n${formatViolations(violations)}`);
	}
	if (advisory.length) {
		test.info().annotations.push({
			type: 'axe',
			description: `${new URL(page.url()).pathname}: ${advisory.length} moderate/minor\n${formatViolations(advisory)}`
		});
	}
	expect(
		blocking,
		`Serious or critical axe violations on ${page.url()}:\n${formatViolations(blocking)}`
	).toEqual([]);
}
