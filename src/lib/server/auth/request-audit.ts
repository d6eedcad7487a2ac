import type { DB } from '../db';
import { recordAudit, type AuditContext } from './audit';
import { POLICY, actionName } from './policy';

/**
 * The audit entries hooks.server.ts writes after a successful request that changes something:
 * imports (import.<action>), dataset rollbacks (dataset.<action>) and scenario saves, copies,
 * restores, creations and publications (scenario.<what>). Each records the route, method, action,
 * params and status, and for scenarios the version before and the version saved.
 */

/** A page's form action (POST ?/name) by name; null for endpoints and other methods. */
function formActionOf(routeId: string, method: string, url: URL): string | null {
	return method === 'POST' && POLICY[routeId]?.ACTIONS ? actionName(url) : null;
}

/**
 * Changes that write their own audit entry, with what changed before and after, in the transaction
 * that makes the change (repositories/scenarios.ts): who can see a scenario, and its collaborators.
 */
const AUDITED_WHERE_CHANGED = new Set([
	'/scenarios/[id] ?/visibility',
	'/scenarios/[id] ?/addCollaborator',
	'/scenarios/[id] ?/removeCollaborator',
	'/api/v1/scenarios/[id]/visibility PUT'
]);

/** The audit action for a request, or null when it is not one the log records. */
export function auditedAction(routeId: string | null, method: string, url: URL): string | null {
	if (routeId === null || method === 'GET' || method === 'HEAD' || method === 'OPTIONS')
		return null;
	const action = formActionOf(routeId, method, url);
	if (AUDITED_WHERE_CHANGED.has(`${routeId} ${action === null ? method : `?/${action}`}`))
		return null;
	// /import's form actions (import.preview, import.confirm); its endpoints by name (import.run)
	if (routeId === '/import' || routeId.startsWith('/import/'))
		return `import.${action ?? routeId.split('/').pop()}`;
	if (routeId === '/data-sources/[key]') return `dataset.${action ?? method.toLowerCase()}`;
	if (routeId === '/api/v1/scenarios/run') return null;
	if (routeId.startsWith('/scenarios') || routeId.startsWith('/api/v1/scenarios')) {
		if (routeId === '/scenarios/new' || (routeId === '/api/v1/scenarios' && method === 'POST'))
			return 'scenario.create';
		if (action) return `scenario.${action === 'default' ? 'save' : action}`;
		return method === 'PUT' ? 'scenario.save' : `scenario.${method.toLowerCase()}`;
	}
	return null;
}

export interface AuditedRequest {
	action: string;
	routeId: string;
	method: string;
	url: URL;
	params: Readonly<Record<string, string | undefined>>;
	/** what it was before, as the hook found it (a scenario's or dataset's current version) */
	before?: unknown;
}

/** A dataset's current version, for rollback's before and after. */
export async function currentDatasetVersion(db: DB, key: string): Promise<number | null> {
	const row = await db
		.selectFrom('dataset_versions')
		.select('version')
		.where('dataset_key', '=', key)
		.where('is_current', '=', 1)
		.executeTakeFirst();
	return row?.version ?? null;
}

interface Outcome {
	ok: boolean;
	status: number;
	location: string | null;
	body: Record<string, unknown> | null;
}

/**
 * Whether the response means it worked, read from a copy of it. An enhanced form action answers 200
 * with `{ type }` (success, redirect, failure, error); anything else by its status.
 */
async function outcomeOf(request: Request, response: Response): Promise<Outcome> {
	const isJson = response.headers.get('content-type')?.includes('application/json') ?? false;
	let body: Record<string, unknown> | null = null;
	if (isJson)
		try {
			body = (await response.clone().json()) as Record<string, unknown>;
		} catch {
			body = null;
		}
	if (request.headers.get('x-sveltekit-action') === 'true' && body && typeof body.type === 'string')
		return {
			ok: body.type === 'success' || body.type === 'redirect',
			status:
				body.type === 'redirect' || body.type === 'failure' ? Number(body.status) : response.status,
			location: typeof body.location === 'string' ? body.location : null,
			body: null
		};
	return {
		ok: response.status < 400,
		status: response.status,
		location: response.headers.get('location'),
		body
	};
}

/** The scenario id and version a save answered with: from JSON ({ id, version }) or ?saved=N. */
function savedScenario(outcome: Outcome, base: URL): { id?: string; version?: number } {
	if (outcome.body) {
		const { id, version } = outcome.body;
		return {
			...(typeof id === 'string' && { id }),
			...(typeof version === 'number' && { version })
		};
	}
	if (!outcome.location) return {};
	const to = new URL(outcome.location, base);
	const id = /^\/scenarios\/([^/]+)$/.exec(to.pathname)?.[1];
	const version = Number(to.searchParams.get('saved') ?? to.searchParams.get('restored') ?? NaN);
	return {
		...(id !== undefined && { id }),
		...(Number.isInteger(version) && version > 0 && { version })
	};
}

/** Record the request if it worked; returns whether it did. */
export async function recordRequestAudit(
	db: DB,
	audited: AuditedRequest,
	request: Request,
	response: Response,
	context: AuditContext
): Promise<boolean> {
	const outcome = await outcomeOf(request, response);
	if (!outcome.ok) return false;
	const params = Object.fromEntries(
		Object.entries(audited.params).filter(([, v]) => v !== undefined)
	);
	const formAction = formActionOf(audited.routeId, audited.method, audited.url);
	const after: Record<string, unknown> = {
		route: audited.routeId,
		method: audited.method,
		...(formAction !== null && { formAction }),
		params,
		status: outcome.status
	};
	// /import/run says what it does in its query: kind, dataset, file name, check or import
	const query = [...audited.url.searchParams].filter(([k]) => !k.startsWith('/'));
	if (audited.action.startsWith('import.') && query.length) after.query = Object.fromEntries(query);
	let target: string | null = null;
	if (audited.action.startsWith('scenario.')) {
		const saved = savedScenario(outcome, audited.url);
		const id = audited.action === 'scenario.create' ? saved.id : params.id;
		target = id ? `scenario:${id}` : null;
		if (audited.action === 'scenario.copy') {
			if (saved.id) after.copy = saved.id;
		} else if (saved.version !== undefined) after.version = saved.version;
	} else if (audited.action.startsWith('dataset.') && params.key) {
		target = `dataset:${params.key}`;
		after.version = await currentDatasetVersion(db, params.key);
	}
	await recordAudit(db, {
		...context,
		action: audited.action,
		target,
		...(audited.before !== undefined && { before: audited.before }),
		after
	});
	return true;
}
