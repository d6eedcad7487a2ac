import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { validateChanges } from '$lib/domain/scenario';
import { todayIso } from '$lib/dates';
import {
	createScenarioSchema,
	describeIssues,
	saveScenarioSchema,
	scenarioBodySchema
} from '$lib/server/api/scenarios';
import { getDb } from '$lib/server/context';
import {
	createScenario,
	findScenario,
	listScenarioVersions,
	restoreScenarioVersion,
	saveScenario,
	type SaveConflict
} from '$lib/server/repositories/scenarios';
import { loadScenarioBaseline } from '$lib/server/scenarios/baseline';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url }) => {
	const db = getDb();
	const raw = url.searchParams.get('version');
	const version = raw === null ? undefined : Number(raw);
	if (version !== undefined && !(Number.isInteger(version) && version >= 1))
		error(400, `"${raw}" is not a version number (1, 2, …)`);
	const scenario = await findScenario(db, params.id, version);
	if (!scenario) error(404, version === undefined ? 'Scenario not found' : 'Version not found');
	const [versions, baseline] = await Promise.all([
		listScenarioVersions(db, params.id),
		loadScenarioBaseline(db)
	]);
	const body = scenarioBodySchema.safeParse(scenario.body);
	return {
		scenario: {
			id: scenario.id,
			version: scenario.version,
			currentVersion: scenario.currentVersion,
			name: scenario.name,
			description: scenario.description,
			owner: scenario.owner,
			savedAt: scenario.savedAt,
			savedBy: scenario.savedBy,
			note: scenario.note,
			datasetVersions: scenario.datasetVersions
		},
		body: body.success ? body.data : { changes: [], assumptions: {} },
		bodyProblem: body.success ? null : describeIssues(body.error),
		versions: versions.map((v) => ({
			version: v.version,
			name: v.name,
			savedAt: v.savedAt,
			savedBy: v.savedBy,
			note: v.note
		})),
		baseline,
		today: todayIso()
	};
};

/** The newest version, as a conflict notice shows it. */
function conflictOf(result: SaveConflict) {
	const body = scenarioBodySchema.safeParse(result.current.body);
	return {
		baseVersion: result.baseVersion,
		version: result.current.version,
		savedBy: result.current.savedBy,
		savedAt: result.current.savedAt,
		name: result.current.name,
		description: result.current.description,
		changes: body.success ? body.data.changes : [],
		assumptions: body.success ? body.data.assumptions : {}
	};
}

/** The studio's save form: name, description and the draft's changes and assumptions as JSON. */
async function readDraft<T extends z.ZodType>(request: Request, schema: T, based: boolean) {
	const form = await request.formData();
	let body: unknown;
	try {
		body = JSON.parse(String(form.get('body') ?? ''));
	} catch {
		return {
			ok: false as const,
			errors: ['The scenario’s changes could not be read. Nothing was saved.']
		};
	}
	const parsed = schema.safeParse({
		...(body as object),
		name: String(form.get('name') ?? ''),
		description: String(form.get('description') ?? ''),
		...(based ? { baseVersion: Number(form.get('baseVersion')) } : {})
	});
	if (!parsed.success)
		return { ok: false as const, errors: describeIssues(parsed.error).split('; ') };
	const baseline = await loadScenarioBaseline(getDb());
	const data = parsed.data as z.output<typeof createScenarioSchema>;
	const geography = validateChanges(baseline, data.changes);
	if (geography.length)
		return {
			ok: false as const,
			errors: geography.map((i) => `changes.${i.path.join('.')}: ${i.message}`)
		};
	return { ok: true as const, data: parsed.data, baseline };
}

export const actions: Actions = {
	save: async ({ request, params, locals }) => {
		const read = await readDraft(request, saveScenarioSchema, true);
		if (!read.ok) return fail(400, { saveErrors: read.errors });
		const { data, baseline } = read;
		const result = await saveScenario(
			getDb(),
			params.id,
			data.baseVersion,
			{
				name: data.name,
				description: data.description,
				body: { changes: data.changes, assumptions: data.assumptions },
				datasetVersions: baseline.datasetVersions
			},
			{ savedBy: locals.user.name }
		);
		if (!result) error(404, 'Scenario not found');
		if (!result.ok) return fail(409, { conflict: conflictOf(result) });
		redirect(303, `/scenarios/${params.id}?saved=${result.scenario.version}`);
	},

	copy: async ({ request, params, locals }) => {
		const read = await readDraft(request, createScenarioSchema, false);
		if (!read.ok) return fail(400, { saveErrors: read.errors });
		const { data, baseline } = read;
		const original = await findScenario(getDb(), params.id);
		const copy = await createScenario(
			getDb(),
			{
				name: data.name.endsWith('(copy)') ? data.name : `${data.name} (copy)`.slice(0, 200),
				description: data.description,
				body: { changes: data.changes, assumptions: data.assumptions },
				datasetVersions: baseline.datasetVersions
			},
			{ owner: locals.user.name, regionCode: original?.regionCode ?? null }
		);
		redirect(303, `/scenarios/${copy.id}?copied=${params.id}`);
	},

	restore: async ({ request, params, locals }) => {
		const form = await request.formData();
		const version = Number(form.get('version'));
		const baseVersion = Number(form.get('baseVersion'));
		if (!Number.isInteger(version) || !Number.isInteger(baseVersion))
			return fail(400, { saveErrors: ['Choose a version to restore.'] });
		const result = await restoreScenarioVersion(getDb(), params.id, version, baseVersion, {
			savedBy: locals.user.name
		});
		if (!result) error(404, 'Version not found');
		if (!result.ok) return fail(409, { conflict: conflictOf(result) });
		redirect(303, `/scenarios/${params.id}?restored=${version}`);
	}
};
