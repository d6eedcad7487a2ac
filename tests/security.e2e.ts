// Hardening, as a browser and a client see it: the Content-Security-Policy and the other security
// headers, no CSP violation on any main page (with JavaScript running, maps drawn, a client-side
// navigation and the map PNG download), error pages without stack traces, and CSV downloads that
// a spreadsheet will not run as formulas.
import { createHash } from 'node:crypto';
import { expect, test, type APIResponse, type Page } from '@playwright/test';
import Papa from 'papaparse';

const MAIN_PAGES = [
	'/',
	'/regions/N54',
	'/pdus/N54DUR',
	'/gaps?region=N54&category=Accommodation&subgroup=women',
	'/access',
	'/cliff',
	'/market',
	'/providers',
	'/contracts/CRS2021-A-ACC-1',
	'/data-sources',
	'/import',
	'/import?kind=caseload',
	'/scenarios',
	'/page-that-does-not-exist'
];

/**
 * Record every CSP violation the page reports, across navigations: the DOM's
 * securitypolicyviolation events (with the directive and what was blocked) and the console's
 * "Refused to …" messages.
 */
async function watchForCspViolations(page: Page): Promise<string[]> {
	const violations: string[] = [];
	page.on('console', (message) => {
		if (/Content Security Policy|Refused to/i.test(message.text()))
			violations.push(`${new URL(page.url()).pathname}: console: ${message.text()}`);
	});
	await page.exposeFunction('__reportCspViolation', (text: string) => violations.push(text));
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			const report = (window as unknown as { __reportCspViolation(text: string): void })
				.__reportCspViolation;
			report(
				`${location.pathname}: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`
			);
		});
	});
	return violations;
}

/** Wait for the page to settle: scripts loaded and run, and any map drawn. */
async function settle(page: Page): Promise<void> {
	await page.waitForLoadState('networkidle');
	const map = page.getByTestId('map');
	if ((await map.count()) > 0)
		await expect(map.first().locator('.leaflet-pane').first()).toBeAttached();
	// every page hydrates and GOV.UK Frontend runs: its components mark the body
	await expect(page.locator('body.govuk-frontend-supported')).toBeAttached();
}

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: string): Map<string, string[]> {
	return new Map(
		header
			.split(';')
			.map((d) => d.trim().split(/\s+/))
			.filter((parts) => parts[0])
			.map(([name, ...values]) => [name!, values])
	);
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

function expectSecurityHeaders(response: APIResponse): void {
	const headers = response.headers();
	expect(headers['x-content-type-options']).toBe('nosniff');
	expect(headers['referrer-policy']).toBe('same-origin');
	expect(headers['x-frame-options']).toBe('DENY');
	expect(headers['cross-origin-opener-policy']).toBe('same-origin');
	expect(headers['permissions-policy']).toContain('camera=()');
	expect(headers['permissions-policy']).toContain('geolocation=()');
}

test.describe('security headers', () => {
	test('every page has a strict Content-Security-Policy, and its only inline script is hashed', async ({
		request
	}) => {
		for (const path of ['/', '/gaps', '/import', '/page-that-does-not-exist']) {
			const response = await request.get(path);
			expectSecurityHeaders(response);
			const header = response.headers()['content-security-policy'];
			expect(header, `${path} has a Content-Security-Policy`).toBeTruthy();
			const csp = directives(header!);
			expect(csp.get('default-src')).toEqual(["'self'"]);
			expect(csp.get('connect-src')).toEqual(["'self'"]);
			expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
			expect(csp.get('base-uri')).toEqual(["'self'"]);
			expect(csp.get('form-action')).toEqual(["'self'"]);
			expect(csp.get('object-src')).toEqual(["'none'"]);
			expect(csp.get('img-src')).toEqual(expect.arrayContaining(["'self'", 'data:', 'blob:']));
			expect(csp.get('style-src')).toEqual(["'self'"]);
			// style attributes only by hash: app.html's wrapper and SvelteKit's route announcer
			expect(csp.get('style-src-attr')).toContain(sha256('display: contents'));
			const scripts = csp.get('script-src')!;
			expect(scripts[0]).toBe("'self'");
			expect(scripts.slice(1).every((s) => /^'sha256-[A-Za-z0-9+/]+=*'$/.test(s))).toBe(true);
			for (const value of [...csp.values()].flat())
				expect(value, `${path}: ${value}`).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
			// every inline script on the page is one the policy names by its hash
			const html = await response.text();
			const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
				(m) => m[1]!
			);
			expect(inline.length, `${path} has SvelteKit's start-up script`).toBeGreaterThan(0);
			for (const script of inline) expect(scripts).toContain(sha256(script));
		}
	});

	test('API responses and downloads carry the security headers too', async ({ request }) => {
		for (const path of ['/api/v1/regions', '/gaps/export.csv?category=Accommodation', '/healthz'])
			expectSecurityHeaders(await request.get(path));
	});
});

test.describe('no Content-Security-Policy violation on any main page', () => {
	for (const path of MAIN_PAGES) {
		test(path, async ({ page }) => {
			const violations = await watchForCspViolations(page);
			const response = await page.goto(path);
			expect(response?.status()).toBe(path.includes('does-not-exist') ? 404 : 200);
			await settle(page);
			expect(violations).toEqual([]);
		});
	}

	test('a saved scenario’s report and comparison, whose map keys are coloured', async ({
		page,
		request,
		baseURL
	}) => {
		const created = await request.post('/api/v1/scenarios', {
			headers: { origin: baseURL! },
			data: {
				name: `Illustrative CSP check ${process.pid}`,
				changes: [
					{
						type: 'co-commission',
						partners: [
							{
								name: 'Illustrative PCC',
								kind: 'pcc',
								annualGbp: 100_000,
								category: 'Accommodation',
								area: { pccArea: 'durham' }
							}
						]
					}
				]
			}
		});
		expect(created.status(), await created.text()).toBe(201);
		const { id } = (await created.json()) as { id: string };
		const violations = await watchForCspViolations(page);
		for (const path of [
			`/scenarios/${id}`,
			`/scenarios/${id}/report`,
			`/scenarios/compare?ids=${id}`
		]) {
			expect((await page.goto(path))?.status(), path).toBe(200);
			await settle(page);
			const swatches = await page
				.locator('.app-swatch')
				.evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
			expect(swatches, `${path}: the key's colours apply`).not.toContain('rgba(0, 0, 0, 0)');
		}
		expect(violations).toEqual([]);
	});

	test('a client-side navigation (which adds SvelteKit’s route announcer) and the map PNG download', async ({
		page
	}) => {
		const violations = await watchForCspViolations(page);
		await page.goto('/');
		await settle(page);
		await page
			.getByRole('navigation', { name: 'Menu' })
			.getByRole('link', { name: 'Gap finder' })
			.click();
		await expect(page).toHaveURL(/\/gaps/);
		await expect(page.locator('#svelte-announcer')).toBeAttached();
		// the announcer is hidden by its (hashed) style attribute, so the policy let it apply
		await expect(page.locator('#svelte-announcer')).toHaveCSS('position', 'absolute');
		await settle(page);
		await expect(page.getByTestId('map').locator('path[role="button"]').first()).toBeAttached();
		const button = page.getByTestId('download-png');
		await expect(button).toBeEnabled();
		const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
		expect(download.suggestedFilename()).toMatch(/\.png$/);
		expect(violations).toEqual([]);
	});
});

test.describe('error pages leak nothing', () => {
	const LEAKS =
		/\bat [\w$.<>]+ \(|SvelteKitError|node_modules|\/work\/|file:\/\/|\.js:\d+|\bstack\b/i;

	test('a URL that fails to decode shows a plain message, not a stack trace', async ({
		request
	}) => {
		for (const path of ['/pdus/%E0%A4%A', '/api/v1/pdus/%E0%A4%A', '/regions/%ZZ']) {
			const response = await request.get(path);
			expect(response.status(), path).toBe(400);
			const body = await response.text();
			expect(body, path).toContain('Sorry, there is a problem with the service');
			expect(body, path).not.toMatch(LEAKS);
			expect(body, path).not.toContain('Malformed');
		}
	});

	test('a page that does not exist says so, and nothing more', async ({ request }) => {
		const response = await request.get('/regions/NOPE');
		expect(response.status()).toBe(404);
		expect(await response.text()).not.toMatch(LEAKS);
	});
});

test.describe('CSV downloads cannot run as spreadsheet formulas', () => {
	/** Cells a spreadsheet would treat as a formula: = + @ tab or CR first, or - before a non-number. */
	const formulaCells = (text: string) =>
		Papa.parse<string[]>(text.trim(), { skipEmptyLines: true })
			.data.flat()
			.filter((cell) => /^[=+@\t\r]/.test(cell) || (/^-/.test(cell) && Number.isNaN(Number(cell))));

	for (const path of [
		'/gaps/export.csv?category=Accommodation&subgroup=women',
		'/import/template.csv',
		'/import/templates/caseload',
		'/cliff/cliff.csv'
	])
		test(path, async ({ request }) => {
			const response = await request.get(path);
			expect(response.status()).toBe(200);
			expect(response.headers()['content-type']).toContain('text/csv');
			expect(response.headers()['content-disposition']).toMatch(/^attachment;/);
			expect(formulaCells(await response.text())).toEqual([]);
		});
});
