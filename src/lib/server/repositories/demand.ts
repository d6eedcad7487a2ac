import { CRS_CATEGORIES, type CrsCategory } from '$lib/domain/categories';
import type { NeedShare } from '$lib/domain/caseload';
import type { Provenance } from '$lib/domain/provenance';
import { SUBGROUPS, type Subgroup } from '$lib/domain/subgroups';
import type { DB } from '../db';

/** The shipped caseload dataset: the national total shared out by population (modelled). */
export const MODELLED_CASELOAD_DATASET = 'caseload';

/** A need or subgroup figure given for one PDU by an imported caseload file. */
export interface PduShare<K extends string> {
	key: K;
	/** 0–1 */
	share: number;
	/** people, when the file gave a count */
	people: number | null;
}

export interface PduCaseload {
	pduCode: string;
	/** ISO date the caseload was counted at */
	period: string;
	caseload: number;
	community: number | null;
	postRelease: number | null;
	provenance: Provenance;
	datasetKey: string;
	datasetVersion: number;
	/** the file the figure was imported from; null for the shipped modelled figure */
	importedFrom: string | null;
	/**
	 * Where the figure comes from, in words: "modelled" (the shipped figure: the national total
	 * shared out by population), or e.g. "published (imported from north-east.csv, version 2)".
	 */
	source: string;
	/** need shares the imported file gives for this PDU; they replace the national ones */
	needShares: PduShare<CrsCategory>[];
	/** subgroup figures the imported file gives for this PDU */
	subgroups: PduShare<Subgroup>[];
}

/** How a PDU figure is described, from its provenance and where it was imported from. */
export function describeCaseloadSource(c: {
	provenance: Provenance;
	importedFrom: string | null;
	datasetVersion: number;
}): string {
	return c.importedFrom === null
		? c.provenance
		: `${c.provenance} (imported from ${c.importedFrom}, version ${c.datasetVersion})`;
}

/**
 * The caseload of every PDU (or one), one figure each, from the current dataset versions. For each
 * PDU an imported figure replaces the shipped modelled one; where two current imported datasets
 * cover the same PDU, the one imported last wins (the newest dataset version).
 */
export async function listCaseloads(
	db: DB,
	pduCode?: string,
	/** dataset version ids to read (e.g. those a scenario was saved with); default: the current ones */
	scope?: readonly number[]
): Promise<PduCaseload[]> {
	let q = db
		.selectFrom('pdu_caseloads as c')
		.innerJoin('dataset_versions as v', 'v.id', 'c.dataset_version_id')
		.where((eb) =>
			scope ? eb('v.id', 'in', scope.length ? [...scope] : [-1]) : eb('v.is_current', '=', 1)
		)
		.where((eb) =>
			eb.or([
				eb('v.dataset_key', '=', MODELLED_CASELOAD_DATASET),
				eb('v.dataset_key', 'like', `${MODELLED_CASELOAD_DATASET}-%`)
			])
		)
		.select([
			'c.dataset_version_id',
			'c.pdu_code',
			'c.period',
			'c.caseload',
			'c.community',
			'c.post_release',
			'c.provenance',
			'v.dataset_key',
			'v.version',
			'v.file_name'
		]);
	if (pduCode) q = q.where('c.pdu_code', '=', pduCode);
	const rows = await q.execute();
	const rank = (r: (typeof rows)[number]) =>
		(r.dataset_key === MODELLED_CASELOAD_DATASET ? 0 : 1) * 1e12 + r.dataset_version_id;
	const chosen = new Map<string, (typeof rows)[number]>();
	for (const r of rows) {
		const held = chosen.get(r.pdu_code);
		if (!held || rank(r) > rank(held)) chosen.set(r.pdu_code, r);
	}
	const versionIds = [
		...new Set(
			[...chosen.values()]
				.filter((r) => r.dataset_key !== MODELLED_CASELOAD_DATASET)
				.map((r) => r.dataset_version_id)
		)
	];
	const [needs, subgroups] =
		versionIds.length === 0
			? [[], []]
			: await Promise.all([
					db
						.selectFrom('pdu_need_shares')
						.where('dataset_version_id', 'in', versionIds)
						.selectAll()
						.execute(),
					db
						.selectFrom('pdu_subgroup_shares')
						.where('dataset_version_id', 'in', versionIds)
						.selectAll()
						.execute()
				]);
	const keyOf = (versionId: number, pdu: string) => `${versionId}\u0000${pdu}`;
	const needsOf = new Map<string, PduShare<CrsCategory>[]>();
	for (const n of needs) {
		if (!(CRS_CATEGORIES as readonly string[]).includes(n.category)) continue;
		const k = keyOf(n.dataset_version_id, n.pdu_code);
		needsOf.set(k, [
			...(needsOf.get(k) ?? []),
			{ key: n.category as CrsCategory, share: n.share, people: n.people }
		]);
	}
	const subgroupsOf = new Map<string, PduShare<Subgroup>[]>();
	for (const s of subgroups) {
		if (!(SUBGROUPS as readonly string[]).includes(s.subgroup)) continue;
		const k = keyOf(s.dataset_version_id, s.pdu_code);
		subgroupsOf.set(k, [
			...(subgroupsOf.get(k) ?? []),
			{ key: s.subgroup as Subgroup, share: s.share, people: s.people }
		]);
	}
	const byOrder =
		<K extends string>(order: readonly K[]) =>
		(a: PduShare<K>, b: PduShare<K>) =>
			order.indexOf(a.key) - order.indexOf(b.key);
	return [...chosen.values()]
		.sort((a, b) => (a.pdu_code < b.pdu_code ? -1 : a.pdu_code > b.pdu_code ? 1 : 0))
		.map((r) => {
			const importedFrom = r.dataset_key === MODELLED_CASELOAD_DATASET ? null : r.file_name;
			const provenance = r.provenance as Provenance;
			const k = keyOf(r.dataset_version_id, r.pdu_code);
			return {
				pduCode: r.pdu_code,
				period: r.period,
				caseload: r.caseload,
				community: r.community,
				postRelease: r.post_release,
				provenance,
				datasetKey: r.dataset_key,
				datasetVersion: r.version,
				importedFrom,
				source: describeCaseloadSource({ provenance, importedFrom, datasetVersion: r.version }),
				needShares: (needsOf.get(k) ?? []).sort(byOrder(CRS_CATEGORIES)),
				subgroups: (subgroupsOf.get(k) ?? []).sort(byOrder(SUBGROUPS))
			};
		});
}

/** The current national need shares by CRS category. */
export async function listNeedShares(
	db: DB,
	/** dataset version ids to read; default: the current ones */
	scope?: readonly number[]
): Promise<NeedShare[]> {
	const rows = await db
		.selectFrom('need_shares as n')
		.innerJoin('dataset_versions as v', 'v.id', 'n.dataset_version_id')
		.where((eb) =>
			scope ? eb('v.id', 'in', scope.length ? [...scope] : [-1]) : eb('v.is_current', '=', 1)
		)
		.where('n.scope', '=', 'national')
		.select(['n.category', 'n.share', 'n.measure', 'n.provenance', 'n.note'])
		.execute();
	// In the categories' own order: unordered, the engines return the join's rows as their plans
	// happen to produce them, which differ between SQLite and PostgreSQL (and as tables change).
	return rows
		.filter((r): r is typeof r & { category: CrsCategory } =>
			(CRS_CATEGORIES as readonly string[]).includes(r.category)
		)
		.sort((x, y) => CRS_CATEGORIES.indexOf(x.category) - CRS_CATEGORIES.indexOf(y.category))
		.map((r) => ({
			category: r.category,
			share: r.share,
			measure: r.measure,
			provenance: r.provenance as Provenance,
			note: r.note
		}));
}

/**
 * The need shares that apply to one PDU: the national shares, each replaced by the share its
 * caseload file gives for the PDU, if any (the imported share's note says where it came from).
 */
export function needSharesForPdu(
	national: readonly NeedShare[],
	caseload: Pick<PduCaseload, 'needShares' | 'provenance' | 'source' | 'caseload'> | undefined
): NeedShare[] {
	const own = new Map((caseload?.needShares ?? []).map((n) => [n.key, n]));
	const result: NeedShare[] = [];
	for (const category of CRS_CATEGORIES) {
		const mine = own.get(category);
		const shared = national.find((s) => s.category === category);
		if (mine && caseload)
			result.push({
				category,
				share: mine.share,
				measure: 'identified need',
				provenance: caseload.provenance,
				note:
					mine.people === null
						? `Share given for this PDU: ${caseload.source}.`
						: `${mine.people} people given for this PDU: ${caseload.source}.`
			});
		else if (shared) result.push(shared);
	}
	return result;
}
