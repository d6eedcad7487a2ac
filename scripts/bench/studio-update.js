// How long the Scenario studio takes to show an edit, measured inside the page: from the edit's
// `landscape:scenario-edit` mark (set as the draft changes) to the next `landscape:map-updated` mark
// (set once the scenario map has restyled; the table is updated in the same flush). A
// measurement, not a test. It creates one scenario (Durham PCC, Accommodation) through the API of
// the server it is given, then types a partner's £ a year `runs` times.
//
//   import { measureStudioUpdate } from './bench/studio-update.js';
//   const r = await measureStudioUpdate({ baseUrl: 'http://127.0.0.1:3000', runs: 20 });
//
// Debian's Chromium only (CHROMIUM_PATH, default /usr/bin/chromium); every wait is bounded and the
// browser is closed on every exit path.
import { chromium } from '@playwright/test';
import { max, median, percentile, round } from './stats.js';

export const STUDIO_UPDATE_TARGET_MS = 50;

const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update'
];
const AREAS = '[data-testid="map-scenario"] path[role="button"]';

export async function measureStudioUpdate({
	baseUrl,
	runs = 20,
	warmup = 2,
	timeoutMs = 10_000,
	executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
}) {
	const base = baseUrl.replace(/\/+$/, '');
	const created = await fetch(`${base}/api/v1/scenarios`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			name: 'Bench: Durham PCC accommodation',
			changes: [
				{
					type: 'co-commission',
					partners: [
						{
							name: 'Durham PCC',
							kind: 'pcc',
							annualGbp: 400000,
							category: 'Accommodation',
							area: { pccArea: 'durham' }
						}
					]
				}
			]
		})
	});
	if (created.status !== 201) throw new Error(`POST /api/v1/scenarios answered ${created.status}`);
	const { id } = await created.json();
	const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 30_000 });
	try {
		const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
		page.setDefaultTimeout(timeoutMs);
		const response = await page.goto(`${base}/scenarios/${id}`, { timeout: 30_000 });
		if (!response?.ok()) throw new Error(`GET /scenarios/${id} answered ${response?.status()}`);
		await page.locator(AREAS).first().waitFor({ state: 'attached', timeout: 30_000 });
		const field = page.getByLabel('£ a year the partner puts in').first();
		const samples = [];
		for (let i = 0; i < warmup + runs; i++) {
			await page.evaluate((timeoutMs) => {
				window.__studioBench = new Promise((resolve, reject) => {
					let editedAt = null;
					const observer = new PerformanceObserver((list) => {
						for (const e of list.getEntries()) {
							if (e.name === 'landscape:scenario-edit') editedAt ??= e.startTime;
							else if (e.name === 'landscape:map-updated' && editedAt !== null) {
								observer.disconnect();
								clearTimeout(timer);
								resolve(e.startTime - editedAt);
							}
						}
					});
					observer.observe({ type: 'mark' });
					const timer = setTimeout(() => {
						observer.disconnect();
						reject(new Error('no map update after the edit'));
					}, timeoutMs);
				});
			}, timeoutMs);
			// Alternate between two sums so every edit changes the result.
			await field.fill(i % 2 === 0 ? '250,000' : '400,000');
			const ms = await page.evaluate(() => window.__studioBench);
			if (i >= warmup) samples.push(ms);
			await page.evaluate(
				() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
			);
		}
		return {
			runs: samples.length,
			medianMs: round(median(samples), 1),
			p95Ms: round(percentile(samples, 95), 1),
			maxMs: round(max(samples), 1),
			samplesMs: samples.map((v) => round(v, 1))
		};
	} finally {
		await browser.close();
	}
}
