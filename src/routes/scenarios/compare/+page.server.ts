import { CRS_CATEGORIES, parseCategory } from '$lib/domain/categories';
import { getDb } from '$lib/server/context';
import { loadMapPaths } from '$lib/server/planning/map-paths';
import { listScenarios } from '$lib/server/repositories/scenarios';
import { MAX_COMPARED, compareScenarios } from '$lib/server/scenarios/compare';
import { visibleScenarios } from '$lib/server/scenarios/visible';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, locals }) => {
	const db = getDb();
	const ids = [...new Set(url.searchParams.getAll('ids').filter(Boolean))];
	const rawCategory = url.searchParams.get('category');
	const category = rawCategory ? parseCategory(rawCategory) : 'Accommodation';
	const errors: { field: string; message: string }[] = [];
	if (!category)
		errors.push({
			field: 'category',
			message: `Select a CRS category: '${rawCategory}' is not one`
		});
	if (ids.length > MAX_COMPARED)
		errors.push({
			field: 'ids',
			message: `Select up to ${MAX_COMPARED} scenarios to compare with the baseline (${ids.length} were selected)`
		});
	const visible = visibleScenarios(locals.user, await listScenarios(db));
	const scenarios = visible.map((s) => ({
		id: s.id,
		name: s.name,
		version: s.version,
		savedAt: s.savedAt,
		savedBy: s.savedBy
	}));
	let comparison = null;
	// A scenario the person may not see is treated as one that does not exist.
	const unseen = ids.find((id) => !visible.some((s) => s.id === id));
	if (unseen) errors.push({ field: 'ids', message: `There is no scenario '${unseen}'` });
	if (errors.length === 0 && category && ids.length > 0) {
		const compared = await compareScenarios(db, ids, category);
		if ('missing' in compared)
			errors.push({ field: 'ids', message: `There is no scenario '${compared.missing}'` });
		else comparison = compared;
	}
	return {
		scenarios,
		selected: ids,
		category: category ?? 'Accommodation',
		categories: [...CRS_CATEGORIES],
		maxCompared: MAX_COMPARED,
		errors,
		comparison,
		paths: comparison ? await loadMapPaths(db, 300, 340) : null
	};
};
