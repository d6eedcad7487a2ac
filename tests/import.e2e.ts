// Importing a services file through the web page: preview, errors, confirm, and the effect on the gap finder.
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousAxeViolations } from './helpers/axe';

const FIXTURES = path.join(process.cwd(), 'tests/fixtures/import-e2e');
const fixture = (name: string) => path.join(FIXTURES, name);
// One database serves every test file of the run: a name no other test uses.
const DATASET = `E2E web import ${process.pid}`;
const DATASET_KEY = `services-e2e-web-import-${process.pid}`;
// The imported services run from April 2040, so today's views (which other tests check) are unchanged.
const GAPS = '/gaps?region=N54&category=Accommodation&subgroup=all&date=2040-06-01';

test.describe.configure({ mode: 'serial' });

// SvelteKit refuses form posts whose Origin differs from the server's idea of its own origin, which
// adapter-node takes from ORIGIN (else https://<host>). Say so plainly rather than time out.
test.beforeAll(async ({ request, baseURL }) => {
	const response = await request.post('/import?/preview', {
		headers: { origin: baseURL!, accept: 'application/json' },
		multipart: { dataset: '' }
	});
	expect(
		response.status(),
		`form posts are refused (${await response.text()}): start the server with ORIGIN=${baseURL}`
	).not.toBe(403);
});

async function upload(page: Page, file: string, dataset = DATASET): Promise<void> {
	await page.goto('/import');
	await page.getByLabel('Dataset name').fill(dataset);
	await page.getByLabel('Upload a CSV file').setInputFiles(fixture(file));
	await page.getByRole('button', { name: 'Check file' }).click();
	await expect(page.getByTestId('preview')).toBeVisible();
}

/** Places a year per PDU in the gap finder's table. */
async function placesByPdu(page: Page): Promise<Map<string, number>> {
	await page.goto(GAPS);
	const rows = page.locator('tbody tr[data-pdu]');
	await expect(rows).toHaveCount(7);
	const places = new Map<string, number>();
	for (const row of await rows.all()) {
		const pdu = (await row.getAttribute('data-pdu')) ?? '';
		const shown = await row.locator('[data-col="places"]').innerText();
		places.set(pdu, Number(shown.replace(/,/g, '')));
	}
	return places;
}

test('the import page has a template, a field guide and an accessible upload form', async ({
	page,
	request
}) => {
	await page.goto('/import');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Import data');
	await expect(page.getByRole('link', { name: 'Import data' })).toHaveAttribute(
		'aria-current',
		'page'
	);
	const guide = page.getByTestId('field-guide');
	await expect(guide.locator('tbody tr')).toHaveCount(22);
	await expect(guide.getByRole('row', { name: /^categories\b/ })).toContainText('Required');

	const template = await request.get('/import/template.csv');
	expect(template.headers()['content-type']).toContain('text/csv');
	const [header, example, ...rest] = (await template.text()).trim().split(/\r?\n/);
	expect(header!.split(',')).toHaveLength(22);
	expect(header).toMatch(/^source,reference,name,mechanism,/);
	expect(example).toContain('EXAMPLE-1');
	expect(example).toContain('Example service (delete this row)');
	expect(rest).toEqual([]);

	await expectNoSeriousAxeViolations(page);
});

test('a file that is not a CSV, or no dataset name, is refused with a clear message', async ({
	page
}) => {
	await page.goto('/import');
	await page.getByLabel('Upload a CSV file').setInputFiles(fixture('not-a-csv.txt'));
	await page.getByRole('button', { name: 'Check file' }).click();
	const summary = page.locator('.govuk-error-summary');
	await expect(summary).toContainText('The selected file must be a CSV (.csv)');
	await expect(summary).toContainText('Enter a dataset name');
	await expect(page.locator('#file-error')).toContainText('must be a CSV');
	await expect(page.getByTestId('preview')).toHaveCount(0);
});

test('two bad rows: the preview lists each error with its row, column and suggestion', async ({
	page
}) => {
	await upload(page, 'services-two-bad-rows.csv');
	await expect(page.getByTestId('rows-read')).toContainText('3');
	await expect(page.getByTestId('rows-accepted')).toContainText('1');
	await expect(page.getByTestId('rows-rejected')).toContainText('2');
	await expect(page.locator('.govuk-error-summary')).toContainText('There is a problem');

	const errors = page.getByTestId('preview-errors').locator('tbody tr');
	await expect(errors).toHaveCount(2);
	const category = errors.filter({
		has: page.locator('[data-col="column"]', { hasText: /^categories$/ })
	});
	await expect(category.locator('[data-col="row"]')).toHaveText('2');
	await expect(category.locator('[data-col="reason"]')).toContainText(
		"'Acommodation' is not a CRS category. Did you mean 'Accommodation'?"
	);
	const pdu = errors.filter({ has: page.locator('[data-col="column"]', { hasText: /^pdus$/ }) });
	await expect(pdu.locator('[data-col="row"]')).toHaveText('3');
	await expect(pdu.locator('[data-col="reason"]')).toContainText("'Sunderlnd'");
	await expect(pdu.locator('[data-col="reason"]')).toContainText("Did you mean 'Sunderland'?");

	// Only the valid row can be imported, and only when the user says so.
	await expect(page.getByLabel('Import only the 1 valid rows')).not.toBeChecked();
	await expect(page.getByRole('button', { name: /^Import 1 row/ })).toHaveCount(0);
	await page.getByLabel('Import only the 1 valid rows').check();
	await expect(page.getByRole('button', { name: 'Import 1 row as version 1' })).toBeVisible();

	await expectNoSeriousAxeViolations(page);
	await page.screenshot({ path: 'screenshots/import-preview-errors.png', fullPage: true });
});

test('the fixed file imports as version 1 and raises reachable places in the gap finder', async ({
	page
}) => {
	const before = await placesByPdu(page);

	await upload(page, 'services-fixed.csv');
	await expect(page.getByTestId('rows-read')).toContainText('3');
	await expect(page.getByTestId('rows-rejected')).toContainText('0');
	await expect(page.getByTestId('change-added')).toContainText('3 services');
	await expect(page.getByTestId('change-removed')).toContainText('0 services');
	await expect(page.getByTestId('preview-errors')).toHaveCount(0);
	await expectNoSeriousAxeViolations(page);
	await page.screenshot({ path: 'screenshots/import-preview-valid.png', fullPage: true });

	await page.getByRole('button', { name: 'Import 3 rows as version 1' }).click();
	await expect(page).toHaveURL(`/data-sources?imported=${DATASET_KEY}&version=1`);
	const banner = page.getByTestId('import-banner');
	await expect(banner).toContainText('Success');
	await expect(banner).toContainText(`Imported ${DATASET} version 1: 3 rows.`);
	const row = page.getByTestId('datasets-table').locator(`tr[id="${DATASET_KEY}"]`);
	await expect(row).toContainText(DATASET);
	await expect(row).toContainText('Version 1, services-fixed.csv');
	await expect(row.locator('td').nth(2)).toHaveText('3');

	const after = await placesByPdu(page);
	// A region-wide contract of £100,000 a year reaches every North East PDU.
	for (const [pdu, places] of before) expect(after.get(pdu), pdu).toBeGreaterThan(places);
	const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
	expect(total(after) - total(before)).toBeGreaterThanOrEqual(90);

	// The same file again is already the current version: nothing to import.
	await upload(page, 'services-fixed.csv');
	await expect(page.getByTestId('preview')).toContainText('already the current version');
	await expect(page.getByTestId('confirm-form')).toHaveCount(0);
});

test('a file altered between preview and confirm is refused', async ({ page }) => {
	await upload(page, 'services-fixed.csv', `${DATASET} tamper`);
	await page
		.locator('input[name="payload"]')
		.evaluate((input: HTMLInputElement) => (input.value = btoa('source,reference\n')));
	await page.getByRole('button', { name: 'Import 3 rows as version 1' }).click();
	await expect(page.locator('.govuk-error-summary')).toContainText('its checksum differs');
	await expect(page).toHaveURL(/\/import/);
});

test('a person-level file is refused with the data-minimisation message', async ({ page }) => {
	await upload(page, 'services-person-level.csv', `${DATASET} people`);
	const refusal = page.getByTestId('refusal');
	await expect(refusal).toContainText('This file cannot be imported');
	await expect(refusal).toContainText("'CRN' (case reference number (CRN))");
	await expect(refusal).toContainText('data minimisation');
	await expect(page.getByTestId('confirm-form')).toHaveCount(0);
	await expect(page.getByTestId('preview-counts')).toHaveCount(0);
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the valid rows of a file with errors import only when the user ticks the box', async ({
		page
	}) => {
		const dataset = `${DATASET} no script`;
		// Its own references: pages list services by reference, so two datasets should not share one.
		await upload(page, 'services-two-bad-rows-no-script.csv', dataset);
		await expect(page.getByTestId('preview-errors').locator('tbody tr')).toHaveCount(2);
		// With no script the button is always there; the server still insists on the box.
		await page.getByRole('button', { name: 'Import 1 row as version 1' }).click();
		await expect(page.locator('.govuk-error-summary')).toContainText(
			"Select 'Import only the 1 valid rows'"
		);
		await page.getByLabel('Import only the 1 valid rows').check();
		await page.getByRole('button', { name: 'Import 1 row as version 1' }).click();
		await expect(page).toHaveURL(/\/data-sources\?imported=services-e2e-web-import-\d+-no-script/);
		await expect(page.getByTestId('import-banner')).toContainText(
			`Imported ${dataset} version 1: 1 row.`
		);
	});
});
