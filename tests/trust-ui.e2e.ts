// What people see of roles and trust: who is signed in and a way out in the header, only the links
// and buttons their role can use, small counts hidden from viewers on screen, and map tiles only
// from the tile server the configuration names. Most of it runs in a SECOND, shared-mode server
// (tests/helpers/shared-server.ts); the local-mode checks use playwright.config.ts's server.
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectNoSeriousAxeViolations } from './helpers/axe';
import {
	signedIn as signInAs,
	startSharedServer,
	type Person,
	type SharedServer
} from './helpers/shared-server';

// Each test signs in (scrypt at its real cost) and draws maps: slow on a busy two-core machine.
test.describe.configure({ mode: 'serial', timeout: 120_000 });

const SHOTS = path.resolve(import.meta.dirname, '..', 'screenshots');
const FIXTURES = path.resolve(import.meta.dirname, 'fixtures', 'disclosure');
// Illustrative accounts: example.org addresses, passwords for this test only.
const PEOPLE = {
	admin: { email: 'admin@example.org', password: 'admin password for tests', role: 'admin' },
	commissioner: {
		email: 'ne.commissioner@example.org',
		password: 'north east password',
		role: 'commissioner',
		regions: 'N54'
	},
	partner: {
		email: 'ne.partner@example.org',
		password: 'north east partner',
		role: 'partner',
		regions: 'N54',
		organisation: 'Northumbria PCC'
	},
	viewer: {
		email: 'viewer@example.org',
		password: 'viewer password 1',
		role: 'viewer',
		regions: 'N54'
	},
	// a commissioner made a viewer part-way through a test
	demoted: {
		email: 'demoted@example.org',
		password: 'demoted password 1',
		role: 'commissioner',
		regions: 'N54'
	}
} as const satisfies Record<string, Person>;
type Who = keyof typeof PEOPLE;

// A tile server that does not exist: the browser's requests to it are answered by the test, and
// only reach the test at all if the page's CSP lets them out.
const TILE_ORIGIN = 'https://tiles.example.test';
const TILE_URL = `${TILE_ORIGIN}/{z}/{x}/{y}.png`;
// The women's Accommodation gap in the North East, where Sunderland's count is small.
const SMALL_CELL_VIEW = '/gaps?region=N54&category=Accommodation&subgroup=women';

let shared: SharedServer;

test.beforeAll(async () => {
	test.setTimeout(300_000);
	shared = await startSharedServer({
		people: Object.values(PEOPLE),
		// Sunderland's caseload made small (illustrative figures), in two versions so that there is
		// one to roll back to: 40 people × the need share × the women's share is under 5.
		prepare: (landscape) => {
			for (const file of ['small-caseload-first.csv', 'small-caseload.csv'])
				landscape(
					'import',
					'caseload',
					path.join(FIXTURES, file),
					'--dataset',
					'sunderland-caseload'
				);
		},
		env: { LANDSCAPE_TILE_URL: TILE_URL }
	});
});

test.afterAll(async () => {
	await shared?.stop();
});

const signedIn = (browser: Browser, who: Who, javaScript = true): Promise<Page> =>
	signInAs(browser, shared.base, PEOPLE[who], javaScript);

const menu = (page: Page) => page.getByRole('navigation', { name: 'Menu' }).getByRole('link');

test('nobody signed in: a Sign in link that comes back here, and only the public page in the menu', async ({
	browser
}) => {
	const context = await browser.newContext({ baseURL: shared.base });
	const page = await context.newPage();
	await page.goto('/');
	const account = page.getByTestId('account');
	await expect(account.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/sign-in');
	await expect(account.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
	await expect(menu(page)).toHaveText(['Regions']);
	await page.screenshot({ path: path.join(SHOTS, 'header-signed-out.png') });
	await expectNoSeriousAxeViolations(page);
	await context.close();
});

const MENUS: Record<Exclude<Who, 'demoted'>, string[]> = {
	viewer: [
		'Regions',
		'Gap finder',
		'Travel access',
		'Contract cliff',
		'Market shape',
		'Scenarios',
		'Providers',
		'Data sources'
	],
	partner: [
		'Regions',
		'Gap finder',
		'Travel access',
		'Contract cliff',
		'Market shape',
		'Scenarios',
		'Providers',
		'Data sources'
	],
	commissioner: [
		'Regions',
		'Gap finder',
		'Travel access',
		'Contract cliff',
		'Market shape',
		'Scenarios',
		'Providers',
		'Data sources',
		'Import data'
	],
	admin: [
		'Regions',
		'Gap finder',
		'Travel access',
		'Contract cliff',
		'Market shape',
		'Scenarios',
		'Providers',
		'Data sources',
		'Import data',
		'People',
		'Audit log'
	]
};

for (const who of Object.keys(MENUS) as (keyof typeof MENUS)[])
	test(`signed in as the ${who}: name, role, Sign out, and only the links the role can use`, async ({
		browser
	}) => {
		const page = await signedIn(browser, who);
		await page.goto('/data-sources');
		await expect(page.getByTestId('account-name')).toHaveText(PEOPLE[who].email);
		await expect(page.getByTestId('account-role')).toHaveText(PEOPLE[who].role);
		await expect(
			page.getByTestId('account').getByRole('button', { name: 'Sign out' })
		).toBeVisible();
		await expect(menu(page)).toHaveText(MENUS[who]);
		// every link in the menu opens for them
		for (const href of await menu(page).evaluateAll((links) =>
			links.map((a) => a.getAttribute('href')!)
		))
			expect((await page.request.get(href)).status(), href).toBe(200);
		await page.screenshot({ path: path.join(SHOTS, `header-${who}.png`), clip: headerClip });
		if (who === 'viewer') await expectNoSeriousAxeViolations(page);
		await page.context().close();
	});

const headerClip = { x: 0, y: 0, width: 1280, height: 220 };

test('a dataset’s Roll back buttons show only to people who may roll back', async ({ browser }) => {
	const key = 'caseload-sunderland-caseload';
	const viewer = await signedIn(browser, 'viewer');
	await viewer.goto(`/data-sources/${key}`);
	await expect(viewer.getByTestId('versions-table')).toContainText('Compare with current');
	await expect(viewer.getByRole('button', { name: /Roll back/ })).toHaveCount(0);
	await viewer.context().close();

	const commissioner = await signedIn(browser, 'commissioner');
	await commissioner.goto(`/data-sources/${key}`);
	await expect(commissioner.getByRole('button', { name: 'Roll back to version 1' })).toBeVisible();
	await commissioner.context().close();
});

/** The need column of the gap table, by PDU code. */
async function needByPdu(page: Page): Promise<Map<string, string>> {
	const rows = page.getByTestId('gap-table').locator('tbody tr');
	await expect(rows.first()).toBeVisible();
	const cells = await rows.evaluateAll((trs) =>
		trs.map((tr) => [
			tr.getAttribute('data-pdu')!,
			tr.querySelector('[data-col="need"]')!.textContent!.trim()
		])
	);
	return new Map(cells as [string, string][]);
}
const count = (text: string) => Number(text.replace(/,/g, ''));

test('a viewer sees a small count as “fewer than 5”, and the total does not give it away', async ({
	browser
}) => {
	const commissioner = await signedIn(browser, 'commissioner');
	await commissioner.goto(SMALL_CELL_VIEW);
	const exact = await needByPdu(commissioner);
	const sunderland = count(exact.get('N54SUND')!);
	expect(sunderland).toBeGreaterThanOrEqual(1);
	expect(sunderland).toBeLessThan(5);
	await expect(commissioner.getByTestId('disclosure-note')).toHaveCount(0);
	await commissioner.context().close();

	const page = await signedIn(browser, 'viewer');
	await page.goto(SMALL_CELL_VIEW);
	const shown = await needByPdu(page);
	expect(shown.get('N54SUND')).toBe('fewer than 5');
	const hidden = [...shown].filter(([, text]) => !/^\d[\d,]*$/.test(text));
	expect(hidden.map(([, text]) => text).sort()).toEqual(['[c]', 'fewer than 5']);
	// The total less every count shown is the two hidden counts together, not Sunderland's.
	const total = count(await page.getByTestId('total-need').innerText());
	const shownSum = [...shown.values()]
		.filter((t) => /^\d/.test(t))
		.reduce((s, t) => s + count(t), 0);
	expect(total - shownSum).toBeGreaterThanOrEqual(sunderland + 5);
	// Their coverage and gap are hidden with them, in the table and in the explanation.
	const row = page.locator('tr[data-pdu="N54SUND"]');
	await expect(row.locator('[data-col="gap"]')).toHaveText('[c]');
	await expect(row.locator('[data-col="coverage"]')).toHaveText('[c]');
	await expect(page.getByTestId('disclosure-note')).toContainText('under 5');
	await expect(
		page.getByTestId('disclosure-note').getByRole('link', { name: 'How disclosure control works' })
	).toHaveAttribute('href', '/data-sources#disclosure-control');
	await page.screenshot({ path: path.join(SHOTS, 'gaps-viewer-disclosure.png'), fullPage: true });
	await expectNoSeriousAxeViolations(page);

	await row.getByRole('button', { name: /Explain Sunderland/ }).click();
	const explain = page.getByTestId('explain-need');
	await expect(explain).toContainText('fewer than 5');
	await expect(explain).not.toContainText('×');
	// the map's description of Sunderland hides it too
	await expect(page.getByTestId('map').locator('[aria-label^="Sunderland"]')).toHaveAttribute(
		'aria-label',
		/hidden/
	);
	await page.context().close();
});

test('a scenario’s printable report hides small subgroup counts, as its CSVs do, whoever prints it', async ({
	browser
}) => {
	const commissioner = await signedIn(browser, 'commissioner');
	// illustrative: a partner's money ring-fenced for women in the North East
	const created = await commissioner.request.post('/api/v1/scenarios', {
		data: {
			name: 'Illustrative women’s accommodation fund',
			changes: [
				{
					type: 'co-commission',
					partners: [
						{
							name: 'Northumbria PCC',
							kind: 'pcc',
							annualGbp: 200000,
							category: 'Accommodation',
							area: { region: 'N54' },
							subgroup: 'women'
						}
					]
				}
			],
			// figures for women as well as for everyone
			assumptions: { subgroups: ['all', 'women'] }
		}
	});
	expect(created.status()).toBe(201);
	const { id } = await created.json();
	await commissioner.goto(`/scenarios/${id}/report`);
	const sunderland = commissioner
		.getByRole('row')
		.filter({ has: commissioner.getByRole('rowheader', { name: 'Sunderland' }) })
		.filter({ hasText: 'women' });
	await expect(sunderland).toHaveCount(1);
	// need, gap before and gap after: never the small number itself
	const cells = await sunderland.getByRole('cell').allInnerTexts();
	expect(cells.slice(2, 3)).toEqual(['fewer than 5']);
	expect([cells[5], cells[6]]).toEqual(['[c]', '[c]']);
	await commissioner.context().close();
});

test('Sign out in the header works without JavaScript', async ({ browser }) => {
	const page = await signedIn(browser, 'partner', false);
	await page.goto('/gaps');
	await page.getByTestId('account').getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/sign-in\?signed-out/);
	await expect(page.locator('.govuk-notification-banner')).toContainText('You have signed out');
	expect((await page.request.get('/gaps', { maxRedirects: 0 })).status()).toBe(303);
	await page.context().close();
});

test('refused in the app (a save from a page opened before the role changed), the error page says so and offers a way on', async ({
	browser
}) => {
	const page = await signedIn(browser, 'demoted');
	await page.goto('/scenarios/new');
	await page.getByLabel('Name', { exact: true }).fill('Illustrative plan, saved too late');
	await page.getByLabel('Probation region').selectOption('N54');
	await page.getByLabel('CRS category').selectOption({ index: 1 });
	await page.getByRole('button', { name: 'Create scenario' }).click();
	await expect(page).toHaveURL(/\/scenarios\/[a-z2-7]{12}$/);
	// An administrator makes them a viewer while the page is open
	shared.landscape(
		'users',
		'set-role',
		'--email',
		PEOPLE.demoted.email,
		'--role',
		'viewer',
		'--regions',
		'N54'
	);
	await page.getByRole('button', { name: /^Save as version/ }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(
		'You do not have permission to do this'
	);
	await expect(page.getByTestId('refused-account')).toHaveText(
		`You are signed in as ${PEOPLE.demoted.email}.`
	);
	await expect(
		page.getByRole('main').getByRole('link', { name: 'Go to the start page' })
	).toHaveAttribute('href', '/');
	await page.screenshot({ path: path.join(SHOTS, 'refused-in-app.png') });
	await expectNoSeriousAxeViolations(page);
	await page.getByRole('button', { name: 'Sign in as someone else' }).click();
	await expect(page).toHaveURL(/\/sign-in\?signed-out/);
	await expect(page.getByLabel('Email address')).toBeVisible();
	await page.context().close();
});

test('a page the role may not use, opened by its address, is refused on a page styled like the rest', async ({
	browser
}) => {
	const page = await signedIn(browser, 'viewer');
	const response = await page.goto('/import');
	expect(response?.status()).toBe(403);
	expect(response?.headers()['cache-control']).toBe('no-store');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(
		'You do not have permission to see this page'
	);
	// the service's header, with who is signed in, and a way on
	await expect(page.getByRole('banner')).toContainText(PEOPLE.viewer.email);
	await expect(page.getByTestId('refused-account')).toHaveText(
		`You are signed in as ${PEOPLE.viewer.email}.`
	);
	await expect(page.getByRole('button', { name: 'Sign in as someone else' })).toBeVisible();
	// GOV.UK's styles applied (the plain fallback page has none)
	const h1Size = await page
		.locator('h1.govuk-heading-l')
		.evaluate((h) => getComputedStyle(h).fontSize);
	expect(parseFloat(h1Size)).toBeGreaterThanOrEqual(27);
	await page.screenshot({ path: path.join(SHOTS, 'refused-typed-url.png') });
	await expectNoSeriousAxeViolations(page);
	await page.context().close();
});

/** The img-src directive of a page's Content-Security-Policy. */
const imgSrcOf = (headers: Record<string, string>) =>
	headers['content-security-policy']
		?.split(';')
		.map((d) => d.trim())
		.find((d) => d.startsWith('img-src'));

/** A 1×1 PNG, for the pretend tile server. */
const ONE_PIXEL_PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC',
	'base64'
);

test('with LANDSCAPE_TILE_URL the maps draw its tiles, and the CSP allows that origin only', async ({
	browser
}) => {
	const page = await signedIn(browser, 'viewer');
	const tiles: string[] = [];
	await page.route(`${TILE_ORIGIN}/**`, (route) => {
		tiles.push(route.request().url());
		return route.fulfill({ contentType: 'image/png', body: ONE_PIXEL_PNG });
	});
	const response = await page.goto(SMALL_CELL_VIEW);
	const imgSrc = imgSrcOf(response!.headers());
	expect(imgSrc).toBe(`img-src 'self' data: blob: ${TILE_ORIGIN}`);
	await expect(page.locator('.leaflet-tile-loaded').first()).toBeAttached({ timeout: 15_000 });
	expect(tiles[0]).toMatch(/^https:\/\/tiles\.example\.test\/\d+\/\d+\/\d+\.png$/);
	await expect(page.locator('.leaflet-control-attribution')).toContainText(
		'Map tiles: tiles.example.test'
	);
	await page.context().close();
});

test.describe('local mode (the default server)', () => {
	test('says nothing about accounts, shows every link, and draws no tiles', async ({ page }) => {
		const response = await page.goto('/gaps?region=N54');
		await expect(page.getByTestId('account')).toHaveCount(0);
		await expect(page.getByText('Signed in as')).toHaveCount(0);
		await expect(menu(page)).toHaveText([...MENUS.admin.filter((t) => t !== 'People')]);
		const imgSrc = imgSrcOf(response!.headers());
		expect(imgSrc).toBe("img-src 'self' data: blob:");
		await expect(page.getByTestId('map').locator('.leaflet-pane').first()).toBeAttached();
		await expect(page.locator('.leaflet-tile')).toHaveCount(0);
		// and the gap finder shows the counts themselves
		await expect(page.getByTestId('disclosure-note')).toHaveCount(0);
		await page.screenshot({ path: path.join(SHOTS, 'header-local.png'), clip: headerClip });
	});
});
