// The Gap finder (/gaps): form and URL state, the map and its table twin, keyboard use of the map,
// the CSV and PNG downloads, the API behind it, the no-JavaScript form, accessibility and bad links.
import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectNoSeriousAxeViolations } from './helpers/axe';
import { focused } from './helpers/keyboard';

const REGION = { code: 'N54', name: 'North East', pdus: 7 };
const PDU = { code: 'N54DUR', name: 'County Durham and Darlington' };
const VIEW = `/gaps?region=${REGION.code}&category=Accommodation&subgroup=women`;
const TITLE = 'Accommodation: women, North East';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });
const table = (page: Page) => page.getByTestId('gap-table');
const tableRows = (page: Page) => table(page).locator('tbody tr');
/** PDU areas on the map (Leaflet's zoom links are role=button too, so only the paths). */
const mapAreas = (page: Page) => page.getByTestId('map').locator('path[role="button"]');

/** A map area by its PDU name: its aria-label begins "<name>: ". */
function mapArea(page: Page, name: string): Locator {
	return mapAreas(page).and(page.locator(`[aria-label^="${name.replace(/"/g, '\\"')}: "]`));
}

/** Wait until the map has drawn its areas, which also means the page has hydrated. */
async function waitForMap(page: Page, count?: number): Promise<void> {
	if (count === undefined) await expect(mapAreas(page).first()).toBeAttached();
	else await expect(mapAreas(page)).toHaveCount(count);
}

type Row = { pdu: string; name: string; need: string; places: string; gap: string };

/** Every table row as the page shows it (rounded, with thousands separators). */
async function readTable(page: Page): Promise<Row[]> {
	return tableRows(page).evaluateAll((trs) =>
		trs.map((tr) => {
			const text = (col: string) =>
				(tr.querySelector(`[data-col="${col}"]`)?.textContent ?? '').replace(/\s+/g, ' ').trim();
			return {
				pdu: tr.getAttribute('data-pdu') ?? '',
				name: (tr.querySelector('th')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
				need: text('need'),
				places: text('places'),
				gap: text('gap')
			};
		})
	);
}

/** A full-page screenshot into screenshots/ (gitignored) for visual review, when SCREENSHOTS is set. */
async function screenshot(page: Page, name: string): Promise<void> {
	if (!process.env.SCREENSHOTS) return;
	const out = path.join(process.cwd(), 'screenshots');
	fs.mkdirSync(out, { recursive: true });
	await page.evaluate(() => document.fonts.ready);
	await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
}

const num = (shown: string) => Number(shown.replace(/,/g, ''));

function params(page: Page): Record<string, string> {
	return Object.fromEntries(new URL(page.url()).searchParams);
}

/** The map's label for a table row must carry the same rounded need, places and gap. */
async function expectMapMatchesTable(page: Page): Promise<void> {
	const rows = await readTable(page);
	expect(rows.length).toBeGreaterThan(0);
	await waitForMap(page, rows.length); // no shared districts in this region: one area per PDU
	for (const row of rows) {
		const area = mapArea(page, row.name);
		await expect(area, `one map area for ${row.name}`).toHaveCount(1);
		const label = (await area.getAttribute('aria-label')) ?? '';
		const what = `map label for ${row.name}`;
		if (row.need === 'not known') {
			// No published need share: the table says "not known" and the map says so too, with no gap.
			expect(row.gap).toBe('not known');
			expect(label, what).toBe(`${row.name}: need not known, ${row.places} places`);
		} else {
			expect(label, what).toContain(`: ${row.need} people with the need, ${row.places} places`);
			expect(label, what).toMatch(new RegExp(`, gap ${row.gap}$`));
		}
	}
}

test.describe('choosing a view', () => {
	test('the selects update the URL, title and table without a page load', async ({ page }) => {
		await page.goto('/gaps');
		await expect(h1(page)).toHaveText('Gap finder');
		await waitForMap(page);
		// A full page load would lose this marker; client-side updates keep it.
		await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

		await page.getByLabel('CRS category').selectOption({ label: 'Accommodation' });
		await page.getByLabel('People', { exact: true }).selectOption({ label: 'Women' });
		await expect(page).toHaveURL(/[?&]subgroup=women(&|$)/);
		await page.getByLabel('Probation region').selectOption({ label: REGION.name });
		await expect(page).toHaveURL(/[?&]region=N54(&|$)/);

		expect(params(page)).toMatchObject({
			category: 'Accommodation',
			subgroup: 'women',
			region: REGION.code
		});
		await expect(page.getByTestId('gap-title')).toHaveText(TITLE);
		await expect(page).toHaveTitle(`Gap finder: ${TITLE} – Landscape`);
		await expect(tableRows(page)).toHaveCount(REGION.pdus);
		await expect(table(page).locator('caption')).toHaveText(`PDUs ranked by gap (${REGION.pdus})`);
		expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
		// The selects show the view the URL describes.
		await expect(page.getByLabel('People', { exact: true })).toHaveValue('women');
		await expect(page.getByLabel('Probation region')).toHaveValue(REGION.code);
	});

	test('the table is ranked by gap, largest first', async ({ page }) => {
		await page.goto(VIEW);
		const gaps = (await readTable(page)).map((r) => num(r.gap));
		expect(gaps).toHaveLength(REGION.pdus);
		expect([...gaps].sort((a, b) => b - a)).toEqual(gaps);
	});
});

test.describe('the map and the table show the same numbers', () => {
	test('on a region view loaded from a link', async ({ page }) => {
		await page.goto(VIEW);
		await expectMapMatchesTable(page);
	});

	test('after the view changes on the page', async ({ page }) => {
		await page.goto(`/gaps?region=${REGION.code}&category=Accommodation&subgroup=all`);
		await waitForMap(page, REGION.pdus);
		await expectMapMatchesTable(page);
		await page.getByLabel('People', { exact: true }).selectOption('women');
		await expect(page.getByTestId('gap-title')).toHaveText(TITLE);
		await expectMapMatchesTable(page);
		await page.getByLabel('CRS category').selectOption('Finance, Benefits and Debt');
		await expect(page.getByTestId('gap-title')).toHaveText(
			'Finance, Benefits and Debt: women, North East'
		);
		await expectMapMatchesTable(page);
	});
});

test('changing the category or subgroup restyles the map in place instead of redrawing it', async ({
	page
}) => {
	await page.goto(`/gaps?region=${REGION.code}&category=Accommodation&subgroup=all`);
	await waitForMap(page, REGION.pdus);
	const before = await mapArea(page, PDU.name).getAttribute('aria-label');
	await page.evaluate(() =>
		document
			.querySelectorAll('[data-testid="map"] path[role="button"]')
			.forEach((el) => el.setAttribute('data-drawn-before', ''))
	);
	await page.getByLabel('People', { exact: true }).selectOption('women');
	await expect(page.getByTestId('gap-title')).toHaveText(TITLE);
	await expect(mapArea(page, PDU.name)).not.toHaveAttribute('aria-label', before ?? '');
	await page.getByLabel('CRS category').selectOption('Dependency and Recovery');
	await expect(page.getByTestId('gap-title')).toHaveText(
		'Dependency and Recovery: women, North East'
	);
	await expectMapMatchesTable(page);
	// The same SVG paths, restyled and relabelled (a rebuild would also drop keyboard focus and
	// redraw the areas over any other layer).
	await expect(page.locator('[data-testid="map"] path[data-drawn-before]')).toHaveCount(
		REGION.pdus
	);
});

test.describe('keyboard use of the map', () => {
	test('Tab reaches a PDU on the map; Enter selects it and explains its numbers', async ({
		page
	}) => {
		await page.goto(VIEW);
		await waitForMap(page, REGION.pdus);
		const row = (await readTable(page)).find((r) => r.pdu === PDU.code)!;
		expect(row).toBeDefined();

		// From the map itself, Tab moves through Leaflet's controls and then the PDU areas.
		await page.getByTestId('map').focus();
		let reached = false;
		for (let i = 0; i < 30 && !reached; i++) {
			await page.keyboard.press('Tab');
			reached = await page.evaluate(
				(name) =>
					document.activeElement?.tagName.toLowerCase() === 'path' &&
					(document.activeElement.getAttribute('aria-label') ?? '').startsWith(`${name}: `),
				PDU.name
			);
		}
		expect(reached, `Tab reached the map area for ${PDU.name}`).toBe(true);

		await page.keyboard.press('Enter');
		await expect(page).toHaveURL(new RegExp(`[?&]pdu=${PDU.code}(&|$)`));
		expect(params(page)).toMatchObject({ region: REGION.code, subgroup: 'women' });

		const explain = page.getByTestId('explain');
		await expect(explain).toBeVisible();
		await expect(explain.getByRole('heading', { level: 2 })).toHaveText(
			`How ${PDU.name}'s numbers are worked out`
		);
		// Focus moves to the explanation so a screen reader user hears it.
		await expect(explain.getByRole('heading', { level: 2 })).toBeFocused();
		// The arithmetic: caseload × need share × women's share = need; places ÷ need; need − places.
		// Whitespace collapsed as on screen.
		const need = ((await explain.getByTestId('explain-need').textContent()) ?? '')
			.replace(/\s+/g, ' ')
			.trim();
		expect(need).toMatch(
			new RegExp(
				`^[\\d,]+ people on probation \\(modelled\\) × [\\d.]+% with \\S.* × 11% women = ${row.need} people\\.$`
			)
		);
		await expect(explain).toContainText(`Reachable places a year: ${row.places}`);
		await expect(explain).toContainText(
			new RegExp(`Coverage = ${row.places} ÷ ${row.need} = [\\d.]+%\\.`)
		);
		// Each service's line reads as a sentence: "<name> (<lead provider>): £… a year ÷ n categories …".
		for (const item of await explain.locator('ol > li').allTextContents()) {
			const line = item.replace(/\s+/g, ' ').trim();
			expect(line).not.toMatch(/\S\(|\S[÷×]/);
			expect(line).toMatch(/ → [\d.,]+ places\./);
		}
		await expect(explain).toContainText(
			`Gap = ${row.need} − ${row.places}, not below 0, = ${row.gap} people.`
		);
		// The chosen PDU is marked in the table too.
		await expect(table(page).locator(`tr[data-pdu="${PDU.code}"]`)).toHaveClass(/app-row-selected/);
	});

	test('Enter on a focused PDU on the national map drills down to its region', async ({ page }) => {
		await page.goto('/gaps?category=Accommodation&subgroup=all');
		await expect(page.getByTestId('gap-title')).toHaveText(
			'Accommodation: all people on probation, England and Wales'
		);
		await waitForMap(page);
		expect(await mapAreas(page).count()).toBeGreaterThan(REGION.pdus);

		const area = mapArea(page, PDU.name);
		await area.focus();
		expect((await focused(page)).tag).toBe('path');
		await page.keyboard.press('Enter');

		await expect(page).toHaveURL(new RegExp(`[?&]region=${REGION.code}(&|$)`));
		expect(params(page)).toMatchObject({ region: REGION.code, pdu: PDU.code });
		await expect(page.getByTestId('gap-title')).toHaveText(
			'Accommodation: all people on probation, North East'
		);
		await expect(tableRows(page)).toHaveCount(REGION.pdus);
		await waitForMap(page, REGION.pdus);
		await expect(page.getByLabel('Probation region')).toHaveValue(REGION.code);
		// The chosen PDU is explained, and focus goes there rather than back to the top of the page.
		const explain = page.getByTestId('explain');
		await expect(explain.getByRole('heading', { level: 2 })).toHaveText(
			`How ${PDU.name}'s numbers are worked out`
		);
		await expect(explain.getByRole('heading', { level: 2 })).toBeFocused();
	});
});

test.describe('downloads', () => {
	test('the CSV has one row per table row with the same need, places and gap', async ({ page }) => {
		await page.goto(VIEW);
		await waitForMap(page);
		const rows = await readTable(page);
		expect(rows).toHaveLength(REGION.pdus);

		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByTestId('download-csv').click()
		]);
		expect(download.suggestedFilename()).toBe('landscape-gaps-accommodation-women-N54.csv');
		const text = fs.readFileSync(await download.path(), 'utf8');
		const csv = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
			header: true,
			skipEmptyLines: true
		});
		expect(csv.errors).toEqual([]);
		expect(csv.data).toHaveLength(rows.length);
		// Same order as the table (ranked by gap), and the same rounded figures.
		expect(csv.data.map((r) => r.pdu_code)).toEqual(rows.map((r) => r.pdu));
		for (const row of rows) {
			const line = csv.data.find((r) => r.pdu_code === row.pdu)!;
			expect(line, row.pdu).toBeDefined();
			expect(line.pdu, row.pdu).toBe(row.name);
			expect(line.region_code).toBe(REGION.code);
			expect(line.category).toBe('Accommodation');
			expect(line.people).toBe('Women');
			expect(line.provenance).toBe('modelled');
			expect(Number(line.need_count), `${row.pdu} need`).toBe(num(row.need));
			expect(Number(line.places), `${row.pdu} places`).toBe(num(row.places));
			expect(Number(line.gap), `${row.pdu} gap`).toBe(num(row.gap));
		}
	});

	test('the map PNG is a PNG', async ({ page }) => {
		await page.goto(VIEW);
		await waitForMap(page, REGION.pdus);
		const button = page.getByTestId('download-png');
		await expect(button).toBeEnabled();
		const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
		expect(download.suggestedFilename()).toMatch(/^landscape-gaps-.*\.png$/);
		const bytes = fs.readFileSync(await download.path());
		expect([...bytes.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
		expect(bytes.length).toBeGreaterThan(10_000);
		// Width and height from the IHDR chunk: the 1000 × 1190 drawing.
		expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1000, 1190]);
	});
});

test('the API gives the same totals as the page', async ({ page, request }) => {
	const response = await request.get(
		`/api/v1/gaps?region=${REGION.code}&category=Accommodation&subgroup=women`
	);
	expect(response.status()).toBe(200);
	const body = (await response.json()) as {
		totals: { needCount: number; places: number; gap: number };
		pdus: { pdu: string; needCount: number; places: number; gap: number }[];
		view: string;
	};
	expect(body.pdus).toHaveLength(REGION.pdus);

	await page.goto(body.view);
	await expect(page.getByTestId('gap-title')).toHaveText(TITLE);
	expect(num((await page.getByTestId('total-need').textContent()) ?? '')).toBe(
		Math.round(body.totals.needCount)
	);
	expect(num((await page.getByTestId('total-places').textContent()) ?? '')).toBe(
		Math.round(body.totals.places)
	);
	const rows = await readTable(page);
	for (const p of body.pdus) {
		const row = rows.find((r) => r.pdu === p.pdu)!;
		expect(row, p.pdu).toBeDefined();
		expect([num(row.need), num(row.places), num(row.gap)], p.pdu).toEqual([
			Math.round(p.needCount),
			Math.round(p.places),
			Math.round(p.gap)
		]);
	}
});

test('without JavaScript the form submits and shows the same table', async ({ browser, page }) => {
	await page.goto(VIEW);
	await waitForMap(page);
	const expected = await readTable(page);
	expect(expected).toHaveLength(REGION.pdus);

	const context = await browser.newContext({ javaScriptEnabled: false });
	try {
		const plain = await context.newPage();
		await plain.goto('/gaps');
		await expect(h1(plain)).toHaveText('Gap finder');
		await plain.getByLabel('CRS category').selectOption({ label: 'Accommodation' });
		await plain.getByLabel('People', { exact: true }).selectOption({ label: 'Women' });
		await plain.getByLabel('Probation region').selectOption({ label: REGION.name });
		await plain.getByRole('button', { name: 'Show gaps' }).click();
		await expect(plain).toHaveURL(/\/gaps\?/);
		expect(params(plain)).toMatchObject({
			category: 'Accommodation',
			subgroup: 'women',
			region: REGION.code
		});
		await expect(plain.getByTestId('gap-title')).toHaveText(TITLE);
		await expect(tableRows(plain)).toHaveCount(REGION.pdus);
		expect(await readTable(plain)).toEqual(expected);
		await expect(plain.getByTestId('total-need')).toHaveText(
			(await page.getByTestId('total-need').textContent()) ?? ''
		);
		await expect(plain.getByTestId('download-csv')).toHaveAttribute(
			'href',
			/^\/gaps\/export\.csv\?.*region=N54/
		);
	} finally {
		await context.close();
	}
});

test.describe('accessibility (axe: WCAG 2.1 A/AA and best practice; serious and critical fail)', () => {
	for (const width of [1280, 390]) {
		test(`region view at ${width}px`, async ({ page }) => {
			await page.setViewportSize({ width, height: 900 });
			await page.goto(VIEW);
			await expect(page.getByTestId('gap-title')).toHaveText(TITLE);
			await waitForMap(page, REGION.pdus);
			await screenshot(page, `gaps-N54-women-${width}`);

			await expectNoSeriousAxeViolations(page);
			// Only the table scrolls sideways, never the whole page (WCAG 1.4.10 reflow).
			const overflow = await page.evaluate(
				() => document.documentElement.scrollWidth - window.innerWidth
			);
			expect(overflow, `/gaps at ${width}px is ${overflow}px wider than the viewport`).toBe(0);
		});
	}

	test('region view with a PDU explained', async ({ page }) => {
		await page.goto(`${VIEW}&pdu=${PDU.code}`);
		await expect(page.getByTestId('explain')).toBeVisible();
		await waitForMap(page, REGION.pdus);
		await screenshot(page, `gaps-N54-women-${PDU.code}-1280`);
		await expectNoSeriousAxeViolations(page);
	});
});

test('a bad link shows an error summary naming the parameter', async ({ page }) => {
	await page.goto('/gaps?category=Housing');
	await expect(h1(page)).toHaveText('Gap finder');
	const summary = page.locator('.govuk-error-summary');
	await expect(summary).toBeVisible();
	await expect(summary.getByRole('heading')).toHaveText('There is a problem with the link');
	const link = summary.getByRole('link');
	await expect(link).toHaveCount(1);
	await expect(link).toHaveText(
		/^category: 'Housing' is not a CRS category\. Valid: Accommodation;/
	);
	await expect(link).toHaveAttribute('href', '#category');
	// The link leads to the field to fix.
	await expect(page.locator('#category')).toHaveCount(1);
	await expect(page.getByRole('alert')).toContainText('category');
});
