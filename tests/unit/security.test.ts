// Disclosure control and CSV injection on every export route, called in process on a private
// database seeded from data/ (illustrative imports: a tiny caseload for one PDU, services and a
// scenario whose names begin with spreadsheet formula characters).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initDatabase } from '$lib/server/context';
import type { DB } from '$lib/server/db';
import { AVAILABLE_KINDS, findImporter } from '$lib/server/import/registry';
import { createScenario } from '$lib/server/repositories/scenarios';
import { currentDatasetVersions } from '$lib/server/scenarios/run-saved';
import { GET as gapsApi } from '../../src/routes/api/v1/gaps/+server';
import { GET as cliffCsv } from '../../src/routes/cliff/cliff.csv/+server';
import { GET as gapsCsv } from '../../src/routes/gaps/export.csv/+server';
import { GET as templateCsv } from '../../src/routes/import/template.csv/+server';
import { GET as kindTemplate } from '../../src/routes/import/templates/[kind]/+server';
import { GET as scenarioTableCsv } from '../../src/routes/scenarios/[id]/export/[table].csv/+server';
import { GET as compareCsv } from '../../src/routes/scenarios/compare.csv/+server';
import { LOCAL_ADMINISTRATOR } from '../../src/lib/server/auth/roles';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'landscape-security-'));
process.env.LANDSCAPE_DB = path.join(dir, 'security.db');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Call a route's GET as SvelteKit would, with just the parts these handlers read. */
async function get(
	handler: (event: never) => Response | Promise<Response>,
	url: string,
	params: Record<string, string> = {}
): Promise<Response> {
	const event = {
		url: new URL(url, 'http://localhost'),
		params,
		request: new Request(new URL(url, 'http://localhost')),
		locals: { user: LOCAL_ADMINISTRATOR, requestId: 'test' }
	};
	return handler(event as never);
}

const csvRows = (text: string) =>
	Papa.parse<string[]>(text.trim(), { header: false, skipEmptyLines: true }).data;

/** Cells a spreadsheet would run as a formula: = + @ tab CR first, or - before anything but a number. */
function formulaCells(text: string): string[] {
	return csvRows(text)
		.flat()
		.filter((cell) => /^[=+@\t\r]/.test(cell) || (/^-/.test(cell) && Number.isNaN(Number(cell))));
}

const FORMULA_REFERENCE = '=HYPERLINK("http://example.invalid","click")';
const FORMULA_SCENARIO = '=1+2 illustrative scenario';
const FORMULA_PARTNER = '@SUM(1+1) illustrative partner';

let db: DB;
let scenarioId: string;

beforeAll(async () => {
	db = await initDatabase();
	// A PDU with 40 people on probation: its women with an accommodation need are under 5.
	const caseload = await findImporter('caseload')!.run(
		db,
		[{ name: 'tiny.csv', bytes: Buffer.from('pdu,period,caseload\nN54DUR,2025-12-31,40\n') }],
		{ fileName: 'tiny.csv', datasetName: 'Illustrative tiny caseload' }
	);
	expect(caseload.errors).toEqual([]);
	expect(caseload.status).toBe('imported');
	// An illustrative service whose reference and name start with formula characters.
	const services = await findImporter('services')!.run(
		db,
		[
			{
				name: 'formula.csv',
				bytes: Buffer.from(
					'source,reference,name,mechanism,funder,lead_provider,categories,region,pcc_areas,start_date,end_date,annual_value_gbp,places_per_year\n' +
						`local,"${FORMULA_REFERENCE.replace(/"/g, '""')}",-cmd illustrative service,grant,+Illustrative funder,@Illustrative provider,Accommodation,North East,Durham,01/04/2025,31/03/2030,"£50,000",20\n`
				)
			}
		],
		{ fileName: 'formula.csv', datasetName: 'Illustrative formula services' }
	);
	expect(services.errors).toEqual([]);
	expect(services.status).toBe('imported');
	scenarioId = (
		await createScenario(
			db,
			{
				name: FORMULA_SCENARIO,
				description: '',
				body: {
					changes: [
						{
							type: 'co-commission',
							partners: [
								{
									name: FORMULA_PARTNER,
									kind: 'pcc',
									annualGbp: 100_000,
									category: 'Accommodation',
									area: { pccArea: 'durham' }
								}
							]
						}
					],
					assumptions: { subgroups: ['all', 'women'] }
				},
				// saved on today's versions, the tiny caseload among them
				datasetVersions: await currentDatasetVersions(db)
			},
			{ owner: 'test' }
		)
	).id;
}, 60_000);

type GapRecord = Record<string, string>;
async function gapCsv(query: string): Promise<GapRecord[]> {
	const response = await get(gapsCsv, `/gaps/export.csv?${query}`);
	expect(response.status).toBe(200);
	return Papa.parse<GapRecord>((await response.text()).trim(), { header: true }).data;
}

interface ApiBody {
	totals: { needCount: number | null; suppressed?: string };
	pdus: {
		pdu: string;
		needCount: number | null;
		gap: number | null;
		coverage: number | null;
		suppressed?: string | null;
	}[];
	disclosure?: { rule: string; method: string };
}
async function gapApi(query: string): Promise<ApiBody> {
	const response = await get(gapsApi, `/api/v1/gaps?${query}`);
	expect(response.status).toBe(200);
	return (await response.json()) as ApiBody;
}

describe('disclosure control in the gap finder export and API', () => {
	const where = 'region=N54&category=Accommodation&date=2026-06-01';

	it('shows everyone’s counts in full', async () => {
		const rows = await gapCsv(`${where}&subgroup=all`);
		expect(rows.every((r) => /^\d+$/.test(r.need_count!))).toBe(true);
		const api = await gapApi(`${where}&subgroup=all`);
		expect(api.disclosure).toBeUndefined();
		expect(api.pdus.every((p) => !('suppressed' in p))).toBe(true);
	});

	it('hides the small count for women as "fewer than 5", and the next smallest PDU as "[c]"', async () => {
		const everyone = await gapApi(`${where}&subgroup=all`);
		// the complement: the other North East PDU with the fewest people with the need
		const next = everyone.pdus
			.filter((p) => p.pdu !== 'N54DUR')
			.sort((a, b) => a.needCount! - b.needCount!)[0]!.pdu;
		const rows = await gapCsv(`${where}&subgroup=women`);
		const byPdu = new Map(rows.map((r) => [r.pdu_code, r]));
		expect(byPdu.get('N54DUR')).toMatchObject({
			need_count: 'fewer than 5',
			gap: '[c]',
			coverage_percent: '[c]'
		});
		expect(byPdu.get(next)).toMatchObject({
			need_count: '[c]',
			gap: '[c]',
			coverage_percent: '[c]'
		});
		const shown = rows.filter((r) => r.pdu_code !== 'N54DUR' && r.pdu_code !== next);
		expect(shown.length).toBeGreaterThan(3);
		expect(shown.every((r) => /^\d+$/.test(r.need_count!) && Number(r.need_count) >= 5)).toBe(true);
		// hidden rows sort last, so their place in the order says nothing about their gap
		expect(
			rows
				.slice(-2)
				.map((r) => r.pdu_code)
				.sort()
		).toEqual(['N54DUR', next].sort());

		const api = await gapApi(`${where}&subgroup=women`);
		const dur = api.pdus.find((p) => p.pdu === 'N54DUR')!;
		expect(dur).toMatchObject({
			needCount: null,
			gap: null,
			coverage: null,
			suppressed: 'fewer than 5'
		});
		expect(api.pdus.find((p) => p.pdu === next)).toMatchObject({
			needCount: null,
			suppressed: '[c]'
		});
		expect(api.pdus.filter((p) => p.suppressed === null)).toHaveLength(shown.length);
		expect(api.disclosure).toMatchObject({ method: '/data-sources#disclosure-control' });
		expect(api.disclosure!.rule).toContain('fewer than 5');
		// the region's total is still published: two hidden counts protect each other
		expect(api.totals.needCount).toBeGreaterThan(0);
	});

	it('hides the same PDUs for men, so everyone minus men gives nothing away', async () => {
		const women = await gapCsv(`${where}&subgroup=women`);
		const men = await gapCsv(`${where}&subgroup=men`);
		const hidden = (rows: GapRecord[]) =>
			rows
				.filter((r) => !/^\d+$/.test(r.need_count!))
				.map((r) => `${r.pdu_code} ${r.need_count}`)
				.sort();
		const womenHidden = hidden(women).map((h) => h.split(' ')[0]);
		expect(hidden(men)).toEqual(womenHidden.map((pdu) => `${pdu} [c]`));
		// and the national view hides the same cells as the region's
		const national = await gapCsv('category=Accommodation&date=2026-06-01&subgroup=women');
		expect(hidden(national)).toEqual(hidden(women));
	});

	it('hides them in the scenario export too', async () => {
		const response = await get(scenarioTableCsv, `/scenarios/${scenarioId}/export/pdus.csv`, {
			id: scenarioId,
			table: 'pdus'
		});
		const rows = Papa.parse<GapRecord>((await response.text()).trim(), { header: true }).data;
		const dur = (subgroup: string) =>
			rows.find(
				(r) => r.pdu_code === 'N54DUR' && r.category === 'Accommodation' && r.subgroup === subgroup
			)!;
		expect(dur('women')).toMatchObject({
			need: 'fewer than 5',
			baseline_gap: '[c]',
			scenario_gap: '[c]',
			scenario_coverage: '[c]'
		});
		expect(Number(dur('all').need)).toBeGreaterThan(5);
		const explanations = await get(
			scenarioTableCsv,
			`/scenarios/${scenarioId}/export/explanations.csv`,
			{ id: scenarioId, table: 'explanations' }
		);
		const gap = Papa.parse<GapRecord>((await explanations.text()).trim(), {
			header: true
		}).data.find((e) => e.id === 'pdu:N54DUR:Accommodation:women:baseline.gap')!;
		expect(gap.value).toBe('fewer than 5');
		expect(gap.inputs).toContain('need = [c]');
	});
});

describe('CSV exports neutralise formula cells', () => {
	it('the gap finder export', async () => {
		// in 2029, without the 2021 awards' extensions, the illustrative service is the only one
		const response = await get(
			gapsCsv,
			'/gaps/export.csv?region=N54&category=Accommodation&date=2029-06-01&continued=0'
		);
		const text = await response.text();
		expect(text).toContain(`'${FORMULA_REFERENCE.replace(/"/g, '""')}`);
		expect(formulaCells(text)).toEqual([]);
	});

	it('the contract cliff export', async () => {
		const response = await get(cliffCsv, '/cliff/cliff.csv?region=N54');
		expect(response.status).toBe(200);
		expect(formulaCells(await response.text())).toEqual([]);
	});

	it('the import templates', async () => {
		expect(formulaCells(await (await get(templateCsv, '/import/template.csv')).text())).toEqual([]);
		for (const kind of AVAILABLE_KINDS) {
			const response = await get(kindTemplate, `/import/templates/${kind}`, { kind });
			if (!response.headers.get('content-type')?.includes('text/csv')) continue;
			expect(formulaCells(await response.text()), kind).toEqual([]);
		}
	});

	it('every scenario table', async () => {
		const tables = ['pdus', 'funding', 'lots', 'cannot-fix', 'assumptions', 'explanations'];
		let seen = '';
		for (const table of tables) {
			const response = await get(scenarioTableCsv, `/scenarios/${scenarioId}/export/${table}.csv`, {
				id: scenarioId,
				table
			});
			expect(response.status, table).toBe(200);
			const text = await response.text();
			seen += text;
			expect(formulaCells(text), table).toEqual([]);
		}
		expect(seen).toContain(`'${FORMULA_PARTNER}`);
	});

	it('the scenario comparison', async () => {
		const response = await get(
			compareCsv,
			`/scenarios/compare.csv?ids=${scenarioId}&category=Accommodation`
		);
		const text = await response.text();
		expect(text).toContain(`'${FORMULA_SCENARIO}`);
		expect(formulaCells(text)).toEqual([]);
	});
});
