import { json } from '@sveltejs/kit';
import { z } from 'zod';
import {
	changesBeyondContributions,
	resolveScenarioAssumptions,
	runScenario,
	scenarioAssumptionsSchema,
	scenarioChangesSchema,
	scenarioRunBodySchema,
	type ScenarioBaseline,
	type ScenarioResult,
	type ScenarioRunBody
} from '$lib/domain/scenario';
import { validateChanges } from '$lib/domain/scenario/baseline';
import { todayIso } from '$lib/dates';
import type { DB } from '../db';
import {
	createScenario,
	findScenario,
	listScenarioVersions,
	listScenarios,
	saveScenario,
	setScenarioVisibility,
	type SavedScenario
} from '../repositories/scenarios';
import type { AuditContext } from '../auth/audit';
import type { AppUser } from '../auth/roles';
import {
	SCENARIO_VISIBILITIES,
	canChangeVisibility,
	canSeeScenario,
	editScope,
	loadScenarioAccessFacts
} from '../auth/scenarios';
import { loadScenarioBaseline } from '../scenarios/baseline';
import { visibleScenarios } from '../scenarios/visible';
import { ApiError, errorResponse, respond } from './respond';
import { suggestNearest } from './suggest';

export const SCENARIO_ENDPOINTS = [
	'/api/v1/scenarios/run (POST)',
	'/api/v1/scenarios (GET, POST)',
	'/api/v1/scenarios/{id} (GET, PUT)',
	'/api/v1/scenarios/{id}/visibility (PUT)'
] as const;

/** What a scenario holds besides its name: the changes and the assumptions it overrides. */
export const scenarioBodySchema = z.strictObject({
	changes: scenarioChangesSchema,
	assumptions: scenarioAssumptionsSchema.default({})
});
export type ScenarioBody = z.output<typeof scenarioBodySchema>;

const name = z.string().trim().min(1, 'enter a name').max(200, 'must be 200 characters or fewer');
const description = z.string().trim().max(2000, 'must be 2,000 characters or fewer').default('');

/** `POST /api/v1/scenarios`: a new scenario. */
export const createScenarioSchema = z.strictObject({
	name,
	description,
	changes: scenarioChangesSchema,
	assumptions: scenarioAssumptionsSchema.default({})
});

/** `PUT /api/v1/scenarios/{id}`: a new version, based on `baseVersion`. */
export const saveScenarioSchema = createScenarioSchema.extend({
	baseVersion: z.int().min(1)
});

/**
 * `PUT /api/v1/scenarios/{id}/visibility`: who can see it, `visibility`, changed from `from` (the
 * visibility the change is based on, so a change made since is not silently undone).
 */
export const visibilityChangeSchema = z.strictObject({
	visibility: z.enum(SCENARIO_VISIBILITIES),
	from: z.enum(SCENARIO_VISIBILITIES)
});

/** `path: message` for each problem zod found, e.g. `changes.0.partners.0.annualGbp: …`. */
export function describeIssues(error: z.ZodError, root = ''): string {
	return error.issues
		.slice(0, 10)
		.map((i) => {
			const path = [root, ...i.path.map(String)].filter(Boolean).join('.');
			return `${path || 'body'}: ${i.message}`;
		})
		.join('; ');
}

async function readJson(request: Request): Promise<unknown> {
	const type = request.headers.get('content-type') ?? '';
	if (!type.toLowerCase().includes('application/json'))
		throw new ApiError(400, 'body: send JSON, with Content-Type: application/json');
	try {
		return await request.json();
	} catch {
		throw new ApiError(400, 'body: is not valid JSON');
	}
}

function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
	const parsed = schema.safeParse(body);
	if (!parsed.success) throw new ApiError(400, describeIssues(parsed.error));
	return parsed.data;
}

/** Unknown region, PCC area or PDU codes in the changes: a 400 naming each, with the nearest. */
function checkGeography(baseline: ScenarioBaseline, changes: ScenarioRunBody['changes']): void {
	const issues = validateChanges(baseline, changes);
	if (issues.length === 0) return;
	const candidates = {
		region: baseline.regions.map((r) => ({ value: r.code, spellings: [r.code, r.name] })),
		pccArea: (baseline.pccAreas ?? []).map((p) => ({ value: p.id, spellings: [p.id, p.name] })),
		pdu: baseline.pdus.map((p) => ({ value: p.code, spellings: [p.code, p.name] }))
	};
	throw new ApiError(
		400,
		issues
			.map((issue) => {
				const field = issue.path.find((p) => p === 'region' || p === 'pccArea' || p === 'pdus');
				const typed = /"([^"]*)"/.exec(issue.message)?.[1] ?? '';
				const pool =
					field === 'region'
						? candidates.region
						: field === 'pccArea'
							? candidates.pccArea
							: candidates.pdu;
				const guess = suggestNearest(typed, pool);
				return `changes.${issue.path.join('.')}: ${issue.message}${guess ? `. Did you mean "${guess}"?` : ''}`;
			})
			.join('; ')
	);
}

/** A scenario as a save would leave it, for the partner-contribution check. */
export interface ScenarioAfterSave {
	name: string;
	description: string;
	changes: ScenarioBody['changes'];
	assumptions: ScenarioBody['assumptions'];
}

/**
 * Why `user` may not save `after` over version `fromVersion` of scenario `id`, or null if they may.
 * Only a partner working on someone else's co-commissioning scenario is limited here: to their own
 * organisation's contributions (see editScope). A version that no longer exists, or is no longer
 * the newest, is left for the save itself to refuse (404 or 409).
 */
export async function contributionEditRefusal(
	db: DB,
	user: AppUser,
	id: string,
	fromVersion: number,
	after: ScenarioAfterSave
): Promise<string | null> {
	const facts = await loadScenarioAccessFacts(db, id);
	if (!facts) return null;
	const scope = editScope(user, facts);
	if (!scope) return 'You do not have permission to change this scenario.';
	if (scope.kind === 'all') return null;
	const before = await findScenario(db, id, fromVersion);
	if (!before || before.version !== facts.currentVersion) return null;
	const body = scenarioBodySchema.safeParse(before.body);
	const organisation = scope.organisation;
	if (!body.success)
		return `Version ${fromVersion} of this scenario could not be read, so it cannot be checked that this save changes only ${organisation}’s contributions. Nothing was saved.`;
	const beyond = changesBeyondContributions(
		{ name: before.name, description: before.description, ...body.data },
		after,
		organisation
	);
	if (!beyond.length) return null;
	return `As a partner for ${organisation}, you can change only ${organisation}’s contributions to this scenario. This would also change ${listOf(beyond)}. Nothing was saved: ask its owner or a commissioner for its region, or save yours as a copy.`;
}

const listOf = (items: readonly string[]) =>
	items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join('; ')} and ${items.at(-1)}`;

/** Run a scenario body on the current baseline, or on the dataset versions given (`pinned`). */
export async function runScenarioBody(
	db: DB,
	body: { changes: ScenarioRunBody['changes']; assumptions?: ScenarioRunBody['assumptions'] },
	today = todayIso(),
	pinned?: Record<string, number>
): Promise<{ baseline: ScenarioBaseline; result: ScenarioResult }> {
	const baseline = await loadScenarioBaseline(db, pinned);
	checkGeography(baseline, body.changes);
	const assumptions = resolveScenarioAssumptions(today, body.assumptions ?? {});
	return { baseline, result: runScenario(baseline, body.changes, assumptions) };
}

/** The API's view of a result: the issue's row shape first, then everything else. */
export function toRunResponse(result: ScenarioResult) {
	return {
		datasetVersions: result.datasetVersions,
		assumptions: result.assumptions,
		headline: result.headline,
		byCategory: result.byCategory,
		pdus: result.pdus.map((r) => ({
			pdu: r.pdu,
			pduName: r.pduName,
			regionCode: r.regionCode,
			category: r.category,
			subgroup: r.subgroup,
			needCount: r.needCount,
			baseline: { places: r.baseline.places, gap: r.baseline.gap },
			scenario: { places: r.scenario.places, gap: r.scenario.gap },
			changed: r.changed
		})),
		fundingByPartner: result.fundingByPartner,
		coCommission: result.coCommission,
		lots: result.lots,
		market: result.market,
		cannotFix: result.cannotFix,
		warnings: result.warnings,
		explanations: result.explanations
	};
}

/** `POST /api/v1/scenarios/run`: stateless; nothing is saved. */
export function postRun(db: DB, request: Request, today = todayIso()): Promise<Response> {
	return respond(async () => {
		const body = parseBody(scenarioRunBodySchema, await readJson(request));
		const { result } = await runScenarioBody(db, body, today);
		return toRunResponse(result);
	});
}

function toScenarioRow(s: SavedScenario) {
	const body = scenarioBodySchema.safeParse(s.body);
	return {
		id: s.id,
		url: `/scenarios/${s.id}`,
		name: s.name,
		description: s.description,
		owner: s.owner,
		visibility: s.visibility,
		version: s.version,
		currentVersion: s.currentVersion,
		savedAt: s.savedAt,
		savedBy: s.savedBy,
		note: s.note,
		datasetVersions: s.datasetVersions,
		changes: body.success ? body.data.changes : [],
		assumptions: body.success ? body.data.assumptions : {}
	};
}

/** `GET /api/v1/scenarios`: the scenarios `user` may see. */
export function getScenarios(db: DB, user: AppUser): Promise<Response> {
	return respond(async () => ({
		scenarios: visibleScenarios(user, await listScenarios(db)).map(toScenarioRow)
	}));
}

/** `POST /api/v1/scenarios`: 201 with the new scenario and its Location. */
export async function postScenario(db: DB, request: Request, user: string): Promise<Response> {
	try {
		const input = parseBody(createScenarioSchema, await readJson(request));
		const baseline = await loadScenarioBaseline(db);
		checkGeography(baseline, input.changes);
		const saved = await createScenario(
			db,
			{
				name: input.name,
				description: input.description,
				body: { changes: input.changes, assumptions: input.assumptions },
				datasetVersions: baseline.datasetVersions
			},
			{ owner: user }
		);
		return json(toScenarioRow(saved), {
			status: 201,
			headers: { location: `/api/v1/scenarios/${saved.id}`, 'cache-control': 'no-store' }
		});
	} catch (caught) {
		if (caught instanceof ApiError) return errorResponse(caught.status, caught.detail);
		throw caught;
	}
}

/** `GET /api/v1/scenarios/{id}[?version=]`: a scenario at a version, with its history. */
export function getScenario(db: DB, id: string, query: URLSearchParams): Promise<Response> {
	return respond(async () => {
		const raw = query.get('version');
		const version = raw === null ? undefined : Number(raw);
		if (version !== undefined && !(Number.isInteger(version) && version >= 1))
			throw new ApiError(400, `version: "${raw}" is not a version number (1, 2, …)`);
		const scenario = await findScenario(db, id, version);
		if (!scenario)
			throw new ApiError(
				404,
				version === undefined || !(await findScenario(db, id))
					? `id: no scenario "${id}"`
					: `version: scenario "${id}" has no version ${version}`
			);
		const versions = await listScenarioVersions(db, id);
		return {
			...toScenarioRow(scenario),
			versions: versions.map((v) => ({
				version: v.version,
				name: v.name,
				savedAt: v.savedAt,
				savedBy: v.savedBy,
				note: v.note
			}))
		};
	});
}

/**
 * `PUT /api/v1/scenarios/{id}`: save a new version. A save based on a version that is no longer the
 * newest is refused with 409 and the newest version, so nothing is silently overwritten.
 */
export async function putScenario(
	db: DB,
	id: string,
	request: Request,
	user: AppUser
): Promise<Response> {
	try {
		const input = parseBody(saveScenarioSchema, await readJson(request));
		const baseline = await loadScenarioBaseline(db);
		checkGeography(baseline, input.changes);
		const refusal = await contributionEditRefusal(db, user, id, input.baseVersion, input);
		if (refusal) throw new ApiError(403, refusal);
		const result = await saveScenario(
			db,
			id,
			input.baseVersion,
			{
				name: input.name,
				description: input.description,
				body: { changes: input.changes, assumptions: input.assumptions },
				datasetVersions: baseline.datasetVersions
			},
			{ savedBy: user.name }
		);
		if (!result) return errorResponse(404, `id: no scenario "${id}"`);
		if (!result.ok)
			return json(
				{
					error: 'Conflict',
					detail: `baseVersion: this save is based on version ${result.baseVersion}, but ${result.current.savedBy} saved version ${result.current.version} since. Nothing was saved: reload to see their version, or save yours as a copy.`,
					current: toScenarioRow(result.current)
				},
				{ status: 409, headers: { 'cache-control': 'no-store' } }
			);
		return json(toScenarioRow(result.scenario), { headers: { 'cache-control': 'no-store' } });
	} catch (caught) {
		if (caught instanceof ApiError) return errorResponse(caught.status, caught.detail);
		throw caught;
	}
}

/**
 * `PUT /api/v1/scenarios/{id}/visibility`: draft, shared or published, by the studio's rules
 * (auth/scenarios.ts). 409 with the current visibility if it is no longer `from`; 403 if the
 * person may not make this move; audited as scenario.publish, .unpublish, .share or .unshare.
 */
export async function putScenarioVisibility(
	db: DB,
	id: string,
	request: Request,
	user: AppUser,
	by: AuditContext
): Promise<Response> {
	try {
		const { visibility: to, from } = parseBody(visibilityChangeSchema, await readJson(request));
		const facts = await loadScenarioAccessFacts(db, id);
		if (!facts || !canSeeScenario(user, facts))
			return errorResponse(404, `id: no scenario "${id}"`);
		const conflict = (current: string) =>
			json(
				{
					error: 'Conflict',
					detail: `from: the scenario is ${current} now, not ${from}: someone changed who can see it since. Nothing was changed.`,
					visibility: current
				},
				{ status: 409, headers: { 'cache-control': 'no-store' } }
			);
		if (facts.visibility !== from) return conflict(facts.visibility);
		if (to === from)
			return errorResponse(400, `visibility: the scenario is ${from} already; choose another`);
		if (!canChangeVisibility(user, facts, to))
			return json(
				{
					error: 'Forbidden',
					detail:
						to === 'published' || from === 'published'
							? 'visibility: only a commissioner of the scenario’s region or an admin may publish or unpublish it'
							: 'visibility: only the scenario’s owner, a commissioner of its region or an admin may share it or return it to draft'
				},
				{ status: 403, headers: { 'cache-control': 'no-store' } }
			);
		const result = await setScenarioVisibility(db, id, { from, to }, by);
		if (!result) return errorResponse(404, `id: no scenario "${id}"`);
		if (!result.ok) return conflict(result.current);
		return json({ id, visibility: to }, { headers: { 'cache-control': 'no-store' } });
	} catch (caught) {
		if (caught instanceof ApiError) return errorResponse(caught.status, caught.detail);
		throw caught;
	}
}
