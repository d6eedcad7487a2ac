// How long the Gap finder's map takes to catch up with a change of view, measured inside the page:
// from the select's `change` event to the next `landscape:map-updated` performance mark (which
// ChoroplethLayer sets once it has restyled the PDU areas). A measurement, not a test.
//
//   import { measureMapUpdate } from './bench/map-update.js';
//   const r = await measureMapUpdate({ baseUrl: 'http://127.0.0.1:3000', runs: 20 });
//   // → { runs, medianMs, p95Ms, maxMs, samplesMs }
//
// Standalone, against a server that is already running:
//   node scripts/bench/map-update.js http://127.0.0.1:PORT [runs] [/gaps?… view to start from]
//
// Debian's Chromium only (CHROMIUM_PATH, default /usr/bin/chromium), never a downloaded browser; it
// talks to baseUrl only. Every wait is bounded, and the browser is closed on every exit path.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';
import { max, median, percentile, round } from './stats.js';

export const MAP_UPDATE_TARGET_MS = 50;

const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update'
];
const START_PATH = '/gaps?region=N54&category=Accommodation&subgroup=all';
const AREAS = '[data-testid="map"] path[role="button"]';
const MARK = 'landscape:map-updated';

/**
 * Open the North East gap view (or `viewPath`), wait for its map, then change the category and subgroup selects
 * alternately `runs` times (after `warmup` unmeasured changes), timing each change event to the next
 * map-updated mark. Each change picks the select's next option, so the view always changes.
 */
export async function measureMapUpdate({
	baseUrl,
	runs = 20,
	warmup = 2,
	timeoutMs = 10_000,
	viewPath = START_PATH,
	executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
}) {
	if (!baseUrl) throw new Error('measureMapUpdate: baseUrl is required');
	if (!(Number.isInteger(runs) && runs > 0)) throw new Error(`runs must be a positive integer`);
	const base = baseUrl.replace(/\/+$/, '');
	const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 30_000 });
	try {
		const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		page.setDefaultTimeout(timeoutMs);
		const response = await page.goto(`${base}${viewPath}`, { timeout: 30_000 });
		if (!response?.ok()) throw new Error(`GET ${viewPath} answered ${response?.status()}`);
		// The areas are drawn after hydration and the boundaries fetch.
		await page.locator(AREAS).first().waitFor({ state: 'attached', timeout: 30_000 });
		await installProbe(page, timeoutMs);

		const samples = [];
		for (let i = 0; i < warmup + runs; i++) {
			const select = i % 2 === 0 ? 'category' : 'subgroup';
			const ms = await timeOneChange(page, select);
			if (i >= warmup) samples.push(ms);
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

/** window.__mapBench: arm() before a change, then result() resolves with change → mark in ms. */
async function installProbe(page, timeoutMs) {
	await page.evaluate(
		({ mark, timeoutMs }) => {
			let pending = null;
			window.__mapBench = {
				arm() {
					let changedAt = null;
					const onChange = (event) => {
						changedAt ??= event.timeStamp; // same clock as performance.now()
					};
					document.addEventListener('change', onChange, { capture: true });
					pending = new Promise((resolve, reject) => {
						const finish = (fn, value) => {
							observer.disconnect();
							clearTimeout(timer);
							document.removeEventListener('change', onChange, { capture: true });
							fn(value);
						};
						const observer = new PerformanceObserver((list) => {
							for (const entry of list.getEntries()) {
								if (entry.name === mark && changedAt !== null && entry.startTime >= changedAt)
									return finish(resolve, entry.startTime - changedAt);
							}
						});
						observer.observe({ type: 'mark' });
						const timer = setTimeout(
							() =>
								finish(
									reject,
									new Error(
										changedAt === null
											? 'no change event reached the document'
											: `no ${mark} mark within ${timeoutMs} ms of the change`
									)
								),
							timeoutMs
						);
					});
				},
				result() {
					return pending;
				}
			};
		},
		{ mark: MARK, timeoutMs }
	);
}

/** Change one select to its next option and return the time to the next map-updated mark. */
async function timeOneChange(page, id) {
	const select = page.locator(`select#${id}`);
	const next = await select.evaluate((el) => {
		const values = [...el.options].map((o) => o.value);
		return values[(values.indexOf(el.value) + 1) % values.length];
	});
	await page.evaluate(() => window.__mapBench.arm());
	await select.selectOption(next);
	const ms = await page.evaluate(() => window.__mapBench.result());
	// The view really changed (the URL holds it), and the page has painted, before the next change.
	await page.waitForFunction(
		({ id, next }) => new URL(location.href).searchParams.get(id) === next,
		{ id, next }
	);
	await page.evaluate(
		() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
	);
	return ms;
}

// ---------------------------------------------------------------------------------------------
// Standalone: node scripts/bench/map-update.js http://127.0.0.1:PORT [runs] [view path]

const isMain =
	process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;

if (isMain) {
	const [baseUrl, runsArg, viewPath = START_PATH] = process.argv.slice(2);
	if (!baseUrl || !/^https?:\/\//.test(baseUrl)) {
		console.error('usage: node scripts/bench/map-update.js http://127.0.0.1:PORT [runs] [/gaps?…]');
		process.exit(2);
	}
	const runs = runsArg ? Number(runsArg) : 20;
	try {
		const r = await measureMapUpdate({ baseUrl, runs, viewPath });
		const status = r.medianMs <= MAP_UPDATE_TARGET_MS ? 'OK' : 'OVER';
		console.log(
			`Gap map update (select change → ${MARK}), ${r.runs} runs on ${baseUrl}${viewPath}`
		);
		console.log(`  median ${r.medianMs} ms   target ≤ ${MAP_UPDATE_TARGET_MS} ms   ${status}`);
		console.log(`  p95    ${r.p95Ms} ms`);
		console.log(`  max    ${r.maxMs} ms`);
		console.log(`  runs   ${r.samplesMs.join(', ')} ms`);
		console.log(`MAP_UPDATE_JSON ${JSON.stringify({ ...r, targetMs: MAP_UPDATE_TARGET_MS })}`);
	} catch (err) {
		console.error('map-update:', err?.stack ?? err);
		process.exitCode = 1;
	}
}
