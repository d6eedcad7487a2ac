// The Scenario studio (/scenarios/new, /scenarios/{id}): create a co-commissioning scenario, see the
// gap shrink in the table and on the map as the money is typed, explain a number, keep a draft
// across a reload, save, meet a conflicting save from a second browser and save a copy, look at an
// older version and restore it, the no-JavaScript create form, and accessibility.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectNoSeriousAxeViolations } from './helpers/axe';

const PDU = { code: 'N54DUR', name: 'County Durham and Darlington' };

const gapCell = (page: Page, col: 'baseline-gap' | 'scenario-gap' | 'change') =>
	page.locator(`[data-testid="pdu-gap-table"] tr[data-pdu="${PDU.code}"] [data-col="${col}"]`);
/** The PDU's area on the scenario map: its aria-label begins "<name>: ". */
const scenarioArea = (page: Page) =>
	page.locator(`[data-testid="map-scenario"] path[role="button"][aria-label^="${PDU.name}: "]`);
/** A cell's text: the number shown, then what a screen reader also hears (": explain …"). */
const shows = (value: string) => new RegExp(`^\\s*${value}: explain`);

/** A gap as shown (the button's text starts with the number; the rest is for screen readers). */
async function number(page: Page, col: 'baseline-gap' | 'scenario-gap'): Promise<number> {
	const text = await gapCell(page, col).locator('button').innerText();
	return Number((/^[\d,]+/.exec(text)?.[0] ?? 'NaN').replace(/,/g, ''));
}

async function screenshot(page: Page, name: string): Promise<void> {
	if (!process.env.SCREENSHOTS) return;
	const out = path.join(process.cwd(), 'screenshots');
	fs.mkdirSync(out, { recursive: true });
	await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
}

/** Create a North East Accommodation co-commissioning scenario; returns its studio URL path. */
async function createScenario(page: Page, name: string): Promise<string> {
	await page.goto('/scenarios/new');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('New scenario');
	await page.getByLabel('Name').fill(name);
	await page.getByLabel('Co-commissioning').check();
	await page.getByLabel('Probation region').selectOption({ label: 'North East' });
	await page.getByLabel('CRS category').selectOption('Accommodation');
	await page.getByRole('button', { name: 'Create scenario' }).click();
	await expect(page).toHaveURL(/\/scenarios\/[a-z2-7]{12}(\?|$)/);
	await expect(scenarioArea(page)).toHaveCount(1);
	return new URL(page.url()).pathname;
}

/** Durham PCC (PCC area "durham") adds £400,000 a year to Accommodation, in partner 1. */
async function fundDurham(page: Page, annual = '400,000'): Promise<void> {
	const partner = page.getByTestId('partner-1');
	await partner.getByLabel('Partner 1: name').fill('Durham PCC');
	await partner
		.getByLabel('Kind of partner')
		.selectOption({ label: 'Police and Crime Commissioner' });
	await partner.getByLabel('A PCC area').check();
	await partner.getByLabel('PCC area', { exact: true }).selectOption({ label: 'Durham' });
	await partner.getByLabel('£ a year the partner puts in').fill(annual);
}

async function openStudio(browser: Browser, url: string): Promise<Page> {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto(url);
	await expect(scenarioArea(page)).toHaveCount(1);
	return page;
}

test('co-commissioning: the gap shrinks in the table and on the map as the £ is typed; explain; save; conflict; copy', async ({
	page,
	browser
}) => {
	test.setTimeout(90_000);
	const studio = await createScenario(page, 'Durham accommodation (test)');
	await expect(page.getByTestId('scenario-name')).toHaveText('Durham accommodation (test)');
	// The view opens on the first change's category and region.
	await expect(page.locator('#view-category')).toHaveValue('Accommodation');
	await expect(page.locator('#view-region')).toHaveValue('N54');

	const baselineGap = await number(page, 'baseline-gap');
	expect(baselineGap).toBeGreaterThan(400);
	expect(await number(page, 'scenario-gap')).toBe(baselineGap);
	const fillBefore = await scenarioArea(page).getAttribute('fill');
	const baselineFill = await page
		.locator(`[data-testid="map-baseline"] path[aria-label^="${PDU.name}: "]`)
		.getAttribute('fill');
	expect(fillBefore).toBe(baselineFill);
	await page.evaluate(() =>
		document
			.querySelectorAll('[data-testid="map-scenario"] path[role="button"]')
			.forEach((el) => el.setAttribute('data-drawn-before', ''))
	);

	await fundDurham(page);
	// £400,000 ÷ £1,000 a place (the default unit cost) = 400 places, all in the only PDU of the
	// Durham PCC area, whose gap is bigger than that.
	await expect(gapCell(page, 'change')).toHaveText(shows('−400'));
	expect(await number(page, 'scenario-gap')).toBe(baselineGap - 400);
	await expect(
		page.locator(`[data-testid="pdu-gap-table"] tr[data-pdu="${PDU.code}"]`)
	).toHaveAttribute('data-changed', 'true');
	await expect(scenarioArea(page)).not.toHaveAttribute('fill', fillBefore ?? '');
	await expect(scenarioArea(page)).toHaveAttribute(
		'aria-label',
		new RegExp(`gap ${(baselineGap - 400).toLocaleString('en-GB')}, `)
	);
	// Restyled in place, not rebuilt.
	await expect(page.locator('[data-testid="map-scenario"] path[data-drawn-before]')).toHaveCount(
		await page.locator('[data-testid="map-scenario"] path[role="button"]').count()
	);
	await expect(page.getByTestId('funding-table')).toContainText('Durham PCC');
	await expect(
		page.locator('[data-testid="headline"]').first().locator('[data-measure="gap-closed"]')
	).toContainText('400');
	await expect(page.getByTestId('save-status')).toContainText('Not saved');
	await screenshot(page, 'scenario-studio-edited');

	// Explain: the formula, its inputs linked to their own explanations, assumptions, datasets.
	// By keyboard: Enter on the number opens it, Escape closes it and focus goes back.
	const explainGap = gapCell(page, 'scenario-gap').getByRole('button');
	await explainGap.focus();
	await page.keyboard.press('Enter');
	const dialog = page.getByTestId('explain-dialog');
	await expect(dialog).toBeVisible();
	await expect(dialog.getByRole('heading', { level: 2 })).toHaveText(
		`Scenario gap, ${PDU.name}, Accommodation`
	);
	await expect(dialog.getByTestId('explain-formula')).toContainText('need − places');
	await expect(dialog).toContainText('unitCostGbp.Accommodation');
	await expect(dialog.getByTestId('explain-datasets')).toContainText('crs-awards-2021 v1');
	await dialog.getByRole('button', { name: /^How\s+it is worked out: places$/ }).click();
	await expect(dialog.getByRole('heading', { level: 2 })).toHaveText(
		`Scenario places a year, ${PDU.name}, Accommodation`
	);
	await expect(dialog).toContainText('Co-commissioned places');
	await dialog.getByRole('button', { name: 'Back' }).click();
	await expect(dialog.getByRole('heading', { level: 2 })).toContainText('Scenario gap');
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(explainGap).toBeFocused();

	// The draft lives in the address: a reload loses nothing.
	await expect(page).toHaveURL(/[?&]draft=/);
	await page.reload();
	await expect(gapCell(page, 'change')).toHaveText(shows('−400'));
	await expect(page.getByTestId('partner-1').getByLabel('Partner 1: name')).toHaveValue(
		'Durham PCC'
	);

	await expectNoSeriousAxeViolations(page);

	await page.getByRole('button', { name: 'Save as version 2' }).click();
	await expect(page).toHaveURL(new RegExp(`${studio}\\?saved=2`));
	await expect(page.getByTestId('saved-banner')).toContainText('Saved as version 2');
	await expect(page.getByTestId('save-status')).toContainText('This is version 2');
	await expect(page).not.toHaveURL(/draft=/);
	await expect(gapCell(page, 'change')).toHaveText(shows('−400'));

	// Someone else opens the same scenario and saves first.
	const other = await openStudio(browser, studio);
	await expect(gapCell(other, 'change')).toHaveText(shows('−400'));
	await other.getByTestId('partner-1').getByLabel('£ a year the partner puts in').fill('300,000');
	await expect(gapCell(other, 'change')).toHaveText(shows('−300'));
	await other.getByRole('button', { name: 'Save as version 3' }).click();
	await expect(other.getByTestId('saved-banner')).toContainText('Saved as version 3');

	// Then this page, still on version 2, saves: refused, with who saved what and what differs.
	await page.getByTestId('partner-1').getByLabel('Partner 1: name').fill('Durham PCC and partners');
	await page.getByRole('button', { name: 'Save as version 3' }).click();
	const conflict = page.getByTestId('conflict');
	await expect(conflict).toBeVisible();
	await expect(page.getByTestId('saved-banner')).toHaveCount(0);
	await expect(conflict).toContainText('local administrator saved version 3');
	await expect(conflict).toContainText('after you opened version 2');
	await expect(conflict.getByTestId('conflict-differences')).toContainText(
		'partner 1 (Durham PCC and partners): name, £ a year'
	);
	await expect(conflict.getByRole('link', { name: 'Reload their version' })).toHaveAttribute(
		'href',
		studio
	);
	await screenshot(page, 'scenario-studio-conflict');
	await expectNoSeriousAxeViolations(page);

	await conflict.getByRole('button', { name: 'Save mine as a copy' }).click();
	await expect(page).toHaveURL(/\/scenarios\/[a-z2-7]{12}\?copied=/);
	expect(new URL(page.url()).pathname).not.toBe(studio);
	await expect(page.getByTestId('saved-banner')).toContainText('Saved as a new scenario');
	await expect(page.getByTestId('scenario-name')).toHaveText('Durham accommodation (test) (copy)');
	await expect(page.getByTestId('partner-1').getByLabel('Partner 1: name')).toHaveValue(
		'Durham PCC and partners'
	);
	await expect(gapCell(page, 'change')).toHaveText(shows('−400'));

	// Their version is untouched.
	await other.reload();
	await expect(gapCell(other, 'change')).toHaveText(shows('−300'));
	await other.context().close();
});

test('an older version is shown read-only and can be restored', async ({ page }) => {
	test.setTimeout(60_000);
	const studio = await createScenario(page, 'Version history (test)');
	await fundDurham(page);
	await expect(gapCell(page, 'change')).toHaveText(shows('−400'));
	await page.getByRole('button', { name: 'Save as version 2' }).click();
	await expect(page.getByTestId('saved-banner')).toContainText('Saved as version 2');

	const history = page.getByTestId('version-history');
	await expect(history.locator('tbody tr')).toHaveCount(2);
	await history.getByRole('link', { name: 'View version 1' }).click();
	await expect(page).toHaveURL(new RegExp(`${studio}\\?version=1`));
	await expect(page.getByTestId('old-version')).toContainText('You are looking at version 1');
	await expect(page.getByTestId('partner-1').getByLabel('Partner 1: name')).toBeDisabled();
	await expect(page.getByTestId('partner-1').getByLabel('Partner 1: name')).toHaveValue(
		'Partner 1'
	);
	await expect(gapCell(page, 'change')).toHaveText(shows('0'));
	await screenshot(page, 'scenario-studio-old-version');
	await expectNoSeriousAxeViolations(page);

	await page.getByRole('button', { name: 'Restore this version' }).click();
	await expect(page).toHaveURL(new RegExp(`${studio}\\?restored=1`));
	await expect(page.getByTestId('saved-banner')).toContainText('Version 1 restored as version 3');
	await expect(gapCell(page, 'change')).toHaveText(shows('0'));
	await expect(history.locator('tbody tr')).toHaveCount(3);
	await expect(history).toContainText('Restored from version 1');
});

test('the new-scenario form names what is missing', async ({ page }) => {
	await page.goto('/scenarios/new');
	await page.getByRole('button', { name: 'Create scenario' }).click();
	const summary = page.locator('.govuk-error-summary');
	await expect(summary).toContainText('Enter a name for the scenario');
	await expect(summary).toContainText('Choose a probation region');
	await expect(summary).toContainText('Choose a CRS category');
	await expect(page).toHaveTitle(/^Error: /);
	await summary.getByRole('link', { name: 'Enter a name for the scenario' }).click();
	await expect(page.getByLabel('Name')).toBeFocused();
	await expectNoSeriousAxeViolations(page);
});

test('the new-scenario form works without JavaScript', async ({ browser }) => {
	const context = await browser.newContext({ javaScriptEnabled: false });
	const page = await context.newPage();
	await page.goto('/scenarios/new');
	await page.getByLabel('Grants versus contracts').check();
	await page.getByRole('button', { name: 'Create scenario' }).click();
	await expect(page.locator('.govuk-error-summary')).toContainText('Enter a name for the scenario');
	await expect(page.getByLabel('Grants versus contracts')).toBeChecked();

	await page.getByLabel('Name').fill('Re-let without JavaScript (test)');
	await page.getByLabel('Probation region').selectOption({ label: 'North East' });
	await page.getByLabel('CRS category').selectOption('Accommodation');
	await page.getByRole('button', { name: 'Create scenario' }).click();
	await expect(page).toHaveURL(/\/scenarios\/[a-z2-7]{12}$/);
	// The server works the results out too: the re-let's lots are listed.
	await expect(page.getByTestId('scenario-name')).toHaveText('Re-let without JavaScript (test)');
	await expect(page.getByTestId('lots-table')).toBeVisible();
	await context.close();
});
