import { expect, test } from '@playwright/test';
import { expectNoSeriousAxeViolations } from './helpers/axe';

test('travel access ranks PDUs by access, flags rural low access, and follows the form', async ({
	page
}) => {
	await page.goto('/access?category=Accommodation&region=N54&catchmentKm=30');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Travel access');
	await expect(page.getByTestId('access-title')).toHaveText(
		'Accommodation, North East, within 30 km'
	);
	const rows = page.getByTestId('access-table').locator('tbody tr');
	await expect(rows).toHaveCount(7);
	// Every share is a percentage between 0% and 100%.
	for (const text of await rows.locator('td:nth-of-type(2)').allInnerTexts())
		expect(text).toMatch(/^(\d{1,3}(\.\d)?%|–)$/);

	// The API gives the same shares for the same view.
	const api = await (
		await page.request.get('/api/v1/access?category=Accommodation&catchmentKm=30')
	).json();
	const durham = api.pdus.find((p: { code: string }) => p.code === 'N54DUR');
	const row = rows.filter({
		has: page.getByRole('link', { name: 'County Durham and Darlington' })
	});
	const shown = (await row.locator('td').nth(1).innerText()).replace('%', '');
	expect(Number(shown)).toBeCloseTo(Math.round(durham.shareWithinCatchment * 1000) / 10, 1);

	// A smaller catchment can only lower the share within reach.
	await page.getByLabel('Catchment, km').fill('5');
	await page.getByRole('button', { name: 'Show access' }).click();
	await expect(page).toHaveURL(/catchmentKm=5/);
	await expect(page.getByTestId('access-title')).toHaveText(
		'Accommodation, North East, within 5 km'
	);
	const small = Number(
		(
			await rows
				.filter({ has: page.getByRole('link', { name: 'County Durham and Darlington' }) })
				.locator('td')
				.nth(1)
				.innerText()
		).replace('%', '')
	);
	expect(small).toBeLessThanOrEqual(Number(shown));

	await expectNoSeriousAxeViolations(page);
});
