import type { DB } from '../db';
import { listCaseloads } from './demand';

export interface RegionSummary {
	code: string;
	rmCode: string;
	name: string;
	population: number;
	pduCount: number;
	/** Modelled people on probation (sum of the region's modelled PDU caseloads). */
	caseload: number;
	caseloadProvenance: 'modelled' | 'published' | 'mixed';
	awardCount: number;
	awardValueGbp: number;
}

/** All 12 regions with PDU counts, modelled caseload and the value of the 2021 CRS awards. */
export async function listRegionSummaries(db: DB): Promise<RegionSummary[]> {
	const [regions, pdus, caseloads, awards] = await Promise.all([
		db.selectFrom('regions').selectAll().orderBy('name').execute(),
		db
			.selectFrom('pdus')
			.where('valid_to', 'is', null)
			.select(['region_code', (eb) => eb.fn.countAll<number>().as('n')])
			.groupBy('region_code')
			.execute(),
		// One figure per PDU: an imported one where a caseload import covers it, else the modelled one.
		Promise.all([
			listCaseloads(db),
			db.selectFrom('pdus').select(['code', 'region_code']).execute()
		]).then(([list, codes]) => {
			const regionOf = new Map(codes.map((p) => [p.code, p.region_code]));
			return list.map((c) => ({
				region_code: regionOf.get(c.pduCode),
				caseload: c.caseload,
				provenance: c.provenance
			}));
		}),
		db
			.selectFrom('services as s')
			.innerJoin('dataset_versions as v', 'v.id', 's.dataset_version_id')
			.where('v.is_current', '=', 1)
			.where('s.record_type', '=', 'award')
			.select([
				's.region_code',
				(eb) => eb.fn.countAll<number>().as('n'),
				(eb) => eb.fn.sum<number>('s.total_value_gbp').as('value')
			])
			.groupBy('s.region_code')
			.execute()
	]);
	return regions.map((r) => {
		const mine = caseloads.filter((c) => c.region_code === r.code);
		const provenances = new Set(mine.map((c) => c.provenance));
		const award = awards.find((a) => a.region_code === r.code);
		return {
			code: r.code,
			rmCode: r.rm_code,
			name: r.name,
			population: r.population_2021,
			pduCount: Number(pdus.find((p) => p.region_code === r.code)?.n ?? 0),
			caseload: mine.reduce((sum, c) => sum + c.caseload, 0),
			caseloadProvenance:
				provenances.size > 1 ? 'mixed' : provenances.has('published') ? 'published' : 'modelled',
			awardCount: Number(award?.n ?? 0),
			awardValueGbp: Number(award?.value ?? 0)
		};
	});
}

/** Find a region by its nDelius code (N54) or its Refer and Monitor letter (A). */
export async function findRegionCode(db: DB, code: string): Promise<string | undefined> {
	const upper = code.toUpperCase();
	const row = await db
		.selectFrom('regions')
		.select('code')
		.where((eb) => eb.or([eb('code', '=', upper), eb('rm_code', '=', upper)]))
		.executeTakeFirst();
	return row?.code;
}

export interface PccAreaRef {
	id: string;
	name: string;
}

export async function listPccAreas(
	db: DB,
	regionCode?: string
): Promise<(PccAreaRef & { regionCode: string })[]> {
	let q = db.selectFrom('pcc_areas').select(['id', 'name', 'region_code']).orderBy('name');
	if (regionCode) q = q.where('region_code', '=', regionCode);
	return (await q.execute()).map((p) => ({ id: p.id, name: p.name, regionCode: p.region_code }));
}
