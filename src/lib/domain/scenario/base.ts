import { CRS_CATEGORIES, type CrsCategory } from '../categories';
import {
	computeGaps,
	prepareCoverage,
	type CoverageService,
	type GapRow,
	type PreparedCoverage
} from '../coverage';
import type { MarketService } from '../market';
import type { Subgroup } from '../subgroups';
import type { ScenarioAssumptions } from './assumptions';
import type { ScenarioBaseline, ScenarioOrganisation, ScenarioService } from './types';

export type PreparedEntry = PreparedCoverage['entries'][number];

/** A service a change adds, with the PDUs (by index) it reaches. */
export interface AddedService {
	service: CoverageService;
	pduIndexes: number[];
}

/**
 * The work done once per baseline and gap assumptions, and reused by every scenario run on them:
 * which services count and whom they reach, the baseline gap rows for every category and subgroup,
 * and the geography and organisation look-ups the changes need.
 */
export interface ScenarioBase {
	baseline: ScenarioBaseline;
	prepared: PreparedCoverage;
	needShares: ReadonlyMap<CrsCategory, number>;
	pduIndex: ReadonlyMap<string, number>;
	/** prepared services by category, in baseline order */
	entriesByCategory: ReadonlyMap<CrsCategory, readonly PreparedEntry[]>;
	/** baseline gap rows for a category and subgroup, indexed like the PDUs (computed on first use) */
	rows: (category: CrsCategory, subgroup: Subgroup) => readonly GapRow[];
	/** 1 where some service or known organisation could deliver the category in the PDU */
	providerInReach: ReadonlyMap<CrsCategory, Uint8Array>;
	regionPdus: ReadonlyMap<string, readonly number[]>;
	pccPdus: ReadonlyMap<string, readonly number[]>;
	regionNames: ReadonlyMap<string, string>;
	pccNames: ReadonlyMap<string, string>;
	/** organisations known to work in a region on a category, by `${region}|${category}` */
	candidates: ReadonlyMap<string, readonly ScenarioOrganisation[]>;
	/** services counted on the planning date, as the market measures need them */
	marketServices: readonly MarketService[];
	/** cache of frozen rows and explanation entries built from this base (see run.ts) */
	explainCache: Map<string, unknown>;
}

export const rowsKey = (category: CrsCategory, subgroup: Subgroup) => `${category}|${subgroup}`;

const cache = new WeakMap<ScenarioBaseline, { key: string; base: ScenarioBase }>();

/** The gap-model assumptions a base depends on (thresholds and costs do not change it). */
function baseKey(a: ScenarioAssumptions): string {
	return JSON.stringify([
		a.planningDate,
		a.unitCostGbp,
		a.subgroupShares,
		a.continueWhileReferralsOpen,
		a.siteCatchmentKm
	]);
}

/**
 * The prepared base for a baseline, built once and kept (weakly, per baseline object) until the gap
 * assumptions change. The cache never changes a number: the same inputs give the same base.
 */
export function scenarioBaseFor(
	baseline: ScenarioBaseline,
	assumptions: ScenarioAssumptions
): ScenarioBase {
	const key = baseKey(assumptions);
	const hit = cache.get(baseline);
	if (hit?.key === key) return hit.base;
	const base = prepareScenarioBase(baseline, assumptions);
	cache.set(baseline, { key, base });
	return base;
}

/** Build a base without the cache (used by scenarioBaseFor; exported for tests and benches). */
export function prepareScenarioBase(
	baseline: ScenarioBaseline,
	assumptions: ScenarioAssumptions
): ScenarioBase {
	const needShares = new Map(baseline.needShares);
	const prepared = prepareCoverage(baseline.pdus, needShares, baseline.services, assumptions);
	const n = baseline.pdus.length;
	const pduIndex = new Map(baseline.pdus.map((p, i) => [p.code, i]));

	const entriesByCategory = new Map<CrsCategory, PreparedEntry[]>(
		CRS_CATEGORIES.map((c) => [c, []])
	);
	for (const entry of prepared.entries)
		for (const c of entry.service.categories) entriesByCategory.get(c)?.push(entry);

	const categoryPrepared = (c: CrsCategory): PreparedCoverage => ({
		...prepared,
		entries: entriesByCategory.get(c)!
	});
	const computed = new Map<string, GapRow[]>();
	const rows = (c: CrsCategory, s: Subgroup) => {
		const key = rowsKey(c, s);
		let hit = computed.get(key);
		if (!hit) {
			hit = computeGaps(categoryPrepared(c), c, s);
			computed.set(key, hit);
		}
		return hit;
	};

	const regionPdus = new Map<string, number[]>();
	const pccPdus = new Map<string, number[]>();
	baseline.pdus.forEach((p, i) => {
		push(regionPdus, p.regionCode, i);
		for (const id of p.pccAreaIds) push(pccPdus, id, i);
	});

	const candidates = new Map<string, ScenarioOrganisation[]>();
	for (const org of baseline.organisations) {
		const cats = new Set([...org.dfCategories, ...org.categories]);
		for (const region of new Set(org.regions))
			for (const c of cats) push(candidates, `${region}|${c}`, org);
	}

	const providerInReach = new Map<CrsCategory, Uint8Array>();
	for (const c of CRS_CATEGORIES) {
		const reach = new Uint8Array(n);
		for (const entry of entriesByCategory.get(c)!) for (const i of entry.pduIndexes) reach[i] = 1;
		baseline.pdus.forEach((p, i) => {
			if (candidates.has(`${p.regionCode}|${c}`)) reach[i] = 1;
		});
		providerInReach.set(c, reach);
	}

	const regionNames = new Map(baseline.regions.map((r) => [r.code, r.name]));
	for (const p of baseline.pdus)
		if (p.regionName && !regionNames.has(p.regionCode)) regionNames.set(p.regionCode, p.regionName);

	return {
		baseline,
		prepared,
		needShares,
		pduIndex,
		entriesByCategory,
		rows,
		providerInReach,
		regionPdus,
		pccPdus,
		regionNames,
		pccNames: new Map((baseline.pccAreas ?? []).map((a) => [a.id, a.name])),
		candidates,
		marketServices: prepared.entries.map((e) => toMarketService(e.service as ScenarioService)),
		explainCache: new Map()
	};
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
	const list = map.get(key);
	if (list) list.push(value);
	else map.set(key, [value]);
}

/** A service as the market measures need it, with the documented defaults for missing fields. */
export function toMarketService(s: ScenarioService): MarketService {
	return {
		reference: s.reference,
		name: s.name,
		source:
			s.source ??
			(s.recordType === 'award' || s.recordType === 'definition'
				? 'crs'
				: s.recordType === 'grant'
					? 'roif'
					: 'local'),
		recordType: s.recordType,
		leadOrganisationId: s.leadOrganisationId ?? null,
		leadProvider: s.leadProvider,
		subcontractors: s.subcontractors ?? [],
		categories: s.categories,
		regionCode: s.regionCode,
		annualValueGbp: s.annualValueGbp,
		totalValueGbp: s.totalValueGbp ?? null,
		linkedReferences: s.linkedReferences
	};
}

/**
 * Gap rows for one category after removing some services and adding others, for each subgroup.
 * Only the PDUs a removed or added service reaches can change ("touched"); they are recomputed with
 * the gap model on a sub-problem holding every PDU that any service reaching them covers, so each
 * service's places are shared over exactly the PDUs they are shared over nationally. Every other row
 * is the baseline row. Returns the rows (indexed like the PDUs) and the touched flags.
 */
export function recomputeCategory(
	base: ScenarioBase,
	category: CrsCategory,
	removed: ReadonlySet<string>,
	added: readonly AddedService[],
	subgroups: readonly Subgroup[]
): { rows: Map<Subgroup, readonly GapRow[]>; touched: Uint8Array } {
	const n = base.baseline.pdus.length;
	const touched = new Uint8Array(n);
	const all = base.entriesByCategory.get(category) ?? [];
	let any = false;
	for (const e of all)
		if (removed.has(e.service.reference))
			for (const i of e.pduIndexes) {
				touched[i] = 1;
				any = true;
			}
	for (const a of added)
		for (const i of a.pduIndexes) {
			touched[i] = 1;
			any = true;
		}
	const rows = new Map<Subgroup, readonly GapRow[]>();
	if (!any) {
		for (const s of subgroups) rows.set(s, base.rows(category, s));
		return { rows, touched };
	}
	const entries: PreparedEntry[] = [];
	const reachesTouched = (idx: readonly number[]) => idx.some((i) => touched[i] === 1);
	for (const e of all)
		if (!removed.has(e.service.reference) && reachesTouched(e.pduIndexes)) entries.push(e);
	for (const a of added)
		entries.push({ service: a.service, continued: false, pduIndexes: a.pduIndexes });

	const inSubset = new Int32Array(n).fill(-1);
	const subset: number[] = [];
	const include = (i: number) => {
		if (inSubset[i] === -1) {
			inSubset[i] = 0;
			subset.push(i);
		}
	};
	for (let i = 0; i < n; i++) if (touched[i]) include(i);
	for (const e of entries) for (const i of e.pduIndexes) include(i);
	subset.sort((a, b) => a - b);
	subset.forEach((i, k) => (inSubset[i] = k));
	const sub: PreparedCoverage = {
		pdus: subset.map((i) => base.baseline.pdus[i]!),
		needShares: base.needShares,
		assumptions: base.prepared.assumptions,
		entries: entries.map((e) => ({ ...e, pduIndexes: e.pduIndexes.map((i) => inSubset[i]!) })),
		excluded: []
	};
	for (const s of subgroups) {
		const computed = computeGaps(sub, category, s);
		const out = base.rows(category, s).slice();
		subset.forEach((i, k) => {
			if (touched[i]) out[i] = computed[k]!;
		});
		rows.set(s, out);
	}
	return { rows, touched };
}
