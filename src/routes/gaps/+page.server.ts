import { seesSuppressedCounts } from '$lib/domain/disclosure';
import { getDb } from '$lib/server/context';
import { loadGapBaseline } from '$lib/server/planning/gap-baseline';
import type { PageServerLoad } from './$types';
import { todayIso } from '$lib/dates';

// The load reads no URL parameters: the view (category, subgroup, region, date) is computed from the
// URL in the page, so changing it needs no round trip to the server.
export const load: PageServerLoad = async ({ locals }) => {
	return {
		baseline: await loadGapBaseline(getDb()),
		today: todayIso(),
		// viewers see small subgroup counts as a published view shows them: "fewer than 5"
		disclose: seesSuppressedCounts(locals.user.role)
	};
};
