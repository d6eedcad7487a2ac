import { CRS_CATEGORIES, type CrsCategory } from '$lib/domain/categories';
import type { NeedShare } from '$lib/domain/caseload';
import type { Provenance } from '$lib/domain/provenance';
import type { DB } from '../db';

export interface PduCaseload {
	pduCode: string;
	period: string;
	caseload: number;
	community: number | null;
	postRelease: number | null;
	provenance: Provenance;
	datasetKey: string;
	datasetVersion: number;
}

/** The current caseload of every PDU (or one), from the current caseload dataset version. */
export async function listCaseloads(db: DB, pduCode?: string): Promise<PduCaseload[]> {
	let q = db
		.selectFrom('pdu_caseloads as c')
		.innerJoin('dataset_versions as v', 'v.id', 'c.dataset_version_id')
		.where('v.is_current', '=', 1)
		.select([
			'c.pdu_code',
			'c.period',
			'c.caseload',
			'c.community',
			'c.post_release',
			'c.provenance',
			'v.dataset_key',
			'v.version'
		]);
	if (pduCode) q = q.where('c.pdu_code', '=', pduCode);
	return (await q.execute()).map((r) => ({
		pduCode: r.pdu_code,
		period: r.period,
		caseload: r.caseload,
		community: r.community,
		postRelease: r.post_release,
		provenance: r.provenance as Provenance,
		datasetKey: r.dataset_key,
		datasetVersion: r.version
	}));
}

/** The current national need shares by CRS category. */
export async function listNeedShares(db: DB): Promise<NeedShare[]> {
	const rows = await db
		.selectFrom('need_shares as n')
		.innerJoin('dataset_versions as v', 'v.id', 'n.dataset_version_id')
		.where('v.is_current', '=', 1)
		.where('n.scope', '=', 'national')
		.select(['n.category', 'n.share', 'n.measure', 'n.provenance', 'n.note'])
		.execute();
	return rows
		.filter((r): r is typeof r & { category: CrsCategory } =>
			(CRS_CATEGORIES as readonly string[]).includes(r.category)
		)
		.map((r) => ({
			category: r.category,
			share: r.share,
			measure: r.measure,
			provenance: r.provenance as Provenance,
			note: r.note
		}));
}
