import { toScenarioOrganisations, type OrganisationFacts } from '$lib/domain/scenario/baseline';
import type { ScenarioBaseline } from '$lib/domain/scenario';
import type { DB } from '../db';
import { loadBaseline } from '../planning/baseline';
import { listPccAreas } from '../repositories/regions';

let cache: { key: string; baseline: ScenarioBaseline } | undefined;

/** What is recorded about each organisation (type, income, "by and for", Dynamic Framework). */
async function organisationFacts(db: DB): Promise<OrganisationFacts[]> {
	const rows = await db
		.selectFrom('organisations')
		.select(['id', 'name', 'org_type', 'annual_income_gbp', 'by_and_for', 'df_registered'])
		.orderBy('id')
		.execute();
	const flag = (v: number | null) => (v === null ? null : v === 1);
	return rows.map((o) => ({
		id: o.id,
		name: o.name,
		orgType: o.org_type,
		annualIncomeGbp: o.annual_income_gbp,
		byAndFor: flag(o.by_and_for),
		dfRegistered: flag(o.df_registered)
	}));
}

/**
 * The data a scenario runs on, from the current dataset versions: the planning baseline (PDUs,
 * need shares, services) plus regions, PCC areas and organisations. Rebuilt when a dataset version
 * changes (the key is read from the database on every call, so app instances agree).
 */
export async function loadScenarioBaseline(db: DB): Promise<ScenarioBaseline> {
	const baseline = await loadBaseline(db);
	if (cache?.key === baseline.versionKey) return cache.baseline;
	const [pccAreas, facts] = await Promise.all([listPccAreas(db), organisationFacts(db)]);
	const regions = new Map(baseline.pdus.map((p) => [p.regionCode, p.regionName]));
	const scenarioBaseline: ScenarioBaseline = {
		datasetVersions: baseline.datasetVersions,
		regions: [...regions]
			.map(([code, name]) => ({ code, name }))
			.sort((a, b) => a.name.localeCompare(b.name)),
		pccAreas,
		pdus: baseline.pdus,
		needShares: baseline.needShares,
		services: baseline.services,
		organisations: toScenarioOrganisations(facts, baseline.services)
	};
	cache = { key: baseline.versionKey, baseline: scenarioBaseline };
	return scenarioBaseline;
}
