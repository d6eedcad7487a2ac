import { fail, redirect } from '@sveltejs/kit';
import { CRS_CATEGORIES, type CrsCategory } from '$lib/domain/categories';
import { scenarioChangesSchema } from '$lib/domain/scenario';
import { todayIso } from '$lib/dates';
import { getDb } from '$lib/server/context';
import { createScenario } from '$lib/server/repositories/scenarios';
import { loadScenarioBaseline } from '$lib/server/scenarios/baseline';
import { newScenarioFormSchema, starterAssumptions, starterChanges } from './starters';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const baseline = await loadScenarioBaseline(getDb());
	return {
		regions: baseline.regions.map((r) => ({ code: r.code, name: r.name })),
		categories: CRS_CATEGORIES
	};
};

export const actions: Actions = {
	default: async ({ request, locals }) => {
		const db = getDb();
		const baseline = await loadScenarioBaseline(db);
		const form = await request.formData();
		const values = {
			name: String(form.get('name') ?? ''),
			description: String(form.get('description') ?? ''),
			start: String(form.get('start') ?? ''),
			region: String(form.get('region') ?? ''),
			category: String(form.get('category') ?? '')
		};
		const parsed = newScenarioFormSchema(baseline.regions.map((r) => r.code)).safeParse(values);
		if (!parsed.success)
			return fail(400, {
				values,
				errors: parsed.error.issues.map((i) => ({
					field: String(i.path[0] ?? 'name'),
					message: i.message
				}))
			});
		const { name, description, start, region, category } = parsed.data;
		const changes = scenarioChangesSchema.parse(
			starterChanges(start, region, category as CrsCategory, locals.user.organisation)
		);
		const saved = await createScenario(
			db,
			{
				name,
				description,
				body: { changes, assumptions: starterAssumptions(todayIso()) },
				datasetVersions: baseline.datasetVersions
			},
			{ owner: locals.user.name, regionCode: start === 'empty' ? null : region }
		);
		redirect(303, `/scenarios/${saved.id}`);
	}
};
