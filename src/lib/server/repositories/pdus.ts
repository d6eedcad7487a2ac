import { CRS_CATEGORIES } from '$lib/domain/categories';
import { estimateNeeds, type NeedEstimate } from '$lib/domain/caseload';
import type { Provenance } from '$lib/domain/provenance';
import type { DB } from '../db';
import { listCaseloads, listNeedShares, needSharesForPdu } from './demand';
import type { PccAreaRef } from './regions';

export interface PduSummary {
	code: string;
	slug: string;
	name: string;
	regionCode: string;
	regionName: string;
	pccAreas: PccAreaRef[];
	population: number | null;
	caseload: number | null;
	caseloadProvenance: Provenance | null;
	validFrom: string | null;
}

/** Current PDUs (optionally of one region) with their PCC areas and caseload. */
export async function listPdus(
	db: DB,
	filter: { regionCode?: string } = {}
): Promise<PduSummary[]> {
	let q = db
		.selectFrom('pdus as p')
		.innerJoin('regions as r', 'r.code', 'p.region_code')
		.where('p.valid_to', 'is', null)
		.select([
			'p.code',
			'p.slug',
			'p.name',
			'p.region_code',
			'r.name as region_name',
			'p.population_2021',
			'p.valid_from'
		])
		.orderBy('r.name')
		.orderBy('p.name');
	if (filter.regionCode) q = q.where('p.region_code', '=', filter.regionCode);
	const [pdus, pccs, caseloads] = await Promise.all([
		q.execute(),
		db
			.selectFrom('pdu_pcc_areas as pp')
			.innerJoin('pcc_areas as a', 'a.id', 'pp.pcc_area_id')
			.select(['pp.pdu_code', 'a.id', 'a.name'])
			.orderBy('pp.pdu_code')
			.orderBy('pp.pcc_area_id')
			.execute(),
		listCaseloads(db)
	]);
	return pdus.map((p) => {
		const caseload = caseloads.find((c) => c.pduCode === p.code);
		return {
			code: p.code,
			slug: p.slug,
			name: p.name,
			regionCode: p.region_code,
			regionName: p.region_name,
			pccAreas: pccs.filter((a) => a.pdu_code === p.code).map((a) => ({ id: a.id, name: a.name })),
			population: p.population_2021,
			caseload: caseload?.caseload ?? null,
			caseloadProvenance: caseload?.provenance ?? null,
			validFrom: p.valid_from
		};
	});
}

export interface PduLad {
	code: string;
	name: string;
	coverage: 'whole' | 'part';
	basis: string;
	note: string | null;
	population: number;
	countyOrUnitary: string | null;
	combinedAuthority: string | null;
}

export interface PduDetail extends PduSummary {
	deliusName: string | null;
	casName: string | null;
	replaces: string | null;
	mappingBasis: string;
	splitLads: string | null;
	lads: PduLad[];
	caseloadPeriod: string | null;
	/** "modelled" (the shipped figure) or e.g. "published (imported from x.csv, version 2)" */
	caseloadSource: string | null;
	/** `imported`: the share was given for this PDU by its caseload file, not the national one */
	needs: (NeedEstimate & { imported: boolean })[];
	changes: { change: string; oldName: string; newName: string; date: string; recordedIn: string }[];
}

/** One PDU, found by its nDelius code or its find-and-refer slug. */
export async function findPdu(db: DB, codeOrSlug: string): Promise<PduDetail | undefined> {
	const row = await db
		.selectFrom('pdus')
		.selectAll()
		.where('valid_to', 'is', null)
		.where((eb) =>
			eb.or([eb('code', '=', codeOrSlug.toUpperCase()), eb('slug', '=', codeOrSlug.toLowerCase())])
		)
		.executeTakeFirst();
	if (!row) return undefined;
	const [summary] = (await listPdus(db, { regionCode: row.region_code })).filter(
		(p) => p.code === row.code
	);
	const [lads, caseloads, shares, changes] = await Promise.all([
		db
			.selectFrom('pdu_lads as pl')
			.innerJoin('lads as l', 'l.code', 'pl.lad_code')
			.where('pl.pdu_code', '=', row.code)
			.select([
				'l.code',
				'l.name',
				'pl.coverage',
				'pl.basis',
				'pl.note',
				'l.population_2021',
				'l.county_ua_name',
				'l.combined_authority_name'
			])
			.orderBy('l.name')
			.execute(),
		listCaseloads(db, row.code),
		listNeedShares(db),
		db
			.selectFrom('pdu_changes')
			.selectAll()
			.where((eb) => eb.or([eb('new_pdu_code', '=', row.code), eb('old_pdu_code', '=', row.code)]))
			.execute()
	]);
	const caseload = caseloads[0];
	return {
		...summary!,
		deliusName: row.delius_name,
		casName: row.cas_name,
		replaces: row.replaces,
		mappingBasis: row.mapping_basis,
		splitLads: row.split_lads,
		lads: lads.map((l) => ({
			code: l.code,
			name: l.name,
			coverage: l.coverage as 'whole' | 'part',
			basis: l.basis,
			note: l.note,
			population: l.population_2021,
			countyOrUnitary: l.county_ua_name,
			combinedAuthority: l.combined_authority_name
		})),
		caseloadPeriod: caseload?.period ?? null,
		caseloadSource: caseload?.source ?? null,
		needs: caseload
			? estimateNeeds(caseload.caseload, needSharesForPdu(shares, caseload), CRS_CATEGORIES).map(
					(n) => ({ ...n, imported: caseload.needShares.some((s) => s.key === n.category) })
				)
			: [],
		changes: changes.map((c) => ({
			change: c.change,
			oldName: c.old_pdu_name,
			newName: c.new_pdu_name,
			date: c.recorded_date,
			recordedIn: c.recorded_in
		}))
	};
}
