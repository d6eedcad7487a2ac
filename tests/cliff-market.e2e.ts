// Contract cliff and market shape pages, in the built app on a freshly seeded database.
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectNoSeriousAxeViolations } from './helpers/axe';

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

/** The text of every cell (th and td) in each body row of a table. */
async function tableCells(table: Locator): Promise<string[][]> {
	return table
		.locator('tbody tr')
		.evaluateAll((rows) =>
			rows.map((row) =>
				[...row.querySelectorAll('th, td')].map((c) =>
					(c.textContent ?? '').replace(/\s+/g, ' ').trim()
				)
			)
		);
}

/** "£1,234,567" → 1234567; "1,235" → 1235; "62.3%" → 62.3; "–" → null. */
function numberIn(text: string): number | null {
	const clean = text.replace(/[£,%\s]/g, '');
	return clean === '–' || clean === '' ? null : Number(clean);
}

test.describe('contract cliff', () => {
	test('renders for England and Wales with sentences, a table by date and by region', async ({
		page
	}) => {
		await page.goto('/cliff');
		await expect(h1(page)).toHaveText('Contract cliff');
		await expect(page.getByTestId('cliff-title')).toHaveText('All categories, England and Wales');
		const statements = page.getByTestId('cliff-statements').locator('li');
		await expect(statements).toHaveCount(6);
		await expect(statements.first()).toContainText(/^By \d{1,2} \w+ \d{4}, /);
		await expect(statements.first()).toContainText('Refer and Monitor still takes referrals');
		await expect(page.getByTestId('cliff-by-date').locator('tbody tr')).toHaveCount(6);
		await expect(page.getByTestId('cliff-by-region').locator('tbody tr')).toHaveCount(11);
		await expect(page.getByTestId('cliff-current-gbp')).toHaveText(/^£\d[\d,]*$/);
		await expect(page.getByText('How this is worked out').first()).toBeVisible();
		await expect(page.locator('main')).not.toContainText(/offender/i);
		await expectNoSeriousAxeViolations(page);
	});

	test('the form changes the URL and the numbers', async ({ page }) => {
		await page.goto('/cliff');
		const national = await page.getByTestId('cliff-current-gbp').textContent();
		await page.getByLabel('Probation region').selectOption({ label: 'North East' });
		await page.getByLabel('CRS category').selectOption('Accommodation');
		await page.getByRole('button', { name: 'Show the cliff' }).click();
		await expect(page).toHaveURL(/\/cliff\?region=N54&category=Accommodation$/);
		await expect(page.getByTestId('cliff-title')).toHaveText('Accommodation, North East');
		await expect(page.getByTestId('cliff-current-gbp')).not.toHaveText(national ?? '');
		await expect(page.getByTestId('cliff-by-pdu').locator('tbody tr')).toHaveCount(7);
		await expect(page.getByTestId('cliff-statements').locator('li').first()).toContainText(
			'accommodation places in the North East'
		);
		await expect(page.getByLabel('Probation region')).toHaveValue('N54');
		await expectNoSeriousAxeViolations(page);
	});

	test('the form works without JavaScript', async ({ browser }) => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto('/cliff');
		await page.getByLabel('Probation region').selectOption('N03');
		await page.getByRole('button', { name: 'Show the cliff' }).click();
		await expect(page).toHaveURL(/\/cliff\?region=N03&category=$/);
		await expect(page.getByTestId('cliff-title')).toHaveText('All categories, Wales');
		await context.close();
	});

	test('the CSV download has the same numbers as the table', async ({ page }) => {
		await page.goto('/cliff?region=N54&category=Accommodation');
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByTestId('download-csv').click()
		]);
		expect(download.suggestedFilename()).toMatch(
			/^landscape-contract-cliff-N54-accommodation-\d{4}-\d{2}-\d{2}\.csv$/
		);
		const csv = fs.readFileSync(await download.path(), 'utf8');
		const rows = Papa.parse<Record<string, string>>(csv, {
			header: true,
			skipEmptyLines: true
		}).data;
		const selection = rows.filter((r) => r.level === 'selection');
		const table = page.getByTestId('cliff-by-date');
		const dates = await table
			.locator('tbody tr')
			.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-date')));
		const cells = await tableCells(table);
		expect(selection.map((r) => r.date)).toEqual(dates);
		const columns = [
			'ending_gbp_a_year',
			'ending_places_a_year',
			'ending_percent_of_current_places',
			'no_successor_gbp_a_year',
			'no_successor_places_a_year',
			'no_successor_percent_of_current_places',
			'past_term_still_taking_referrals_gbp_a_year',
			'past_term_still_taking_referrals_percent_of_current_places'
		];
		cells.forEach((row, i) => {
			const csvRow = selection[i]!;
			expect(csvRow.region).toBe('North East');
			expect(csvRow.category).toBe('Accommodation');
			columns.forEach((column, j) => {
				const csvValue = csvRow[column] === '' ? null : Number(csvRow[column]);
				expect(numberIn(row[j + 1]!), `${dates[i]} ${column}`).toBe(csvValue);
			});
		});
		const current = numberIn((await page.getByTestId('cliff-current-gbp').textContent()) ?? '');
		expect(Number(selection[0]!.current_gbp_a_year)).toBe(current);
		const pduRows = rows.filter((r) => r.level === 'pdu');
		expect(new Set(pduRows.map((r) => r.pdu_code)).size).toBe(7);
	});

	test('a bad region in the link is explained, with the nearest region', async ({ page }) => {
		await page.goto('/cliff?region=N45');
		await expect(page.getByTestId('error-summary')).toContainText(
			"'N45' is not a probation region. Did you mean 'N54' (North East)?"
		);
		await expect(page.getByTestId('cliff-by-date')).toHaveCount(0);
	});
});

test.describe('market shape', () => {
	test('renders per region, with income shares unknown rather than zero', async ({ page }) => {
		await page.goto('/market');
		await expect(h1(page)).toHaveText('Market shape');
		await expect(page.getByTestId('market-title')).toHaveText('All categories, England and Wales');
		const table = page.getByTestId('market-table');
		await expect(table.locator('tbody tr')).toHaveCount(12);
		// Income is recorded for no organisation: unknown, never 0%. Greater Manchester has no award value.
		const incomes = await table.locator('td[data-measure="under-1m"]').allTextContents();
		const keys = await table
			.locator('tbody tr')
			.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')));
		incomes.forEach((text, i) =>
			expect(text.trim(), keys[i] ?? '').toMatch(keys[i] === 'N50' ? /^–/ : /^unknown$/)
		);
		await expect(page.getByTestId('market-under-1m')).toContainText('unknown');
		await expect(page.getByTestId('market-under-100k')).toContainText('unknown');
		await expect(page.getByTestId('market-vcse')).toContainText(/^\s*\d+(\.\d)?%/);
		await expect(page.getByTestId('market-hhi')).toContainText(/\d/);
		await expect(page.getByTestId('leads-table').locator('tbody tr').first()).toContainText('%');
		await expect(page.locator('main')).not.toContainText(/offender/i);
		await expectNoSeriousAxeViolations(page);
	});

	test('the form changes the URL and shows the chosen region by category', async ({ page }) => {
		await page.goto('/market');
		const nationalHhi = await page.getByTestId('market-hhi').textContent();
		await page.getByLabel('Probation region').selectOption({ label: 'Wales' });
		await page.getByRole('button', { name: 'Show the market' }).click();
		await expect(page).toHaveURL(/\/market\?region=N03&category=$/);
		await expect(page.getByTestId('market-title')).toHaveText('All categories, Wales');
		await expect(page.getByTestId('market-table').locator('tbody tr')).toHaveCount(8);
		await expect(page.getByTestId('market-hhi')).not.toHaveText(nationalHhi ?? '');
		await page
			.getByTestId('market-table')
			.getByRole('link', { name: 'Accommodation', exact: true })
			.click();
		await expect(page).toHaveURL(/\/market\?region=N03&category=Accommodation$/);
		await expect(page.getByTestId('market-title')).toHaveText('Accommodation, Wales');
		await expectNoSeriousAxeViolations(page);
	});
});

test('the API endpoints answer JSON, and a bad parameter is a 400 with { error, detail }', async ({
	request
}) => {
	const cliff = await request.get('/api/v1/cliff?region=N54&category=Accommodation');
	expect(cliff.status()).toBe(200);
	const body = await cliff.json();
	expect(body.filters).toMatchObject({ region: 'N54', category: 'Accommodation' });
	expect(body.provenance.datasetVersions).toEqual(expect.any(Object));
	const market = await request.get('/api/v1/market?region=N45');
	expect(market.status()).toBe(400);
	expect(await market.json()).toEqual({
		error: 'Bad request',
		detail: expect.stringContaining("Did you mean 'N54'")
	});
});

// Full-page screenshots for review, off by default: SCREENSHOTS=1 npx playwright test tests/cliff-market.e2e.ts
test.describe('screenshots', () => {
	test.skip(!process.env.SCREENSHOTS, 'set SCREENSHOTS=1 to take screenshots');
	const pages = [
		{ name: 'cliff', url: '/cliff' },
		{ name: 'cliff-N54-accommodation', url: '/cliff?region=N54&category=Accommodation' },
		{ name: 'market', url: '/market' },
		{ name: 'market-N03', url: '/market?region=N03' }
	];
	for (const width of [1280, 390])
		for (const { name, url } of pages)
			test(`${name} at ${width}px`, async ({ page }) => {
				await page.setViewportSize({ width, height: 900 });
				await page.goto(url);
				await expect(h1(page)).toBeVisible();
				const file = (suffix: string) =>
					path.join(process.cwd(), 'screenshots', `${name}-${width}${suffix}.png`);
				fs.mkdirSync(path.dirname(file('')), { recursive: true });
				await page.screenshot({ path: file(''), fullPage: true });
				// A full page of a narrow screen is too tall to read: also the first two screens.
				if (width < 600) {
					await page.screenshot({ path: file('-screen1') });
					await page.mouse.wheel(0, 900);
					await page.screenshot({ path: file('-screen2') });
				}
			});
});
