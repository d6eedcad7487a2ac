// Browser journeys through the built app on a freshly seeded database (see playwright.config.ts).
import { expect, test, type Page } from '@playwright/test';
import { expectNoSeriousAxeViolations } from './helpers/axe';
import { focused, tabToLink } from './helpers/keyboard';

const REGION = { code: 'N54', name: 'North East', pdus: 7 };
const PDU = { code: 'N54DUR', name: 'County Durham and Darlington' };
const AWARD = 'CRS2021-A-ACC-1';

const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

/** The first prime-provider link in the PDU page's services table (the only provider links in it). */
const firstPrimeLink = (page: Page) =>
	page.getByTestId('services-table').locator('tbody a[href^="/providers/"]').first();

/** Wait until a navigation has finished and SvelteKit has reset focus to the top of the document. */
async function expectFocusReset(page: Page): Promise<void> {
	await expect.poll(async () => (await focused(page)).tag).toBe('body');
}

test.describe('mouse journey: overview → region → PDU → provider', () => {
	test('follows links from the national overview down to a provider', async ({ page }) => {
		await page.goto('/');
		await expect(h1(page)).toHaveText('Probation regions');

		const regions = page.getByTestId('regions-table');
		await expect(regions.locator('tbody tr')).toHaveCount(12);
		await expect(page.getByTestId('award-total')).toHaveText('£196,074,277');
		await expect(page.getByTestId('national-caseload')).toHaveText('240,362');
		const totals = regions.locator('tfoot tr');
		await expect(totals).toContainText('England and Wales');
		await expect(totals).toContainText('£196,074,277');
		await expect(totals).toContainText('240,362');

		await regions.getByRole('link', { name: REGION.name, exact: true }).click();
		await expect(page).toHaveURL(`/regions/${REGION.code}`);
		await expect(h1(page)).toHaveText(REGION.name);
		await expect(page.getByTestId('pdus-table').locator('tbody tr')).toHaveCount(REGION.pdus);
		await expect(page.getByTestId('region-caseload')).toContainText('modelled');
		await expect(page.getByTestId('region-caseload')).toContainText(/\d[\d,]*/);

		await page.getByTestId('pdus-table').getByRole('link', { name: PDU.name, exact: true }).click();
		await expect(page).toHaveURL(`/pdus/${PDU.code}`);
		await expect(h1(page)).toHaveText(PDU.name);
		const caseload = page.getByTestId('pdu-caseload');
		await expect(caseload).toContainText(/^\s*\d[\d,]*\s+modelled/);
		await expect(caseload.locator('.govuk-tag')).toHaveText(/^modelled: /);

		const needs = page.getByTestId('needs-table');
		await expect(
			needs
				.getByRole('row', { name: /^Accommodation\b/ })
				.getByRole('cell')
				.first()
		).toHaveText(/^\d[\d,]*$/);
		await expect(
			needs
				.getByRole('row', { name: /^Education, Training and Employment\b/ })
				.getByRole('cell')
				.first()
		).toHaveText('No published figure');

		const services = page.getByTestId('services-table');
		expect(await services.locator('tbody tr').count()).toBeGreaterThan(0);
		await expect(services.locator('tbody tr').first().getByRole('link').first()).toHaveAttribute(
			'href',
			/^\/contracts\//
		);

		const prime = firstPrimeLink(page);
		const primeName = ((await prime.textContent()) ?? '').trim();
		expect(primeName).not.toBe('');
		await prime.click();
		await expect(page).toHaveURL(/\/providers\/\d+$/);
		await expect(h1(page)).toHaveText(primeName);
		await expect(
			page.getByRole('heading', { level: 2, name: /^Contracts it leads \(\d+\)$/ })
		).toBeVisible();
		const led = page.getByTestId('led-table');
		expect(await led.locator('tbody tr').count()).toBeGreaterThan(0);
		await expect(led.locator('tbody tr').first().getByRole('link').first()).toHaveAttribute(
			'href',
			/^\/contracts\//
		);
	});
});

test.describe('keyboard only', () => {
	test('the first Tab focuses "Skip to main content" and Enter moves focus to main', async ({
		page
	}) => {
		await page.goto('/');
		// GOV.UK Frontend's skip link script (initialised on mount) is what moves focus.
		await expect(page.locator('a.govuk-skip-link[data-govuk-skip-link-init]')).toBeAttached();

		await page.keyboard.press('Tab');
		expect(await focused(page)).toMatchObject({
			tag: 'a',
			text: 'Skip to main content',
			href: '#main-content'
		});
		await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeVisible();

		await page.keyboard.press('Enter');
		await expect(page.getByRole('main')).toBeFocused();
		expect(await focused(page)).toMatchObject({ tag: 'main' });

		// The next Tab stays inside main (the first link, or a scrollable table region), not back in the header.
		await page.keyboard.press('Tab');
		const next = await focused(page);
		expect(
			await page.evaluate(() => document.querySelector('main')?.contains(document.activeElement))
		).toBe(true);
		expect(['a', 'div']).toContain(next.tag);
	});

	test('overview → region → PDU → provider by Tab and Enter alone', async ({ page }) => {
		await page.goto('/');
		await expect(h1(page)).toHaveText('Probation regions');

		await tabToLink(page, REGION.name, { href: /^\/regions\// });
		await page.keyboard.press('Enter');
		await expect(page).toHaveURL(`/regions/${REGION.code}`);
		await expect(h1(page)).toHaveText(REGION.name);
		await expectFocusReset(page);

		await tabToLink(page, PDU.name, { href: /^\/pdus\// });
		await page.keyboard.press('Enter');
		await expect(page).toHaveURL(`/pdus/${PDU.code}`);
		await expect(h1(page)).toHaveText(PDU.name);
		await expectFocusReset(page);

		const primeName = ((await firstPrimeLink(page).textContent()) ?? '').trim();
		expect(primeName).not.toBe('');
		const link = await tabToLink(page, primeName, { href: /^\/providers\/\d+$/ });
		await page.keyboard.press('Enter');
		await expect(page).toHaveURL(link.href ?? /\/providers\//);
		await expect(h1(page)).toHaveText(primeName);
		await expectFocusReset(page);

		// Breadcrumbs are reachable by keyboard on the way back.
		await tabToLink(page, 'Providers', { href: /^\/providers$/, maxPresses: 20 });
		await page.keyboard.press('Enter');
		await expect(page).toHaveURL('/providers');
		await expect(h1(page)).toHaveText('Providers');
	});
});

test.describe('accessibility (axe: WCAG 2.1 A/AA and best practice; serious and critical fail)', () => {
	const pages: { name: string; url: string | ((page: Page) => Promise<string>) }[] = [
		{ name: 'overview', url: '/' },
		{ name: 'region', url: `/regions/${REGION.code}` },
		{ name: 'PDU', url: `/pdus/${PDU.code}` },
		{ name: 'providers', url: '/providers' },
		{
			name: 'provider',
			url: async (page) => {
				// Organisation ids are assigned at seeding, so find one from the contract it leads.
				await page.goto(`/contracts/${AWARD}`);
				const href = await page
					.getByTestId('contract-summary')
					.locator('a[href^="/providers/"]')
					.first()
					.getAttribute('href');
				expect(href).toMatch(/^\/providers\/\d+$/);
				return href ?? '';
			}
		},
		{ name: 'contract', url: `/contracts/${AWARD}` },
		{ name: 'data sources', url: '/data-sources' },
		{ name: 'not found', url: '/pdus/NOPE' }
	];

	for (const { name, url } of pages) {
		test(`${name} page`, async ({ page }) => {
			const target = typeof url === 'string' ? url : await url(page);
			await page.goto(target);
			await expect(h1(page)).toBeVisible();
			await expectNoSeriousAxeViolations(page);
		});
	}

	// On a phone the wide tables scroll sideways, which brings in axe's scrollable-region-focusable rule.
	const narrow: { name: string; url: string }[] = [
		{ name: 'overview', url: '/' },
		{ name: 'region', url: `/regions/${REGION.code}` },
		{ name: 'PDU', url: `/pdus/${PDU.code}` },
		{ name: 'providers', url: '/providers' },
		{ name: 'data sources', url: '/data-sources' }
	];
	for (const { name, url } of narrow) {
		test(`${name} page at 390px`, async ({ page }) => {
			await page.setViewportSize({ width: 390, height: 844 });
			await page.goto(url);
			await expect(h1(page)).toBeVisible();
			await expectNoSeriousAxeViolations(page);
		});
	}
});

test('data sources lists every dataset with its provenance and the caseload method', async ({
	page
}) => {
	await page.goto('/data-sources');
	await expect(h1(page)).toHaveText('Data sources');

	const datasets = page.getByTestId('datasets-table');
	const rows = datasets.locator('tbody tr');
	const caption = await datasets.locator('caption').textContent();
	const declared = Number(/\((\d+)\)/.exec(caption ?? '')?.[1]);
	await expect(rows).toHaveCount(declared);

	// Cells after the row header: Source and licence, Vintage, Rows, Figures.
	const awards = rows.filter({
		has: page.getByRole('rowheader', { name: /^CRS Day 1 contract awards, May 2021/ })
	});
	await expect(awards).toHaveCount(1);
	await expect(awards.getByRole('cell').nth(2)).toHaveText('66');
	await expect(awards.getByRole('cell').nth(3)).toContainText('Published');

	const caseload = rows.filter({
		has: page.getByRole('rowheader', { name: /^PDU caseload \(modelled\)/ })
	});
	await expect(caseload).toHaveCount(1);
	await expect(caseload.getByRole('cell').nth(3).locator('.govuk-tag')).toHaveText(/^modelled: /);
	await expect(caseload.getByRole('cell').nth(2)).toHaveText('108');
	// Its method is one click away in the row.
	await caseload.getByText('Method', { exact: true }).click();
	await expect(caseload.locator('.govuk-details__text')).toBeVisible();
	await expect(caseload.locator('.govuk-details__text')).not.toBeEmpty();

	const method = page.getByRole('heading', {
		level: 2,
		name: /^Method: people on probation per PDU/
	});
	await expect(method).toBeVisible();
	await expect(method).toHaveAttribute('id', 'method-caseload');
	await expect(method.locator('.govuk-tag')).toHaveText(/^modelled: /);
	await expect(page.locator('#method-caseload + p')).not.toBeEmpty();
});

test('a 2021 award shows the Refer and Monitor definitions that implement it, and back', async ({
	page
}) => {
	await page.goto(`/contracts/${AWARD}`);
	await expect(page.getByText('CRS award, May 2021', { exact: true })).toBeVisible();
	await expect(page.getByTestId('contract-summary')).toContainText(AWARD);
	await expect(
		page.getByRole('heading', { level: 2, name: 'Refer and Monitor definitions of this award' })
	).toBeVisible();

	const linked = page.getByTestId('linked-list');
	const items = linked.getByRole('listitem');
	expect(await items.count()).toBeGreaterThan(0);
	const first = items.first().getByRole('link');
	await expect(first).toHaveAttribute('href', /^\/contracts\/PRJ_\d+$/);
	await expect(items.first()).toContainText(/\(PRJ_\d+/);

	await first.click();
	await expect(page).toHaveURL(/\/contracts\/PRJ_\d+$/);
	await expect(
		page.getByText('Refer and Monitor contract definition', { exact: true })
	).toBeVisible();
	await expect(
		page.getByRole('heading', { level: 2, name: '2021 award this implements' })
	).toBeVisible();
	await expect(page.getByTestId('linked-list').getByRole('link')).toHaveAttribute(
		'href',
		`/contracts/${AWARD}`
	);
});

test('an unknown PDU shows a helpful 404 page with a way back', async ({ page }) => {
	const response = await page.goto('/pdus/NOPE');
	expect(response?.status()).toBe(404);
	await expect(page).toHaveTitle(/Page not found/);
	await expect(h1(page)).toHaveText('Page not found');
	await expect(page.getByRole('main')).toContainText(
		'If you typed the web address, check it is correct.'
	);
	await expect(page.getByRole('main')).toContainText('N54DUR');

	await page.getByRole('main').getByRole('link', { name: 'Go to the list of regions' }).click();
	await expect(page).toHaveURL('/');
	await expect(h1(page)).toHaveText('Probation regions');
});
