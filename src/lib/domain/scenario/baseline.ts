import type { CrsCategory } from '../categories';
import type { ScenarioService, ScenarioOrganisation, ScenarioBaseline } from './types';
import type { ScenarioChange } from './schema';

/** An organisation as the organisations table knows it (the server maps its rows to this). */
export interface OrganisationFacts {
	id: number;
	name: string;
	orgType: string | null;
	annualIncomeGbp: number | null;
	byAndFor: boolean | null;
	dfRegistered: boolean | null;
	welsh?: boolean | null;
}

/**
 * Organisations with the regions and categories they are known to work in, worked out from the
 * services they lead or subcontract on, and the categories they are registered for from their
 * Dynamic Framework records (source 'dynamic-framework'). Nothing is assumed about an organisation
 * that no service names: it has no regions, so it is a candidate for no lot.
 */
export function toScenarioOrganisations(
	organisations: readonly OrganisationFacts[],
	services: readonly ScenarioService[]
): ScenarioOrganisation[] {
	const regions = new Map<number, Set<string>>();
	const categories = new Map<number, Set<CrsCategory>>();
	const dfCategories = new Map<number, Set<CrsCategory>>();
	const add = <T>(map: Map<number, Set<T>>, id: number, values: readonly T[]) => {
		const set = map.get(id) ?? new Set<T>();
		for (const v of values) set.add(v);
		map.set(id, set);
	};
	for (const s of services) {
		const ids = [
			...(s.leadOrganisationId == null ? [] : [s.leadOrganisationId]),
			...(s.subcontractors ?? []).map((x) => x.id)
		];
		for (const id of ids) {
			if (s.regionCode) add(regions, id, [s.regionCode]);
			if (s.source === 'dynamic-framework') add(dfCategories, id, s.categories);
			else add(categories, id, s.categories);
		}
	}
	return organisations.map((o) => ({
		id: o.id,
		name: o.name,
		orgType: o.orgType,
		annualIncomeGbp: o.annualIncomeGbp,
		byAndFor: o.byAndFor,
		dfRegistered: o.dfRegistered,
		dfCategories: [...(dfCategories.get(o.id) ?? [])].sort(),
		regions: [...(regions.get(o.id) ?? [])].sort(),
		categories: [...(categories.get(o.id) ?? [])].sort(),
		welsh: o.welsh ?? null
	}));
}

export interface ChangeIssue {
	path: (string | number)[];
	message: string;
}

/**
 * Geography codes in the changes that the baseline does not know: an API can answer 400 with
 * these, where runScenario would only warn and skip them.
 */
export function validateChanges(
	baseline: Pick<ScenarioBaseline, 'pdus'>,
	changes: readonly ScenarioChange[]
): ChangeIssue[] {
	const regions = new Set(baseline.pdus.map((p) => p.regionCode));
	const pccAreas = new Set(baseline.pdus.flatMap((p) => p.pccAreaIds));
	const pdus = new Set(baseline.pdus.map((p) => p.code));
	const issues: ChangeIssue[] = [];
	const region = (path: (string | number)[], code: string) => {
		if (!regions.has(code)) issues.push({ path, message: `unknown probation region "${code}"` });
	};
	const pduList = (path: (string | number)[], codes: readonly string[]) =>
		codes.forEach((code, k) => {
			if (!pdus.has(code)) issues.push({ path: [...path, k], message: `unknown PDU "${code}"` });
		});
	changes.forEach((c, i) => {
		if (c.type === 'co-commission')
			c.partners.forEach((p, j) => {
				const path = [i, 'partners', j, 'area'];
				if ('region' in p.area) region([...path, 'region'], p.area.region);
				else if ('pccArea' in p.area) {
					if (!pccAreas.has(p.area.pccArea))
						issues.push({
							path: [...path, 'pccArea'],
							message: `unknown PCC area "${p.area.pccArea}"`
						});
				} else pduList([...path, 'pdus'], p.area.pdus);
			});
		else {
			region([i, 'region'], c.region);
			if (c.type === 'relet' && typeof c.lotGeography === 'object')
				c.lotGeography.groups.forEach((g, k) =>
					pduList([i, 'lotGeography', 'groups', k, 'pdus'], g.pdus)
				);
		}
	});
	return issues;
}
