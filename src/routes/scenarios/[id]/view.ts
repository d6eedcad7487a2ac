import { CRS_CATEGORIES, type CrsCategory } from '$lib/domain/categories';
import type { ScenarioBaseline, ScenarioChange } from '$lib/domain/scenario';
import { SUBGROUPS, type Subgroup } from '$lib/domain/subgroups';

/** What the results show (not part of the scenario): a category, a region or all, a group. */
export interface StudioView {
	category: CrsCategory;
	region: string | null;
	people: Subgroup;
}

/** Where a change is: its region, or the region of its first partner's area. */
function regionOfChange(
	change: ScenarioChange,
	baseline: Pick<ScenarioBaseline, 'pdus' | 'pccAreas'>
): string | undefined {
	if (change.type !== 'co-commission') return change.region;
	const area = change.partners[0]?.area;
	if (!area) return undefined;
	if ('region' in area) return area.region;
	if ('pccArea' in area) return baseline.pccAreas?.find((p) => p.id === area.pccArea)?.regionCode;
	return baseline.pdus.find((p) => p.code === area.pdus[0])?.regionCode;
}

/**
 * The view from the URL (?category=&region=&people=), else from the first change: its category and
 * region, so a new scenario opens on what it changes.
 */
export function initialView(
	params: URLSearchParams,
	changes: readonly ScenarioChange[],
	baseline: Pick<ScenarioBaseline, 'pdus' | 'pccAreas' | 'regions'>
): StudioView {
	const first = changes[0];
	const firstCategory =
		first?.type === 'co-commission' ? first.partners[0]?.category : first?.category;
	const category = params.get('category');
	const region = params.get('region');
	const people = params.get('people');
	return {
		category: (CRS_CATEGORIES as readonly string[]).includes(category ?? '')
			? (category as CrsCategory)
			: (firstCategory ?? 'Accommodation'),
		region:
			region === 'all'
				? null
				: baseline.regions.some((r) => r.code === region)
					? region
					: ((first && regionOfChange(first, baseline)) ?? null),
		people: (SUBGROUPS as readonly string[]).includes(people ?? '') ? (people as Subgroup) : 'all'
	};
}
