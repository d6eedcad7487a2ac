import { toScenarioOrganisations } from '$lib/domain/scenario/baseline';
import type { ScenarioBaseline, ScenarioOrganisation } from '$lib/domain/scenario';
import type { DB } from '../db';
import { loadBaseline } from '../planning/baseline';
import { listOrganisationFacts } from '../repositories/organisations';
import { listPccAreas } from '../repositories/regions';

const cache = new Map<string, ScenarioBaseline>();
const CACHE_SIZE = 4;

/**
 * The data a scenario runs on: the planning baseline (PDUs, need shares, services) plus regions,
 * PCC areas and organisations, from the current dataset versions or, with `pinned`, from the
 * versions a scenario was saved with. Rebuilt when a dataset version changes (the key is read from
 * the database on every call, so app instances agree).
 */
export async function loadScenarioBaseline(
	db: DB,
	pinned?: Record<string, number>
): Promise<ScenarioBaseline> {
	const baseline = await loadBaseline(db, pinned);
	const key = `${pinned ? 'pinned' : 'current'}:${baseline.versionKey}`;
	const hit = cache.get(key);
	if (hit) return hit;
	const [pccAreas, facts] = await Promise.all([
		listPccAreas(db),
		listOrganisationFacts(db, pinned ? baseline.versionIds : undefined)
	]);
	const regions = new Map(baseline.pdus.map((p) => [p.regionCode, p.regionName]));
	const fromServices = toScenarioOrganisations(facts, baseline.services);
	// Supplier lists (organisation imports) add the regions and DF categories they record.
	const organisations: ScenarioOrganisation[] = fromServices.map((o, i) => {
		const f = facts[i]!;
		return {
			...o,
			dfCategories: [...new Set([...o.dfCategories, ...f.dfCategories])].sort(),
			regions: [...new Set([...o.regions, ...f.regions])].sort()
		};
	});
	const scenarioBaseline: ScenarioBaseline = {
		datasetVersions: baseline.datasetVersions,
		regions: [...regions]
			.map(([code, name]) => ({ code, name }))
			.sort((a, b) => a.name.localeCompare(b.name)),
		pccAreas,
		pdus: baseline.pdus,
		needShares: baseline.needShares,
		services: baseline.services,
		organisations
	};
	cache.set(key, scenarioBaseline);
	if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
	return scenarioBaseline;
}
