// A large file on the Import data page: a progress bar with rows per second while it is checked and
// imported, and a Cancel button that stops the import with nothing saved.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { generateServicesCsv } from '../scripts/bench/services-csv.js';
import { expectNoSeriousAxeViolations } from './helpers/axe';

// One database serves every test file of the run: names no other test uses.
const DATASET = `E2E large import ${process.pid}`;
const DATASET_KEY = `services-e2e-large-import-${process.pid}`;
const ROWS = 20_000;
let file: string;

test.beforeAll(() => {
	// About 4.5 MB. Its services start from 2040, so today's views (which other tests check) are
	// unchanged should it ever be imported.
	file = path.join(os.tmpdir(), `landscape-e2e-large-${process.pid}.csv`);
	fs.writeFileSync(
		file,
		generateServicesCsv({ rows: ROWS, prefix: `E2E-LARGE-${process.pid}`, startYear: 2040 })
	);
});

test.afterAll(() => {
	if (file) fs.rmSync(file, { force: true });
});

/** Keep every state the progress display shows (each DOM change), to look at once it has gone. */
async function recordProgress(page: Page): Promise<void> {
	await page.evaluate(() => {
		const seen: { label: string; status: string; max: string | null; value: string | null }[] = [];
		(window as unknown as { progressSeen: typeof seen }).progressSeen = seen;
		new MutationObserver(() => {
			const box = document.querySelector('[data-testid="import-progress"]');
			if (!box) return;
			const bar = box.querySelector('progress');
			seen.push({
				label: box.querySelector('label')?.textContent?.trim() ?? '',
				status: box.querySelector('[data-testid="import-progress-status"]')?.textContent ?? '',
				max: bar?.getAttribute('max') ?? null,
				value: bar?.getAttribute('value') ?? null
			});
		}).observe(document.body, { subtree: true, childList: true, characterData: true });
	});
}

test('a large file shows its progress with rows per second; a cancelled import saves nothing', async ({
	page
}) => {
	await page.goto('/import');
	await page.getByLabel('Dataset name').fill(DATASET);
	await page.getByLabel('Upload a CSV file').setInputFiles(file);
	await recordProgress(page);
	await page.getByRole('button', { name: 'Check file' }).click();

	// The check: a labelled progress bar counting rows towards the file's total, at a rate.
	await expect(page.getByTestId('preview')).toBeVisible({ timeout: 60_000 });
	await expect(page.getByTestId('import-progress')).toHaveCount(0);
	const checking = await page.evaluate(
		() => (window as unknown as { progressSeen: { label: string }[] }).progressSeen
	);
	expect(checking.map((s) => s.label)).toContain(`Sending ${path.basename(file)}`);
	const counted = checking.filter((s) => s.label === 'Checking rows');
	expect(counted.length).toBeGreaterThan(0);
	expect(counted.at(-1)).toMatchObject({
		max: String(ROWS),
		status: expect.stringMatching(
			new RegExp(`^[\\d,]+ of ${ROWS.toLocaleString('en-GB')} rows \\([\\d,]+ rows a second\\)$`)
		)
	});
	await expect(page.getByTestId('rows-accepted')).toContainText(ROWS.toLocaleString('en-GB'));

	// The import: cancelled once rows are being written. The page clicks Cancel itself as soon as it
	// shows the first rows written, so the test does not depend on how fast the machine is.
	await page.evaluate(() => {
		new MutationObserver((_, observer) => {
			const box = document.querySelector('[data-testid="import-progress"]');
			const status = box?.querySelector('[data-testid="import-progress-status"]')?.textContent;
			if (box?.querySelector('label')?.textContent?.trim() !== 'Importing rows') return;
			if (!/ of /.test(status ?? '')) return;
			observer.disconnect();
			box.querySelector('button')!.click();
			(window as unknown as { cancelled: string }).cancelled = status!;
		}).observe(document.body, { subtree: true, childList: true, characterData: true });
	});
	await page
		.getByRole('button', { name: `Import ${ROWS.toLocaleString('en-GB')} rows as version 1` })
		.click();
	const cancelledAt = await page.waitForFunction(
		() => (window as unknown as { cancelled?: string }).cancelled,
		null,
		{ timeout: 60_000 }
	);
	expect(await cancelledAt.jsonValue()).toMatch(
		new RegExp(`^[\\d,]+ of ${ROWS.toLocaleString('en-GB')} rows`)
	);
	await expect(page.getByTestId('import-notice')).toHaveText(
		'The import was cancelled. Nothing was saved.'
	);
	await expect(page.getByTestId('import-progress')).toHaveCount(0);
	await expect(page).toHaveURL(/\/import/);
	// The preview stays, so the import can be started again.
	await expect(
		page.getByRole('button', { name: `Import ${ROWS.toLocaleString('en-GB')} rows as version 1` })
	).toBeVisible();
	await expectNoSeriousAxeViolations(page);

	// Nothing was saved: no version of the dataset.
	await page.goto('/data-sources');
	await expect(page.getByTestId('datasets-table')).toBeVisible();
	await expect(page.getByTestId('datasets-table').locator(`tr[id="${DATASET_KEY}"]`)).toHaveCount(
		0
	);
});
