import { json, type RequestEvent } from '@sveltejs/kit';
import type { DB } from '../db';
import { resolveMode, type Mode } from './mode';
import { authorise, type AccessFacts, type Decision } from './policy';
import { auditedAction, currentDatasetVersion, recordRequestAudit } from './request-audit';
import { ANONYMOUS, LOCAL_ADMINISTRATOR, type AppUser } from './roles';
import { loadScenarioAccessFacts, type ScenarioAccessFacts } from './scenarios';
import { SESSION_COOKIE, validateSession } from './sessions';
import { countActiveAdmins } from './users';

/**
 * What hooks.server.ts does for people and trust on every request: who is asking (the local
 * administrator, a session's account or nobody), whether the policy lets them, and, once a
 * change has worked, its audit entry.
 */

let mode: Mode | undefined;
/** The mode, decided once per process from HOST and LANDSCAPE_MODE. */
export function currentMode(): Mode {
	return (mode ??= resolveMode());
}

export const ADD_ADMIN_COMMAND =
	'npm run landscape -- users add --role admin --email YOU@EXAMPLE.ORG';

/**
 * Why the server must not start, or null: shared mode needs an active admin account, or nobody
 * could ever sign in to manage people.
 */
export async function startupProblem(db: DB, given?: Mode): Promise<string | null> {
	let m: Mode;
	try {
		m = given ?? currentMode();
	} catch (caught) {
		return `Landscape will not start: ${caught instanceof Error ? caught.message : String(caught)}`;
	}
	if (m !== 'shared' || (await countActiveAdmins(db)) > 0) return null;
	return [
		'Landscape will not start: it is in shared mode (HOST is not a loopback address, or',
		'LANDSCAPE_MODE=shared), where everyone signs in, but there is no active admin account.',
		'Create one (with the same LANDSCAPE_DB), then start again:',
		'',
		`  ${ADD_ADMIN_COMMAND}`,
		'',
		'It asks for the password, or give it with --password. To use Landscape alone on this',
		'computer instead, start it on 127.0.0.1 without LANDSCAPE_MODE=shared.'
	].join('\n');
}

/** The client's address, or 'unknown' where the adapter cannot tell (tests, prerendering). */
export function clientAddress(event: Pick<RequestEvent, 'getClientAddress'>): string {
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}

/** Secure over https, and always in shared mode (which should be served over https). */
export const secureCookies = (event: Pick<RequestEvent, 'url'>, m: Mode = currentMode()) =>
	m === 'shared' || event.url.protocol === 'https:';

/** The person behind the request: local mode's administrator, or the session's account, or nobody. */
export async function identify(
	db: DB,
	event: RequestEvent,
	m: Mode = currentMode()
): Promise<AppUser> {
	if (m === 'local') return LOCAL_ADMINISTRATOR;
	const token = event.cookies.get(SESSION_COOKIE);
	if (!token) return ANONYMOUS;
	const session = await validateSession(db, token);
	if (!session) {
		event.cookies.delete(SESSION_COOKIE, { path: '/', secure: secureCookies(event, m) });
		return ANONYMOUS;
	}
	return session.user;
}

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)/i;

/** Facts the policy may ask for, each loaded at most once per request. */
function factsFor(
	db: DB,
	event: RequestEvent
): AccessFacts & { loaded: Map<string, ScenarioAccessFacts | undefined> } {
	const loaded = new Map<string, ScenarioAccessFacts | undefined>();
	let form: Promise<FormData | null> | undefined;
	return {
		loaded,
		async scenario(id) {
			if (!loaded.has(id)) loaded.set(id, await loadScenarioAccessFacts(db, id));
			return loaded.get(id);
		},
		async formField(name) {
			form ??= FORM_TYPES.test(event.request.headers.get('content-type') ?? '')
				? event.request
						.clone()
						.formData()
						.catch(() => null)
				: Promise.resolve(null);
			const value = (await form)?.get(name);
			return typeof value === 'string' ? value : null;
		}
	};
}

const MESSAGES = {
	401: 'Sign in to use Landscape',
	403: 'You do not have permission to do this',
	404: 'Page not found'
} as const;

/**
 * A plain page for a refusal; it names nothing about what was refused. Used only when the styled
 * one (styledRefusal) cannot be had.
 */
function refusalPage(status: 401 | 403 | 404, signedIn: boolean): string {
	const title = status === 403 ? 'You do not have permission to see this page' : MESSAGES[status];
	const why =
		status === 403
			? '<p>Your role does not allow this. Ask an administrator if you need it.</p>'
			: '<p>If you typed the web address, check it is correct.</p>';
	const links = signedIn
		? '<p><a href="/">Go to the start page</a></p>'
		: '<p><a href="/sign-in">Sign in</a></p>';
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} – Landscape</title></head><body><main><h1>${title}</h1>${why}${links}</main></body></html>`;
}

/** Where a person who is not signed in is sent: the sign-in page, then back here. */
export function signInLocation(url: URL): string {
	const next = url.pathname + url.search;
	return next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`;
}

/**
 * The refusal page as the rest of the service looks (header, account bar, GOV.UK styles), from the
 * /refused route, with the refusal's status; the plain page if that cannot be had.
 */
async function styledRefusal(event: RequestEvent, status: 401 | 403 | 404, signedIn: boolean) {
	const noStore = { 'cache-control': 'no-store' };
	try {
		const page = await event.fetch(`/refused?status=${status}`, {
			headers: { accept: 'text/html' }
		});
		const type = page.headers.get('content-type') ?? '';
		if (page.status === status && type.startsWith('text/html')) {
			const headers = new Headers(page.headers);
			headers.set('cache-control', 'no-store');
			return new Response(page.body, { status, headers });
		}
	} catch {
		// fall through to the plain page
	}
	return new Response(refusalPage(status, signedIn), {
		status,
		headers: { 'content-type': 'text/html; charset=utf-8', ...noStore }
	});
}

/** The response for a refused request, in the form the caller understands. */
export async function refusal(
	event: RequestEvent,
	user: AppUser,
	decision: Exclude<Decision, 'allow'>
): Promise<Response> {
	const anonymous = user.role === 'anonymous';
	const status = decision === 'not-found' ? 404 : anonymous ? 401 : 403;
	const message = MESSAGES[status];
	const noStore = { 'cache-control': 'no-store' };
	const method = event.request.method;
	if (event.url.pathname.startsWith('/api/'))
		return json(
			{
				error: { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found' }[status],
				detail: message
			},
			{ status, headers: noStore }
		);
	if (event.request.headers.get('x-sveltekit-action') === 'true')
		return anonymous
			? json({ type: 'redirect', status: 303, location: signInLocation(event.url) })
			: json({ type: 'error', error: { message } }, { status, headers: noStore });
	if (event.isDataRequest)
		return anonymous
			? json({ type: 'redirect', location: signInLocation(event.url) })
			: json({ message }, { status, headers: noStore });
	if (anonymous && (method === 'GET' || method === 'HEAD'))
		return new Response(null, {
			status: 303,
			headers: { location: signInLocation(event.url), ...noStore }
		});
	return styledRefusal(event, status, !anonymous);
}

/** Routes someone who must change a one-time password may still use. */
const WHILE_CHANGING_PASSWORD = new Set([
	'/sign-in',
	'/sign-in/password',
	'/sign-out',
	'/healthz',
	'/readyz'
]);

/**
 * Authenticate, authorise, resolve, audit. Sets locals.user and locals.mode; answers a refusal
 * without running the route.
 */
export async function guard(
	db: DB,
	event: RequestEvent,
	resolve: (event: RequestEvent) => Response | Promise<Response>,
	m: Mode = currentMode()
): Promise<Response> {
	const user = await identify(db, event, m);
	event.locals.user = user;
	event.locals.mode = m;
	const routeId = event.route.id;
	if (user.mustChangePassword && routeId !== null && !WHILE_CHANGING_PASSWORD.has(routeId)) {
		const method = event.request.method;
		if (
			(method === 'GET' || method === 'HEAD') &&
			!event.isDataRequest &&
			!routeId.startsWith('/api/')
		)
			return new Response(null, { status: 303, headers: { location: '/sign-in/password' } });
		return refusal(event, user, 'deny');
	}
	const facts = factsFor(db, event);
	const { decision, known } = await authorise({
		user,
		routeId,
		method: event.request.method,
		url: event.url,
		params: event.params,
		facts
	});
	if (!known)
		console.error(
			`Landscape: no authorisation rule for ${event.request.method} ${routeId}: add it to src/lib/server/auth/policy.ts`
		);
	if (decision !== 'allow') return refusal(event, user, decision);

	const action = auditedAction(routeId, event.request.method, event.url);
	if (action === null || routeId === null) return resolve(event);
	const params = event.params as Record<string, string | undefined>;
	let before: unknown;
	if (action.startsWith('scenario.') && params.id !== undefined) {
		const s = await facts.scenario(params.id);
		if (s)
			before = { version: s.currentVersion, visibility: s.visibility, regionCode: s.regionCode };
	} else if (action.startsWith('dataset.') && params.key !== undefined)
		before = { version: await currentDatasetVersion(db, params.key) };
	const response = await resolve(event);
	try {
		await recordRequestAudit(
			db,
			{ action, routeId, method: event.request.method, url: event.url, params, before },
			event.request,
			response,
			{ actor: user.name, requestId: event.locals.requestId, ip: clientAddress(event) }
		);
	} catch (caught) {
		// The change has happened; failing the response now would only hide that. Say so loudly.
		console.error(`Landscape: could not write the audit entry for ${action}:`, caught);
	}
	return response;
}
