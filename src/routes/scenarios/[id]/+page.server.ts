import { error, fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { validateChanges } from '$lib/domain/scenario';
import { todayIso } from '$lib/dates';
import {
	contributionEditRefusal,
	createScenarioSchema,
	describeIssues,
	saveScenarioSchema,
	scenarioBodySchema
} from '$lib/server/api/scenarios';
import { clientAddress } from '$lib/server/auth/guard';
import {
	canChangeVisibility,
	canCreateScenario,
	canEditScenario,
	canManageScenario,
	editScope,
	isScenarioVisibility,
	loadScenarioAccessFacts,
	visibilityChoices,
	type ScenarioAccessFacts
} from '$lib/server/auth/scenarios';
import { getDb } from '$lib/server/context';
import {
	createScenario,
	findScenario,
	listScenarioCollaborators,
	listScenarioVersions,
	restoreScenarioVersion,
	saveScenario,
	setScenarioVisibility,
	type SaveConflict
} from '$lib/server/repositories/scenarios';
import { loadScenarioBaseline } from '$lib/server/scenarios/baseline';
import {
	addCollaboratorByEmail,
	describeVisibility,
	removeCollaborator,
	VISIBILITY_FIELD
} from './access.server';
import type { Actions, PageServerLoad, RequestEvent } from './$types';

export const load: PageServerLoad = async ({ params, url, locals }) => {
	const db = getDb();
	const raw = url.searchParams.get('version');
	const version = raw === null ? undefined : Number(raw);
	if (version !== undefined && !(Number.isInteger(version) && version >= 1))
		error(400, `"${raw}" is not a version number (1, 2, …)`);
	const scenario = await findScenario(db, params.id, version);
	if (!scenario) error(404, version === undefined ? 'Scenario not found' : 'Version not found');
	const [versions, baseline, facts, collaborators] = await Promise.all([
		listScenarioVersions(db, params.id),
		loadScenarioBaseline(db),
		loadScenarioAccessFacts(db, params.id),
		listScenarioCollaborators(db, params.id)
	]);
	if (!facts) error(404, 'Scenario not found');
	const user = locals.user;
	const regionName = scenario.regionCode
		? (baseline.regions.find((r) => r.code === scenario.regionCode)?.name ?? scenario.regionCode)
		: null;
	const body = scenarioBodySchema.safeParse(scenario.body);
	return {
		access: {
			visibility: scenario.visibility,
			regionName,
			canEdit: canEditScenario(user, facts),
			/** set when the person may change only their organisation's contributions */
			contributionsOf: contributionsOnly(editScope(user, facts)),
			/** the organisation a partner speaks for: new contributions they add are in its name */
			speaksFor: user.organisation,
			/**
			 * Viewers see results for all people on probation only: a group's figures by PDU could be
			 * small enough to identify people (the gap finder shows them with small counts hidden).
			 */
			subgroupsHidden: user.role === 'viewer',
			canCopy: canCreateScenario(user, scenario.regionCode),
			canManage: canManageScenario(user, facts),
			choices: visibilityChoices(user, facts),
			collaborators,
			says: describeVisibility(scenario.visibility, scenario.owner, regionName)
		},
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
		const refusal = await contributionEditRefusal(
			getDb(),
			locals.user,
			params.id,
			data.baseVersion,
			data
		);
		if (refusal) return fail(403, { saveErrors: [refusal] });
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
		const refusal = await restoreRefusal(locals.user, params.id, version, baseVersion);
		if (refusal) return fail(403, { saveErrors: [refusal] });
		const result = await restoreScenarioVersion(getDb(), params.id, version, baseVersion, {
			savedBy: locals.user.name
		});
		if (!result) error(404, 'Version not found');
		if (!result.ok) return fail(409, { conflict: conflictOf(result) });
		redirect(303, `/scenarios/${params.id}?restored=${version}`);
	},

	/** Who can see it: draft, shared or published, from the visibility the form was shown with. */
	visibility: async (event) => {
		const { request, params, locals } = event;
		const form = await request.formData();
		const to = form.get('visibility');
		const from = form.get('from');
		const facts = await accessFacts(params.id);
		if (!isScenarioVisibility(to))
			return fail(400, {
				visibilityErrors: [{ field: VISIBILITY_FIELD, message: 'Choose who can see this scenario' }]
			});
		// from: the page's own hidden field; a form from before someone else's change changes nothing
		if (!isScenarioVisibility(from) || from !== facts.visibility)
			return fail(409, {
				visibilityErrors: [{ field: VISIBILITY_FIELD, message: staleVisibility(facts) }]
			});
		if (to === from)
			return fail(400, {
				visibilityErrors: [
					{
						field: VISIBILITY_FIELD,
						message: `This scenario is ${from} already. Choose a different option to change who can see it.`
					}
				]
			});
		if (!canChangeVisibility(locals.user, facts, to))
			error(403, 'You do not have permission to do this');
		const result = await setScenarioVisibility(
			getDb(),
			params.id,
			{ from, to },
			auditContext(event)
		);
		if (!result) error(404, 'Scenario not found');
		if (!result.ok)
			return fail(409, {
				visibilityErrors: [
					{ field: VISIBILITY_FIELD, message: staleVisibility({ visibility: result.current }) }
				]
			});
		return { visibilityChanged: { from, to } };
	},

	addCollaborator: async (event) => {
		const { request, params, locals } = event;
		const email = String((await request.formData()).get('email') ?? '');
		const facts = await accessFacts(params.id);
		if (!canManageScenario(locals.user, facts)) error(403, 'You do not have permission to do this');
		const added = await addCollaboratorByEmail(
			getDb(),
			params.id,
			email,
			facts,
			auditContext(event)
		);
		if (!added.ok)
			return fail(added.status, {
				collaboratorErrors: [{ field: 'collaborator-email', message: added.message }],
				collaboratorEmail: email
			});
		return { collaboratorAdded: added.email };
	},

	removeCollaborator: async (event) => {
		const { request, params, locals } = event;
		const form = await request.formData();
		const facts = await accessFacts(params.id);
		if (!canManageScenario(locals.user, facts)) error(403, 'You do not have permission to do this');
		const removed = await removeCollaborator(
			getDb(),
			params.id,
			Number(form.get('userId')),
			String(form.get('email') ?? 'that person'),
			auditContext(event)
		);
		if (!removed.ok)
			return fail(409, {
				collaboratorErrors: [{ field: 'collaborators', message: removed.message }]
			});
		return { collaboratorRemoved: removed.email };
	}
};

const contributionsOnly = (scope: ReturnType<typeof editScope>) =>
	scope?.kind === 'contributions' ? scope.organisation : null;

/** Restoring a version is a save of that version's contents, checked the same way. */
async function restoreRefusal(
	user: App.Locals['user'],
	id: string,
	version: number,
	baseVersion: number
): Promise<string | null> {
	const db = getDb();
	const restored = await findScenario(db, id, version);
	if (!restored) return null;
	const body = scenarioBodySchema.safeParse(restored.body);
	if (!body.success) {
		const facts = await loadScenarioAccessFacts(db, id);
		return facts && editScope(user, facts)?.kind === 'all'
			? null
			: `Version ${version} could not be read, so only its owner or a commissioner for its region can restore it.`;
	}
	return contributionEditRefusal(db, user, id, baseVersion, {
		name: restored.name,
		description: restored.description,
		...body.data
	});
}

async function accessFacts(id: string): Promise<ScenarioAccessFacts> {
	const facts = await loadScenarioAccessFacts(getDb(), id);
	if (!facts) error(404, 'Scenario not found');
	return facts;
}

/** Who did it, for the audit log. */
const auditContext = (event: RequestEvent) => ({
	actor: event.locals.user.name,
	requestId: event.locals.requestId,
	ip: clientAddress(event)
});

const staleVisibility = (now: Pick<ScenarioAccessFacts, 'visibility'>) =>
	`Someone changed who can see this scenario since this page was loaded: it is ${now.visibility} now. Nothing was changed. Check the options below and choose again.`;
