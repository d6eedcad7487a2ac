import type { Cookies, RequestEvent } from '@sveltejs/kit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DB } from '../db';
import { createScenario } from '../repositories/scenarios';
import { listAudit } from './audit';
import { ADD_ADMIN_COMMAND, guard, startupProblem } from './guard';
import { LOCAL_ADMINISTRATOR, type AppUser } from './roles';
import { SESSION_COOKIE, createSession } from './sessions';
import { addPerson, peopleTestDb } from './testing';

let db: DB;
const tokens: Record<string, string> = {};

beforeEach(async () => {
	db = await peopleTestDb();
	const people = [
		['admin@example.org', 'admin', []],
		['viewer@example.org', 'viewer', ['N54']],
		['commissioner@example.org', 'commissioner', ['N54']],
		['london@example.org', 'commissioner', ['N07']]
	] as const;
	for (const [email, role, regions] of people)
		tokens[email] = (await createSession(db, await addPerson(db, email, role, regions))).token;
	const draft = {
		name: 'Illustrative NE scenario',
		description: '',
		body: { changes: [] },
		datasetVersions: {}
	};
	await createScenario(db, draft, {
		owner: 'commissioner@example.org',
		regionCode: 'N54',
		id: 'nedraft'
	});
	await createScenario(db, draft, {
		owner: 'commissioner@example.org',
		regionCode: 'N54',
		id: 'nepub'
	});
	await db
		.updateTable('scenarios')
		.set({ visibility: 'published' })
		.where('id', '=', 'nepub')
		.execute();
});
afterEach(async () => {
	await db.destroy();
});

interface FakeRequest {
	routeId: string | null;
	path: string;
	method?: string;
	params?: Record<string, string>;
	as?: string;
	cookie?: string;
	headers?: Record<string, string>;
	body?: string;
	isDataRequest?: boolean;
}

function fakeEvent(r: FakeRequest) {
	const jar = new Map<string, string>();
	const cookie = r.cookie ?? (r.as ? tokens[r.as] : undefined);
	if (cookie) jar.set(SESSION_COOKIE, cookie);
	const deleted: string[] = [];
	const cookies = {
		get: (name: string) => jar.get(name),
		delete: (name: string) => {
			jar.delete(name);
			deleted.push(name);
		}
	} as unknown as Cookies;
	const url = new URL(`http://landscape.test${r.path}`);
	const event = {
		url,
		route: { id: r.routeId },
		params: r.params ?? {},
		request: new Request(url, { method: r.method ?? 'GET', headers: r.headers, body: r.body }),
		cookies,
		locals: { requestId: 'req-test' } as App.Locals,
		isDataRequest: r.isDataRequest ?? false,
		getClientAddress: () => '192.0.2.4'
	} as unknown as RequestEvent;
	return { event, deleted };
}

async function run(
	r: FakeRequest,
	answer: () => Response = () => new Response('the page'),
	mode: 'local' | 'shared' = 'shared'
) {
	const { event, deleted } = fakeEvent(r);
	const resolve = vi.fn(async () => answer());
	const response = await guard(db, event, resolve, mode);
	return {
		response,
		resolved: resolve.mock.calls.length > 0,
		user: event.locals.user as AppUser,
		deleted
	};
}

describe('guard (hooks.server.ts)', () => {
	it('local mode: the local administrator, no sign-in, everything allowed', async () => {
		const r = await run({ routeId: '/admin/users', path: '/admin/users' }, undefined, 'local');
		expect(r.resolved).toBe(true);
		expect(r.user).toEqual(LOCAL_ADMINISTRATOR);
	});

	it('shared mode: the public landing page and sign-in work for anyone', async () => {
		expect((await run({ routeId: '/', path: '/' })).resolved).toBe(true);
		expect((await run({ routeId: '/sign-in', path: '/sign-in' })).resolved).toBe(true);
		expect((await run({ routeId: '/healthz', path: '/healthz' })).resolved).toBe(true);
	});

	it('sends someone not signed in to sign in, and back afterwards', async () => {
		const r = await run({ routeId: '/gaps', path: '/gaps?category=Accommodation' });
		expect(r.resolved).toBe(false);
		expect(r.response.status).toBe(303);
		expect(r.response.headers.get('location')).toBe(
			'/sign-in?next=%2Fgaps%3Fcategory%3DAccommodation'
		);
	});

	it('answers the API with 401 JSON, client-side navigation with a redirect, a form with 401', async () => {
		const api = await run({ routeId: '/api/v1/regions', path: '/api/v1/regions' });
		expect(api.response.status).toBe(401);
		expect(await api.response.json()).toEqual({
			error: 'Unauthorized',
			detail: 'Sign in to use Landscape'
		});
		const data = await run({ routeId: '/gaps', path: '/gaps', isDataRequest: true });
		expect(await data.response.json()).toEqual({
			type: 'redirect',
			location: '/sign-in?next=%2Fgaps'
		});
		const post = await run({ routeId: '/import', path: '/import?/confirm', method: 'POST' });
		expect(post.response.status).toBe(401);
		expect(post.resolved).toBe(false);
	});

	it('treats a cookie it never issued as nobody, and deletes it', async () => {
		const r = await run({ routeId: '/gaps', path: '/gaps', cookie: 'B'.repeat(43) });
		expect(r.user.role).toBe('anonymous');
		expect(r.deleted).toEqual([SESSION_COOKIE]);
		expect(r.response.status).toBe(303);
	});

	it('a viewer cannot reach a draft by its address (404), but can read a published one', async () => {
		const draft = await run({
			routeId: '/scenarios/[id]',
			path: '/scenarios/nedraft',
			params: { id: 'nedraft' },
			as: 'viewer@example.org'
		});
		expect(draft.response.status).toBe(404);
		expect(draft.resolved).toBe(false);
		expect(await draft.response.text()).toContain('<h1>Page not found</h1>');
		const published = await run({
			routeId: '/scenarios/[id]',
			path: '/scenarios/nepub',
			params: { id: 'nepub' },
			as: 'viewer@example.org'
		});
		expect(published.resolved).toBe(true);
	});

	it('a London commissioner cannot save a published North East scenario: 403 in the form its caller reads', async () => {
		const page = await run({
			routeId: '/scenarios/[id]',
			path: '/scenarios/nepub?/save',
			method: 'POST',
			params: { id: 'nepub' },
			as: 'london@example.org'
		});
		expect(page.response.status).toBe(403);
		expect(page.response.headers.get('content-type')).toContain('text/html');
		const enhanced = await run({
			routeId: '/scenarios/[id]',
			path: '/scenarios/nepub?/save',
			method: 'POST',
			params: { id: 'nepub' },
			as: 'london@example.org',
			headers: { 'x-sveltekit-action': 'true', accept: 'application/json' }
		});
		expect(enhanced.response.status).toBe(403);
		expect(await enhanced.response.json()).toEqual({
			type: 'error',
			error: { message: 'You do not have permission to do this' }
		});
		const api = await run({
			routeId: '/api/v1/scenarios/[id]',
			path: '/api/v1/scenarios/nepub',
			method: 'PUT',
			params: { id: 'nepub' },
			as: 'london@example.org'
		});
		expect(await api.response.json()).toEqual({
			error: 'Forbidden',
			detail: 'You do not have permission to do this'
		});
		expect((await listAudit(db, { action: 'scenario' })).total).toBe(0);
	});

	it('audits a scenario save that worked, with the version before and after', async () => {
		const r = await run(
			{
				routeId: '/api/v1/scenarios/[id]',
				path: '/api/v1/scenarios/nedraft',
				method: 'PUT',
				params: { id: 'nedraft' },
				as: 'commissioner@example.org'
			},
			() => Response.json({ id: 'nedraft', version: 2 })
		);
		expect(r.response.status).toBe(200);
		const [entry] = (await listAudit(db, { action: 'scenario.save' })).entries;
		expect(entry).toMatchObject({
			actor: 'commissioner@example.org',
			target: 'scenario:nedraft',
			before: { version: 1, visibility: 'draft', regionCode: 'N54' },
			after: {
				route: '/api/v1/scenarios/[id]',
				method: 'PUT',
				params: { id: 'nedraft' },
				status: 200,
				version: 2
			},
			requestId: 'req-test',
			ip: '192.0.2.4'
		});
	});

	it('audits form saves from the redirect, and not saves that failed', async () => {
		await run(
			{
				routeId: '/scenarios/[id]',
				path: '/scenarios/nedraft?/save',
				method: 'POST',
				params: { id: 'nedraft' },
				as: 'commissioner@example.org'
			},
			() => new Response(null, { status: 303, headers: { location: '/scenarios/nedraft?saved=2' } })
		);
		await run(
			{
				routeId: '/scenarios/[id]',
				path: '/scenarios/nedraft?/save',
				method: 'POST',
				params: { id: 'nedraft' },
				as: 'commissioner@example.org',
				headers: { 'x-sveltekit-action': 'true' }
			},
			() => Response.json({ type: 'redirect', status: 303, location: '/scenarios/nedraft?saved=3' })
		);
		await run(
			{
				routeId: '/scenarios/[id]',
				path: '/scenarios/nedraft?/save',
				method: 'POST',
				params: { id: 'nedraft' },
				as: 'commissioner@example.org',
				headers: { 'x-sveltekit-action': 'true' }
			},
			() => Response.json({ type: 'failure', status: 409, data: '[]' })
		);
		await run(
			{
				routeId: '/scenarios/[id]',
				path: '/scenarios/nedraft?/save',
				method: 'POST',
				params: { id: 'nedraft' },
				as: 'commissioner@example.org'
			},
			() => new Response('problem', { status: 400 })
		);
		const entries = (await listAudit(db, { action: 'scenario.save' })).entries;
		expect(
			entries.map((e) => (e.after as { version: number; formAction: string }).version)
		).toEqual([3, 2]);
		expect(entries[0]?.after).toMatchObject({ formAction: 'save', status: 303 });
	});

	it('audits imports with their query, and new scenarios by the id they were given', async () => {
		await run(
			{
				routeId: '/import/run',
				path: '/import/run?kind=services&dataset=Illustrative&mode=import',
				method: 'POST',
				as: 'commissioner@example.org'
			},
			() =>
				new Response('{"type":"imported"}\n', {
					headers: { 'content-type': 'application/x-ndjson' }
				})
		);
		await run(
			{
				routeId: '/api/v1/scenarios',
				path: '/api/v1/scenarios',
				method: 'POST',
				as: 'commissioner@example.org'
			},
			() => Response.json({ id: 'newone', version: 1 }, { status: 201 })
		);
		const [created, imported] = (await listAudit(db, {})).entries;
		expect(imported).toMatchObject({
			action: 'import.run',
			after: { query: { kind: 'services', dataset: 'Illustrative', mode: 'import' }, status: 200 }
		});
		expect(created).toMatchObject({
			action: 'scenario.create',
			target: 'scenario:newone',
			after: { version: 1, status: 201 }
		});
	});

	it('sends someone with a one-time password to choose their own before anything else', async () => {
		await db
			.updateTable('users')
			.set({ must_change_password: 1 })
			.where('email', '=', 'viewer@example.org')
			.execute();
		const r = await run({ routeId: '/gaps', path: '/gaps', as: 'viewer@example.org' });
		expect(r.response.headers.get('location')).toBe('/sign-in/password');
		expect(
			(
				await run({
					routeId: '/sign-in/password',
					path: '/sign-in/password',
					as: 'viewer@example.org'
				})
			).resolved
		).toBe(true);
		const api = await run({
			routeId: '/api/v1/regions',
			path: '/api/v1/regions',
			as: 'viewer@example.org'
		});
		expect(api.response.status).toBe(403);
	});
});

describe('startupProblem', () => {
	it('refuses shared mode without an active admin, saying how to create one', async () => {
		const empty = await peopleTestDb();
		const problem = await startupProblem(empty, 'shared');
		expect(problem).toContain('there is no active admin account');
		expect(problem).toContain(ADD_ADMIN_COMMAND);
		expect(ADD_ADMIN_COMMAND).toBe(
			'npm run landscape -- users add --role admin --email YOU@EXAMPLE.ORG'
		);
		expect(await startupProblem(empty, 'local')).toBeNull();
		expect(await startupProblem(db, 'shared')).toBeNull();
		await empty.destroy();
	});
});
