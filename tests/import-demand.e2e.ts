// Importing a caseload and a supplier list through the web page, and where their figures then show.
// The database is shared with the other test files: the caseload is for South West PDUs (which no
// other journey reads), and the supplier list gives no income or type a market test could see.
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousAxeViolations } from './helpers/axe';

const FIXTURES = path.join(process.cwd(), 'tests/fixtures/import');
const RUN = process.pid;

test.describe.configure({ mode: 'serial' });

async function upload(page: Page, kind: string, file: string, dataset: string): Promise<void> {
	await page.goto(`/import?kind=${kind}`);
	await page.getByLabel('Dataset name').fill(dataset);
	await page.locator('input[type="file"]').setInputFiles(path.join(FIXTURES, kind, file));
	await page.getByRole('button', { name: 'Check file' }).click();
	await expect(page.getByTestId('preview')).toBeVisible();
}

test('a caseload file replaces the modelled figures for its PDUs, saying where they came from', async ({
	page
}) => {
	await page.goto('/pdus/N58DORS');
	await expect(page.getByTestId('pdu-caseload')).toContainText('modelled');

	await page.goto('/import?kind=caseload');
	await expect(page.getByTestId('kind-description')).toContainText('People on probation per PDU');
	await expect(page.getByTestId('field-guide').locator('tbody tr')).toHaveCount(21);
	await expect(page.getByTestId('field-guide')).toContainText('2025-Q4');

	await upload(page, 'caseload', 'south-west.csv', `South West caseload ${RUN}`);
	await expect(page.getByTestId('rows-read')).toContainText('2');
	await expect(page.getByTestId('rows-rejected')).toContainText('0');
	await expect(page.getByTestId('preview-errors')).toHaveCount(0);
	await expectNoSeriousAxeViolations(page);
	await page.getByRole('button', { name: 'Import 2 rows as version 1' }).click();
	await expect(page.getByTestId('import-banner')).toContainText('Success');

	await page.goto('/pdus/N58DORS');
	const caseload = page.getByTestId('pdu-caseload');
	await expect(caseload).toContainText('1,234');
	await expect(caseload.locator('.govuk-tag')).toHaveCount(0); // published: no tag
	await expect(page.getByTestId('pdu-caseload-source')).toHaveText(
		/31 December 2025; published \(imported from south-west\.csv, version 1\)/
	);
	const accommodation = page
		.getByTestId('needs-table')
		.getByRole('row', { name: /^Accommodation\b/ });
	await expect(accommodation).toContainText('506'); // 1,234 × 41%
	await expect(accommodation).toContainText('Share given for this PDU');

	// The gap finder's explanation names the same source.
	await page.goto('/gaps?region=N58&category=Accommodation&subgroup=all&pdu=N58DORS');
	await expect(page.getByTestId('explain-need')).toContainText(
		'1,234 people on probation, published (imported from south-west.csv, version 1), × 41%'
	);
});

test('a supplier list asks to confirm matches by name alone, then records the organisations', async ({
	page
}) => {
	await upload(page, 'organisations', 'good.csv', `DF suppliers ${RUN}`);
	await expect(page.getByTestId('rows-accepted')).toContainText('5');
	const warnings = page.getByTestId('preview-warnings');
	await expect(warnings).toContainText(
		"matched 'Nacro' by name alone to existing organisation 'Nacro'"
	);
	await expect(warnings).toContainText(
		"matched 'Catch 22' by name alone to existing organisation 'Catch22 Charity Limited'"
	);
	await page.getByLabel('Confirm 2 organisations matched by name alone').check();
	await page.getByRole('button', { name: 'Import 5 rows as version 1' }).click();
	await expect(page.getByTestId('import-banner')).toContainText('Success');

	// The provider page gives the type's source: the list, its version and row.
	await page.goto('/providers');
	await page.getByRole('link', { name: 'Nacro', exact: true }).first().click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nacro');
	await expect(page.locator('.govuk-summary-list').first()).toContainText(
		`As given in the supplier list imported from good.csv (organisations-df-suppliers-${RUN}, version 1), row 3`
	);
});
