// The journey end to end: a PCC adds £400,000 a year to Accommodation in one PCC area (in
// the studio); the gap shrinks on the map; save; compare with a grants-versus-contracts scenario;
// export the report as PDF and check it has the maps. The studio itself is covered in
// scenario-studio.e2e.ts; this follows the scenario on through compare, CSV and the report.
import { expect, test } from '@playwright/test';
import { expectNoSeriousAxeViolations } from './helpers/axe';
import { pdfFillColours, pdfPageCount } from './helpers/pdf';

const DURHAM = { code: 'N54DUR', name: 'County Durham and Darlington' };
/** The coverage bands' fills (src/lib/components/scenario-report/coverage-scale.ts). */
const BAND_FILLS = ['#d4351c', '#f47738', '#ffdd00', '#85994b', '#00703c'];

test('co-commission in the studio, save, compare with a re-let as grants, export the report as PDF with its maps', async ({
	page,
	request
}) => {
	test.setTimeout(120_000);
	// 1. The studio: Durham PCC puts £400,000 a year into Accommodation in the Durham PCC area.
	await page.goto('/scenarios/new');
	await page.getByLabel('Name').fill('Durham PCC adds £400k (journey)');
	await page.getByLabel('Co-commissioning').check();
	await page.getByLabel('Probation region').selectOption({ label: 'North East' });
	await page.getByLabel('CRS category').selectOption('Accommodation');
	await page.getByRole('button', { name: 'Create scenario' }).click();
	await expect(page).toHaveURL(/\/scenarios\/[a-z2-7]{12}(\?|$)/);
	const id = new URL(page.url()).pathname.split('/')[2]!;
	const area = page.locator(
		`[data-testid="map-scenario"] path[role="button"][aria-label^="${DURHAM.name}: "]`
	);
	await expect(area).toHaveCount(1);
	const fillBefore = await area.getAttribute('fill');
	const partner = page.getByTestId('partner-1');
	await partner.getByLabel('Partner 1: name').fill('Durham PCC');
	await partner
		.getByLabel('Kind of partner')
		.selectOption({ label: 'Police and Crime Commissioner' });
	await partner.getByLabel('A PCC area').check();
	await partner.getByLabel('PCC area', { exact: true }).selectOption({ label: 'Durham' });
	await partner.getByLabel('£ a year the partner puts in').fill('400,000');
	await expect(
		page.locator(`[data-testid="pdu-gap-table"] tr[data-pdu="${DURHAM.code}"] [data-col="change"]`)
	).toContainText('−400');
	await expect(area).not.toHaveAttribute('fill', fillBefore ?? '');
	await page.getByRole('button', { name: 'Save as version 2' }).click();
	await expect(page.getByTestId('saved-banner')).toContainText('Saved as version 2');

	// 2. A grants-versus-contracts scenario for the same category and region, through the API.
	const relet = await request.post('/api/v1/scenarios', {
		data: {
			name: 'North East accommodation as grants (journey)',
			changes: [
				{
					type: 'relet',
					region: 'N54',
					category: 'Accommodation',
					lotGeography: 'pcc-area',
					mechanism: 'grant'
				}
			]
		}
	});
	expect(relet.status()).toBe(201);
	const reletId = (await relet.json()).id as string;

	// 3. Compare both with the baseline, chosen from the list of scenarios.
	await page.goto('/scenarios');
	await page.getByLabel('Compare Durham PCC adds £400k (journey)').check();
	await page.getByLabel('Compare North East accommodation as grants (journey)').check();
	await page.getByRole('button', { name: /Compare selected/ }).click();
	await expect(page).toHaveURL(/\/scenarios\/compare\?/);
	const headline = page.getByTestId('headline');
	const placesRow = headline.locator('tr[data-measure="places"] td');
	await expect(placesRow).toHaveCount(3);
	await expect(headline.locator('tr[data-measure="partnerGbp"]')).toContainText('£400,000');
	// One lot per PCC area in the North East: Cleveland, Durham, Northumbria.
	await expect(headline.locator('tr[data-measure="lots"]')).toContainText('3');
	await expect(
		page.getByTestId(`compare-map-${id}`).locator(`path[data-changed~="${DURHAM.code}"]`)
	).toHaveCount(1);
	await expect(page.getByTestId('differences')).toContainText(DURHAM.name);
	await expect(page.getByTestId(`compare-map-${reletId}`)).toBeVisible();
	await expectNoSeriousAxeViolations(page);
	const csv = await request.get(
		new URL(
			(await page.getByTestId('compare-csv').getAttribute('href')) ?? '',
			page.url()
		).toString()
	);
	expect(csv.status()).toBe(200);
	expect(await csv.text()).toMatch(/^pdu_code,category,dataset_versions,baseline: places/);

	// 4. The report: maps, tables, assumptions, provenance and the date; as a PDF.
	await page.goto(`/scenarios/${id}/report`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(
		'Durham PCC adds £400k (journey)'
	);
	await expect(page.getByTestId('report-changes')).toContainText(
		'Durham PCC (Police and Crime Commissioner) puts £400,000 a year into Accommodation in Durham PCC area'
	);
	await expect(page.getByTestId('report-maps').locator('svg')).toHaveCount(2);
	await expect(page.getByTestId('report-funding')).toContainText(DURHAM.name);
	await expect(page.getByTestId('report-assumptions')).toContainText('unitCostGbp.Accommodation');
	await expect(page.getByTestId('report-datasets')).toContainText('CRS');
	await expectNoSeriousAxeViolations(page);
	await page.emulateMedia({ media: 'print' });
	const pdf = await page.pdf({ format: 'A4', printBackground: true });
	expect(pdfPageCount(pdf)).toBeGreaterThanOrEqual(2);
	// The maps are drawn into the PDF as vector fills in the coverage bands' colours.
	const fills = pdfFillColours(pdf);
	expect(BAND_FILLS.filter((c) => fills.has(c)).length).toBeGreaterThanOrEqual(2);

	// 5. Every table downloads as CSV.
	for (const table of ['pdus', 'funding', 'assumptions', 'explanations']) {
		const res = await request.get(`/scenarios/${id}/export/${table}.csv`);
		expect(res.status(), table).toBe(200);
		expect(res.headers()['content-type']).toMatch(/^text\/csv/);
	}
});
