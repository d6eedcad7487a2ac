import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCliffDates } from '$lib/domain/cliff';
import type { DB } from '../db';
import { listServices } from '../repositories/services';
import { freshDatabase } from '../testing/fresh-db';
import {
	buildCliffReport,
	cliffCsv,
	getCliff,
	getMarket,
	readChoice,
	type CliffReport
} from './cliff-market';

let db: DB;

beforeAll(async () => {
	db = (await freshDatabase({ seed: true })).db;
});
afterAll(async () => db.destroy());

const q = (query = '') => new URLSearchParams(query);
const TODAY = '2026-11-23';

async function read(response: Promise<Response>) {
	const res = await response;
	expect(res.headers.get('content-type')).toMatch(/^application\/json/);
	expect(res.headers.get('cache-control')).toBe('no-store');
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- shapes are asserted below
	return { status: res.status, body: (await res.json()) as any };
}

async function readError(response: Promise<Response>) {
	const { status, body } = await read(response);
	expect(status).toBe(400);
	expect(Object.keys(body).sort()).toEqual(['detail', 'error']);
	expect(body.error).toBe('Bad request');
	return body.detail as string;
}

async function annualValueOfAwards(filter: (s: { contractType: string | null }) => boolean) {
	const awards = await listServices(db, { recordType: 'award' });
	return awards.filter(filter).reduce((sum, s) => sum + (s.annualValueGbp ?? 0), 0);
}

describe('GET /api/v1/cliff', () => {
	it('defaults to today and the default dates, with provenance and a method', async () => {
		const { status, body } = await read(getCliff(db, q(), TODAY));
		expect(status).toBe(200);
		expect(body.asOf).toBe(TODAY);
		expect(body.dates).toEqual(defaultCliffDates(TODAY));
		expect(body.filters).toEqual({ region: null, regionName: null, category: null });
		expect(body.statements).toHaveLength(body.dates.length);
		expect(body.method).toMatch(/Refer and Monitor/);
		expect(body.method).toMatch(/NOT ended/);
		expect(body.provenance.places).toBe('modelled');
		expect(Object.keys(body.provenance.datasetVersions)).toEqual(
			expect.arrayContaining([expect.any(String)])
		);
		for (const version of Object.values(body.provenance.datasetVersions))
			expect(version).toEqual(expect.any(Number));
	});

	it('today, every 2021 award still running is past its term on Refer and Monitor referrals', async () => {
		const { body } = await read(getCliff(db, q(), TODAY));
		expect(body.total.current.gbp).toBeGreaterThan(0);
		expect(body.total.continuedNow.gbp).toBe(body.total.current.gbp);
		for (const row of body.total.byDate) {
			expect(row.ending.gbp + row.continued.gbp).toBe(body.total.current.gbp);
		}
		expect(body.statements[0].continuation).toMatch(/only because Refer and Monitor/);
	});

	it('on 1 January 2024, all ETE £ ends by 31 March 2024 with no successor recorded', async () => {
		// The 2021 ETE contracts stopped taking referrals on 31 December 2023 and their standard term
		// ended on 25 March 2024; Refer and Monitor lists no later ETE contract.
		const ete = await annualValueOfAwards((s) => s.contractType === 'ETE');
		// Women's Services awards cover all eight categories, so an eighth of their £ is ETE; they run
		// to 25 March 2025.
		const womens = await annualValueOfAwards((s) => s.contractType === 'WOS');
		const { body } = await read(
			getCliff(
				db,
				q('asOf=2024-01-01&dates=2024-03-31&category=Education, Training and Employment'),
				TODAY
			)
		);
		const row = body.total.byDate[0];
		expect(body.total.current.gbp).toBe(Math.round(ete + womens / 8));
		expect(row.ending.gbp).toBe(Math.round(ete));
		expect(row.noSuccessor.gbp).toBe(Math.round(ete));
		expect(row.ending.gbpShare).toBeCloseTo(ete / (ete + womens / 8), 5);
		expect(body.statements[0].cliff).toBe(
			`By 31 March 2024, ${Math.round((100 * ete) / (ete + womens / 8))}% of education, training and employment places in England and Wales end, with no successor recorded.`
		);
	});

	it('takes a region by R&M letter and shares its £ among its PDUs', async () => {
		const { status, body } = await read(getCliff(db, q('region=a&asOf=2024-01-01'), TODAY));
		expect(status).toBe(200);
		expect(body.filters).toMatchObject({ region: 'N54', regionName: 'North East' });
		expect(body.byPdu.length).toBeGreaterThan(0);
		expect(body.byPdu.every((p: { regionCode: string }) => p.regionCode === 'N54')).toBe(true);
		const pdus = body.byPdu.reduce(
			(sum: number, p: { current: { gbp: number } }) => sum + p.current.gbp,
			0
		);
		expect(Math.abs(pdus + body.unallocated.current.gbp - body.total.current.gbp)).toBeLessThan(
			body.byPdu.length
		);
		const awards = await listServices(db, { recordType: 'award', regionCode: 'N54' });
		expect(body.total.current.gbp).toBe(
			Math.round(awards.reduce((s, a) => s + (a.annualValueGbp ?? 0), 0))
		);
	});

	it.each([
		{ query: 'region=N45', detail: /region: 'N45' is not a probation region\. Did you mean 'N54'/ },
		{ query: 'category=Housing', detail: /category: .*Did you mean 'Accommodation'/ },
		{
			query: 'dates=31/03/2027',
			detail: /dates: '31\/03\/2027' is not a date\. Did you mean '2027-03-31'/
		},
		{ query: 'dates=2027-02-30', detail: /'2027-02-30' is not a date/ },
		{ query: 'dates=2026-01-01', detail: /dates: '2026-01-01' is before asOf \(2026-11-23\)/ },
		{ query: 'asOf=tomorrow', detail: /asOf: 'tomorrow' is not a date/ },
		{ query: 'regoin=N54', detail: /unknown parameter 'regoin'\. Did you mean 'region'/ },
		{ query: 'region=N54&region=N53', detail: /region: given 2 times/ },
		{
			query: `dates=${Array.from({ length: 13 }, (_, i) => `${2030 + i}-03-31`).join(',')}`,
			detail: /13 dates given\. Valid: at most 12/
		}
	])('refuses $query with { error, detail }', async ({ query, detail }) => {
		expect(await readError(getCliff(db, q(query), TODAY))).toMatch(detail);
	});

	it('sorts and de-duplicates the dates', async () => {
		const { body } = await read(getCliff(db, q('dates=2028-03-31,2027-03-31,2028-03-31'), TODAY));
		expect(body.dates).toEqual(['2027-03-31', '2028-03-31']);
	});
});

describe('GET /api/v1/market', () => {
	it('compares the 12 regions, with every income share unknown rather than zero', async () => {
		const { status, body } = await read(getMarket(db, q()));
		expect(status).toBe(200);
		expect(body.rowsBy).toBe('region');
		expect(body.rows).toHaveLength(12);
		expect(body.scope.valueGbp).toBeCloseTo(await annualValueOfAwards(() => true), 0);
		expect(body.scope.valuedCount).toBe(66);
		for (const shape of [body.scope, ...body.rows]) {
			for (const key of ['incomeUnder1m', 'incomeUnder100k', 'byAndFor', 'welsh']) {
				expect(shape[key].share, key).toBeNull();
				expect(shape[key].knownShare === null || shape[key].knownShare === 0).toBe(true);
			}
			if (shape.hhi !== null) {
				expect(shape.hhi).toBeGreaterThan(0);
				expect(shape.hhi).toBeLessThanOrEqual(10_000);
			}
		}
		const leadTotal = body.scope.leads.reduce(
			(s: number, l: { valueGbp: number }) => s + l.valueGbp,
			0
		);
		expect(leadTotal).toBeCloseTo(body.scope.valueGbp, 3);
		expect(body.method).toMatch(/Herfindahl/);
		expect(body.provenance.datasetVersions).toEqual(expect.any(Object));
	});

	it('Greater Manchester has no published award value, so no concentration', async () => {
		const { body } = await read(getMarket(db, q()));
		const gm = body.rows.find((r: { regionName: string }) => r.regionName === 'Greater Manchester');
		expect(gm).toMatchObject({ valueGbp: 0, hhi: null, top3Share: null });
		expect(gm.vcse.share).toBeNull();
		expect(gm.subcontractingLinks).toBeGreaterThan(0);
	});

	it('compares categories within a region', async () => {
		const { body } = await read(getMarket(db, q('region=N54&category=accommodation')));
		expect(body.filters).toEqual({
			region: 'N54',
			regionName: 'North East',
			category: 'Accommodation'
		});
		expect(body.rowsBy).toBe('category');
		expect(body.rows).toHaveLength(8);
		const acc = body.rows.find((r: { category: string }) => r.category === 'Accommodation');
		expect(acc.valueGbp).toBeCloseTo(body.scope.valueGbp, 6);
	});

	it.each([
		{ query: 'region=Narnia', detail: /region: 'Narnia' is not a probation region/ },
		{ query: 'category=drugs', detail: /Did you mean 'Dependency and Recovery'/ },
		{ query: 'dates=2027-03-31', detail: /unknown parameter 'dates'/ }
	])('refuses $query', async ({ query, detail }) => {
		expect(await readError(getMarket(db, q(query)))).toMatch(detail);
	});
});

describe('readChoice (pages)', () => {
	it('reads region and category as the API does, ignoring other parameters', async () => {
		expect(await readChoice(db, q('region=N54&category=ETE&utm_source=x'))).toEqual({
			ok: true,
			choice: { regionCode: 'N54', category: 'Education, Training and Employment' }
		});
	});

	it('returns the API’s messages for bad values', async () => {
		const result = await readChoice(db, q('region=N45'));
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.errors[0]).toMatch(/Did you mean 'N54'/);
	});
});

describe('cliffCsv', () => {
	let report: CliffReport;
	beforeAll(async () => {
		report = await buildCliffReport(db, {
			regionCode: 'N54',
			category: null,
			asOf: '2024-01-01',
			dates: ['2024-03-31', '2025-03-31']
		});
	});

	it('has a row per date for the choice, then per date for each PDU', () => {
		const parsed = Papa.parse<Record<string, string>>(cliffCsv(report), {
			header: true,
			skipEmptyLines: true
		});
		expect(parsed.errors).toEqual([]);
		expect(parsed.data).toHaveLength(2 * (1 + report.byPdu.length));
		const first = parsed.data[0]!;
		expect(first).toMatchObject({
			level: 'selection',
			region_code: 'N54',
			region: 'North East',
			category: 'All categories',
			as_of: '2024-01-01',
			date: '2024-03-31',
			current_gbp_a_year: String(report.total.current.gbp),
			ending_gbp_a_year: String(report.total.byDate[0]!.ending.gbp)
		});
		expect(Number(first.ending_percent_of_current_places)).toBe(
			Math.round(report.total.byDate[0]!.ending.placesShare! * 1000) / 10
		);
	});

	it('neutralises cells that a spreadsheet would run as a formula', () => {
		const hostile: CliffReport = {
			...report,
			byPdu: report.byPdu.slice(0, 1).map((p) => ({ ...p, pduName: '=HYPERLINK("x")' }))
		};
		const lines = cliffCsv(hostile).split('\r\n');
		expect(lines.some((l) => l.includes(`"'=HYPERLINK(""x"")"`))).toBe(true);
		expect(lines.some((l) => /(^|,)=/.test(l))).toBe(false);
	});
});
