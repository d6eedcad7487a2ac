// Full-page screenshots for visual review, into screenshots/ (gitignored). Off by default:
//   SCREENSHOTS=1 npx playwright test tests/helpers/screenshots.e2e.ts
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';

test.skip(!process.env.SCREENSHOTS, 'set SCREENSHOTS=1 to take screenshots');

const OUT = path.join(process.cwd(), 'screenshots');
const WIDTHS = [1280, 390];
const PAGES: { name: string; url: string }[] = [
	{ name: 'overview', url: '/' },
	{ name: 'region-N54', url: '/regions/N54' },
	{ name: 'pdu-N54DUR', url: '/pdus/N54DUR' },
	{ name: 'provider', url: 'provider' },
	{ name: 'contract-CRS2021-A-ACC-1', url: '/contracts/CRS2021-A-ACC-1' },
	{ name: 'data-sources', url: '/data-sources' },
	{ name: 'gaps', url: '/gaps?region=N54&category=Accommodation&subgroup=women' },
	{ name: 'cliff', url: '/cliff' },
	{ name: 'market', url: '/market' }
];

test.beforeAll(() => fs.mkdirSync(OUT, { recursive: true }));

for (const width of WIDTHS) {
	for (const { name, url } of PAGES) {
		test(`${name} at ${width}px`, async ({ page }) => {
			await page.setViewportSize({ width, height: 900 });
			let target = url;
			if (url === 'provider') {
				// Ids are assigned at seeding: take the prime of the award.
				await page.goto('/contracts/CRS2021-A-ACC-1');
				target =
					(await page
						.getByTestId('contract-summary')
						.locator('a[href^="/providers/"]')
						.first()
						.getAttribute('href')) ?? '';
			}
			await page.goto(target);
			await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
			await page.evaluate(() => document.fonts.ready);
			const overflow = await page.evaluate(
				() => document.documentElement.scrollWidth - window.innerWidth
			);
			if (overflow > 0) {
				test.info().annotations.push({
					type: 'overflow',
					description: `${name} at ${width}px: page is ${overflow}px wider than the viewport`
				});
			}
			await page.screenshot({ path: path.join(OUT, `${name}-${width}.png`), fullPage: true });
		});
	}
}
