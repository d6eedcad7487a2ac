import { getDb } from '$lib/server/context';
import { buildCliffReport, readChoice, regionChoices } from '$lib/server/api/cliff-market';
import { todayIso } from '$lib/dates';
import { loadBaseline } from '$lib/server/planning/baseline';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const db = getDb();
	const [baseline, read] = await Promise.all([loadBaseline(db), readChoice(db, url.searchParams)]);
	const regions = regionChoices(baseline);
	if (!read.ok) return { regions, errors: read.errors, report: null };
	const report = await buildCliffReport(db, { ...read.choice, asOf: todayIso() });
	return { regions, errors: [], report };
};
