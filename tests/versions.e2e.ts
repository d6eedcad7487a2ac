// Dataset versions in the browser: a dataset imported twice, its history, a comparison, a rollback.
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousAxeViolations } from './helpers/axe';

const FIXTURES = path.join(process.cwd(), 'tests/fixtures/versions-e2e');
// One database serves every test file of the run: a name no other test uses. The services run from
// April 2040, so the views other tests check today are unchanged.
const DATASET = `E2E versions ${process.pid}`;
const KEY = `services-e2e-versions-${process.pid}`;
const HISTORY = `/data-sources/${KEY}`;

test.describe.configure({ mode: 'serial' });

async function importFile(page: Page, file: string, version: number): Promise<void> {
	await page.goto('/import');
	await page.getByLabel('Dataset name').fill(DATASET);
	await page
		.getByLabel(/^Upload (a|one or more) (\S+ )?files?\b/)
		.setInputFiles(path.join(FIXTURES, file));
	await page.getByRole('button', { name: 'Check file' }).click();
	await expect(page.getByTestId('preview')).toBeVisible();
	await page.getByRole('button', { name: `Import 3 rows as version ${version}` }).click();
	await expect(page).toHaveURL(`/data-sources?imported=${KEY}&version=${version}`);
}

/** The versions table as [version, current?, note] per row, newest first. */
async function versionRows(page: Page): Promise<[string, boolean, string][]> {
	const rows = page.getByTestId('versions-table').locator('tbody tr');
	const result: [string, boolean, string][] = [];
	for (const row of await rows.all())
		result.push([
			(await row.getAttribute('data-version')) ?? '',
			(await row.locator('th .govuk-tag').count()) > 0,
			(await row.locator('td').nth(4).innerText()).trim()
		]);
	return result;
}

test('import twice, open the history, compare versions 1 and 2, roll back to 1', async ({
	page
}) => {
	await importFile(page, 'services-v1.csv', 1);
	await importFile(page, 'services-v2.csv', 2);

	const row = page.getByTestId('datasets-table').locator(`tr[id="${KEY}"]`);
	await row.getByRole('link', { name: /^History \(2 versions\)/ }).click();
	await expect(page).toHaveURL(HISTORY);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(DATASET);
	expect(await versionRows(page)).toEqual([
		['2', true, ''],
		['1', false, '']
	]);
	await expect(page.getByTestId('versions-table').locator('tr[data-version="2"]')).toContainText(
		'services-v2.csv'
	);
	await expectNoSeriousAxeViolations(page);

	// The form starts at "the previous version to the current one"; the comparison is in the URL.
	await expect(page.getByLabel('From version')).toHaveValue('1');
	await expect(page.getByLabel('To version')).toHaveValue('2');
	await page.getByRole('button', { name: 'Compare' }).click();
	await expect(page).toHaveURL(`${HISTORY}?from=1&to=2#comparison`);
	const comparison = page.getByTestId('comparison');
	await expect(comparison.getByTestId('count-added')).toContainText('1 row');
	await expect(comparison.getByTestId('count-changed')).toContainText('1 row');
	await expect(comparison.getByTestId('count-removed')).toContainText('1 row');
	await expect(comparison.getByTestId('count-unchanged')).toContainText('1 row');
	await expect(page.getByTestId('added-rows').locator('tbody tr')).toHaveText([
		/VER-E2E-4\s*Versions test debt advice/
	]);
	await expect(page.getByTestId('removed-rows').locator('tbody tr')).toHaveText([
		/VER-E2E-2\s*Versions test tenancy support/
	]);
	const changed = page.getByTestId('changed-rows').locator('tr[data-key="VER-E2E-1"]');
	await expect(changed.locator('li')).toHaveText(['annual value (£): 50000 → changed to 80000']);
	await expectNoSeriousAxeViolations(page);
	await page.screenshot({ path: 'screenshots/dataset-versions-compare.png', fullPage: true });

	// Roll back: first an "Are you sure?" page saying what will change, then the new version.
	await page.getByRole('button', { name: 'Roll back to version 1' }).click();
	const confirm = page.getByTestId('confirm-rollback');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(
		'Are you sure you want to roll back to version 1?'
	);
	await expect(confirm).toContainText('This adds version 3, a copy of the 3 rows of version 1');
	const counts = confirm.getByTestId('confirm-counts');
	await expect(counts).toHaveText(
		'Rows that come back 1 row Rows that change 1 row Rows that go 1 row Rows that stay the same 1 row'
	);
	await expectNoSeriousAxeViolations(page);
	await page.screenshot({ path: 'screenshots/dataset-versions-confirm.png', fullPage: true });
	await page.getByLabel('Your name (optional)').fill('E2E tester');
	await page.getByRole('button', { name: 'Roll back to version 1' }).click();

	await expect(page).toHaveURL(`${HISTORY}?rolledBack=1&version=3`);
	const banner = page.getByTestId('rollback-banner');
	await expect(banner).toContainText('Success');
	await expect(banner).toContainText(
		'Rolled back to version 1: version 3 is now current, with the 3 rows of version 1.'
	);
	expect(await versionRows(page)).toEqual([
		['3', true, 'Rolled back to version 1 by E2E tester'],
		['2', false, ''],
		['1', false, '']
	]);
	await expect(page.getByTestId('versions-table').locator('tr[data-version="3"]')).toContainText(
		'services-v1.csv'
	);
	await expectNoSeriousAxeViolations(page);
	await page.screenshot({ path: 'screenshots/dataset-versions-rolled-back.png', fullPage: true });

	// Version 3 holds version 1's rows; the Data sources page counts the versions.
	await page.goto(`${HISTORY}?from=1&to=3`);
	await expect(page.getByTestId('comparison')).toContainText(
		'The two versions hold the same rows.'
	);
	await page.goto('/data-sources');
	await expect(
		page
			.getByTestId('datasets-table')
			.locator(`tr[id="${KEY}"]`)
			.getByRole('link', { name: /^History \(3 versions\)/ })
	).toBeVisible();
});

test('a version that does not exist is an error on the form; an unknown dataset is not found', async ({
	page
}) => {
	await page.goto(`${HISTORY}?from=9&to=1`);
	await expect(page.locator('.govuk-error-summary')).toContainText(
		`${DATASET} has no version 9: select one from the list`
	);
	await expect(page.locator('#from-error')).toContainText('has no version 9');
	await expect(page.getByTestId('comparison')).toHaveCount(0);
	await expectNoSeriousAxeViolations(page);

	const response = await page.goto('/data-sources/no-such-dataset');
	expect(response?.status()).toBe(404);
});

test('the history and a comparison pass axe on a phone-sized screen', async ({ page }) => {
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto(`${HISTORY}?from=1&to=2`);
	await expect(page.getByTestId('comparison')).toBeVisible();
	await expectNoSeriousAxeViolations(page);
});

test('a shipped dataset shows its seeded version 1 and nothing to roll back to', async ({
	page
}) => {
	await page.goto('/data-sources/caseload');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('PDU caseload (modelled)');
	expect(await versionRows(page)).toEqual([['1', true, 'Shipped with Landscape']]);
	await expect(page.getByText('There is only one version')).toBeVisible();
	await expect(page.getByRole('button', { name: /Roll back/ })).toHaveCount(0);
	await expectNoSeriousAxeViolations(page);
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('compare and roll forward to version 2 with plain forms', async ({ page }) => {
		await page.goto(HISTORY);
		await page.getByLabel('From version').selectOption('3');
		await page.getByLabel('To version').selectOption('2');
		await page.getByRole('button', { name: 'Compare' }).click();
		await expect(page).toHaveURL(`${HISTORY}?from=3&to=2#comparison`);
		await expect(page.getByTestId('count-added')).toContainText('1 row');

		await page.getByRole('button', { name: 'Roll back to version 2' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(
			'Are you sure you want to roll back to version 2?'
		);
		// Cancel goes back to the history with nothing changed.
		await page.getByRole('link', { name: 'Cancel' }).click();
		await expect(page).toHaveURL(HISTORY);
		expect((await versionRows(page)).map(([v, current]) => [v, current])).toEqual([
			['3', true],
			['2', false],
			['1', false]
		]);

		await page.getByRole('button', { name: 'Roll back to version 2' }).click();
		await page.getByRole('button', { name: 'Roll back to version 2' }).click();
		await expect(page).toHaveURL(`${HISTORY}?rolledBack=2&version=4`);
		await expect(page.getByTestId('rollback-banner')).toContainText(
			'version 4 is now current, with the 3 rows of version 2'
		);
		expect((await versionRows(page))[0]).toEqual([
			'4',
			true,
			'Rolled back to version 2 by web user'
		]);
	});
});
