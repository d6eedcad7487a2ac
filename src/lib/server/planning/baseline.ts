import type { CrsCategory } from '$lib/domain/categories';
import type { CoverageService, DemandPdu } from '$lib/domain/coverage';
import { weightedCentroid } from '$lib/domain/geo';
import type { Provenance } from '$lib/domain/provenance';
import type { Subgroup } from '$lib/domain/subgroups';
import { versionWatchOf, type DB } from '../db';
import { cachedWhileUnchanged } from '../db/version-watch';
import { listCaseloads, listNeedShares } from '../repositories/demand';
import { listPdus } from '../repositories/pdus';
import {
	listServices,
	listSites,
	type ServiceRecord,
	type SiteRecord
} from '../repositories/services';

/**
 * A PDU as demand. Its caseload is an imported figure where a current caseload import covers it,
 * else the shipped modelled one (see listCaseloads); either way it says where it came from.
 */
export type BaselinePdu = DemandPdu & {
	regionName: string;
	population: number;
	caseloadProvenance: Provenance;
	/** "modelled" (the shipped figure) or e.g. "published (imported from x.csv, version 2)" */
	caseloadSource: string;
	/** need shares (0–1) the PDU's imported caseload gives, replacing the national ones by category */
	needShares?: Partial<Record<CrsCategory, number>>;
	/** subgroup shares (0–1) of the caseload the PDU's imported caseload gives */
	subgroupShares?: Partial<Record<Subgroup, number>>;
};

/** Everything the supply-vs-demand model needs, as plain arrays, from the current dataset versions. */
export interface Baseline {
	/** dataset key → current version number, so every result can say what it was built on */
	datasetVersions: Record<string, number>;
	/** a key that changes whenever any current dataset version changes (for caches) */
	versionKey: string;
	/** whether it was loaded at pinned versions (a saved scenario's) rather than the current ones */
	pinned: boolean;
	/** the dataset version ids it was read from */
	versionIds: number[];
	pdus: BaselinePdu[];
	/** national need shares; a PDU's own (`pdus[i].needShares`) replace them for that PDU */
	needShares: Map<CrsCategory, number>;
	needShareNotes: Map<CrsCategory, { measure: string; note: string }>;
	services: (CoverageService & ServiceRecord)[];
	/** every site of the versions read (probation offices, CFO hubs, service sites) */
	sites: SiteRecord[];
}

/** A few baselines by version key: the current one, and those of scenarios pinned to older data. */
const cache = new Map<string, Promise<Baseline>>();
const CACHE_SIZE = 4;

interface VersionSet {
	versions: Record<string, number>;
	key: string;
	/** the dataset version ids (undefined: read the current versions) */
	ids?: number[];
}

/**
 * The current dataset versions: read from the database, except on PostgreSQL while its listener
 * hears of no change since the last read (db/version-watch.ts), when the last answer is reused.
 */
function currentVersions(db: DB): Promise<VersionSet> {
	let read = currentVersionReaders.get(db);
	if (!read) {
		read = cachedWhileUnchanged(
			() => versionWatchOf(db),
			() => readCurrentVersions(db)
		);
		currentVersionReaders.set(db, read);
	}
	return read();
}
const currentVersionReaders = new WeakMap<DB, () => Promise<VersionSet>>();

async function readCurrentVersions(db: DB): Promise<VersionSet> {
	const rows = await db
		.selectFrom('dataset_versions')
		.where('is_current', '=', 1)
		.select(['id', 'dataset_key', 'version'])
		.orderBy('id')
		.execute();
	return {
		versions: Object.fromEntries(rows.map((r) => [r.dataset_key, r.version])),
		key: rows.map((r) => r.id).join(',')
	};
}

/** The version ids of the given dataset versions; versions that do not exist are left out. */
async function pinnedVersions(db: DB, pinned: Record<string, number>): Promise<VersionSet> {
	const wanted = Object.entries(pinned);
	const rows =
		wanted.length === 0
			? []
			: await db
					.selectFrom('dataset_versions')
					.where((eb) =>
						eb.or(
							wanted.map(([key, version]) =>
								eb.and([eb('dataset_key', '=', key), eb('version', '=', version)])
							)
						)
					)
					.select(['id', 'dataset_key', 'version'])
					.orderBy('id')
					.execute();
	const ids = rows.map((r) => r.id);
	return {
		versions: Object.fromEntries(rows.map((r) => [r.dataset_key, r.version])),
		key: ids.join(','),
		ids
	};
}

/**
 * Load the baseline once and reuse it until a dataset version changes. The key is read from the
 * database on every call, so several app instances never serve a stale baseline. With `pinned`
 * (dataset key → version, as a scenario saves them) it loads those versions instead of the current
 * ones, so a saved scenario's figures can be reproduced.
 */
export async function loadBaseline(db: DB, pinned?: Record<string, number>): Promise<Baseline> {
	const { versions, key, ids } = pinned
		? await pinnedVersions(db, pinned)
		: await currentVersions(db);
	const hit = cache.get(key);
	if (hit) return hit;
	// The promise is kept, so requests arriving while it loads wait for the one load.
	const loading = readBaseline(db, versions, key, ids);
	cache.set(key, loading);
	if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
	loading.catch(() => {
		if (cache.get(key) === loading) cache.delete(key);
	});
	return loading;
}

async function readBaseline(
	db: DB,
	versions: Record<string, number>,
	key: string,
	ids: number[] | undefined
): Promise<Baseline> {
	const [pdus, caseloads, shares, services, sites, lads] = await Promise.all([
		listPdus(db),
		listCaseloads(db, undefined, ids),
		listNeedShares(db, ids),
		listServices(db, ids ? { versionIds: ids } : {}),
		listSites(db, ids ? { versionIds: ids } : {}),
		db
			.selectFrom('pdu_lads as pl')
			.innerJoin('lads as l', 'l.code', 'pl.lad_code')
			.select([
				'pl.pdu_code',
				'pl.coverage',
				'l.population_2021',
				'l.pop_centroid_lat',
				'l.pop_centroid_lon'
			])
			.execute()
	]);
	const caseloadOf = new Map(caseloads.map((c) => [c.pduCode, c]));
	const sitesOf = new Map<string, { lat: number; lon: number }[]>();
	for (const site of sites) {
		if (!site.serviceReference || site.lat === null || site.lon === null) continue;
		sitesOf.set(site.serviceReference, [
			...(sitesOf.get(site.serviceReference) ?? []),
			{ lat: site.lat, lon: site.lon }
		]);
	}
	const baseline: Baseline = {
		datasetVersions: versions,
		versionKey: key,
		pinned: !!ids,
		versionIds: key ? key.split(',').map(Number) : [],
		pdus: pdus.map((p): BaselinePdu => {
			const mine = lads.filter((l) => l.pdu_code === p.code);
			const weight = (l: (typeof mine)[number]) =>
				l.population_2021 * (l.coverage === 'part' ? 0.5 : 1);
			const caseload = caseloadOf.get(p.code);
			return {
				code: p.code,
				name: p.name,
				regionCode: p.regionCode,
				regionName: p.regionName,
				pccAreaIds: p.pccAreas.map((a) => a.id),
				caseload: caseload?.caseload ?? 0,
				caseloadProvenance: caseload?.provenance ?? 'modelled',
				caseloadSource: caseload?.source ?? 'no caseload figure: counted as 0',
				...(caseload?.needShares.length && {
					needShares: Object.fromEntries(caseload.needShares.map((n) => [n.key, n.share]))
				}),
				...(caseload?.subgroups.length && {
					subgroupShares: Object.fromEntries(caseload.subgroups.map((n) => [n.key, n.share]))
				}),
				population: Math.round(mine.reduce((s, l) => s + weight(l), 0)),
				centroid: weightedCentroid(
					mine.map((l) => ({ lat: l.pop_centroid_lat, lon: l.pop_centroid_lon, weight: weight(l) }))
				)
			};
		}),
		needShares: new Map(shares.map((s) => [s.category, s.share])),
		needShareNotes: new Map(shares.map((s) => [s.category, { measure: s.measure, note: s.note }])),
		services: services.map((s) => ({ ...s, sites: sitesOf.get(s.reference) ?? [] })),
		sites
	};
	return baseline;
}
