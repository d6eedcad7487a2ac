/**
 * The authorisation matrix: EVERY route under src/routes (found on disk) × method (page GET, each
 * form action as POST, each endpoint method, an endpoint's fallback) × role (anonymous, viewer,
 * partner, a commissioner for another region, a commissioner, admin), checked against the policy.
 *
 * The expectations below are written out independently of policy.ts. A new route fails this test
 * twice over until it is added both to the policy (so it is guarded) and to EXPECTED here (so what
 * it allows is a decision someone made, not an accident).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLICY, authorise, type AccessFacts, type Decision, type RouteRules } from './policy';
import { ANONYMOUS, type AppUser } from './roles';
import type { ScenarioAccessFacts } from './scenarios';
import { person } from './testing';

const ROUTES_DIR = path.resolve(import.meta.dirname, '../../../routes');
const ENDPOINT_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** One thing a route answers: `GET`, `POST ?/save` (a form action), `PUT`, or `*` (fallback). */
interface Handler {
	routeId: string;
	key: string;
	method: string;
	search: string;
}

/** Every route and what it answers, from the files on disk and what they export. */
async function discoverHandlers(): Promise<Handler[]> {
	const handlers: Handler[] = [];
	const walk = async (dir: string) => {
		const entries = fs.readdirSync(dir, { withFileTypes: true });
		const files = new Set(entries.filter((e) => e.isFile()).map((e) => e.name));
		const relative = path.relative(ROUTES_DIR, dir).split(path.sep).join('/');
		const routeId = `/${relative}`;
		if (files.has('+page.svelte') || files.has('+page.server.ts') || files.has('+page.ts'))
			handlers.push({ routeId, key: 'GET', method: 'GET', search: '' });
		if (files.has('+page.server.ts')) {
			const mod = (await import(path.join(dir, '+page.server.ts'))) as { actions?: object };
			for (const name of Object.keys(mod.actions ?? {}))
				handlers.push({
					routeId,
					key: `POST ?/${name}`,
					method: 'POST',
					search: name === 'default' ? '' : `?/${name}`
				});
		}
		if (files.has('+server.ts')) {
			const mod = (await import(path.join(dir, '+server.ts'))) as Record<string, unknown>;
			const exported = ENDPOINT_METHODS.filter((m) => typeof mod[m] === 'function');
			for (const m of exported) handlers.push({ routeId, key: m, method: m, search: '' });
			if (typeof mod.fallback === 'function') {
				const other = ['PATCH', 'DELETE', 'PUT', 'POST'].find(
					(m) => !(exported as string[]).includes(m)
				)!;
				handlers.push({ routeId, key: '*', method: other, search: '' });
			}
		}
		for (const e of entries) if (e.isDirectory()) await walk(path.join(dir, e.name));
	};
	await walk(ROUTES_DIR);
	return handlers.map((h) => ({
		...h,
		routeId: h.routeId === '/' ? '/' : h.routeId.replace(/\/$/, '')
	}));
}

// ---------------------------------------------------------------------------------------------
// Who asks

const ROLES6 = [
	'anonymous',
	'viewer',
	'partner',
	'otherCommissioner',
	'commissioner',
	'admin'
] as const;
type Who = (typeof ROLES6)[number];
/** Each a distinct account: collaborators are named by account id. */
const account = (id: number, user: AppUser): AppUser => ({ ...user, id });
const PEOPLE: Record<Who, AppUser> = {
	anonymous: ANONYMOUS,
	viewer: account(2, person('viewer', ['N54'], 'viewer@example.org')),
	partner: account(3, person('partner', ['N54'], 'partner@example.org', 'Northumbria PCC')),
	otherCommissioner: account(4, person('commissioner', ['N07'], 'london@example.org')),
	commissioner: account(5, person('commissioner', ['N54'], 'commissioner@example.org')),
	admin: account(6, person('admin', 'all', 'admin@example.org'))
};

// Illustrative scenarios in the North East (N54), owned by the North East commissioner unless said.
const base = {
	owner: 'commissioner@example.org',
	regionCode: 'N54',
	coCommissioning: false,
	currentVersion: 1,
	collaborators: [] as number[]
};
const SCENARIOS: Record<string, ScenarioAccessFacts | undefined> = {
	'ne-draft': { ...base, visibility: 'draft' },
	'ne-shared': { ...base, visibility: 'shared' },
	'ne-cocom': { ...base, visibility: 'shared', coCommissioning: true },
	'ne-published': { ...base, visibility: 'published' },
	// a draft with the North East partner named as a collaborator
	'ne-collab': { ...base, visibility: 'draft', collaborators: [3] },
	// a draft the North East partner owns
	'ne-partner-draft': { ...base, visibility: 'draft', owner: 'partner@example.org' },
	'no-such': undefined
};
type Fixture = keyof typeof SCENARIOS;
const FIXTURES = Object.keys(SCENARIOS) as Fixture[];

// ---------------------------------------------------------------------------------------------
// What each may do

/** Allowed for these; 'deny' for everyone else. */
const only = (...who: Who[]) =>
	Object.fromEntries(ROLES6.map((w) => [w, who.includes(w) ? 'allow' : 'deny'])) as Record<
		Who,
		Decision
	>;
const EVERYONE = only(...ROLES6);
const SIGNED_IN = only('viewer', 'partner', 'otherCommissioner', 'commissioner', 'admin');
const IMPORTERS = only('otherCommissioner', 'commissioner', 'admin');
const AUTHORS = only('partner', 'otherCommissioner', 'commissioner', 'admin');
const ADMINS = only('admin');

/** A row per role in ROLES6 order: a = allow, d = deny, n = not found. */
const row = (codes: string): Record<Who, Decision> => {
	const decisions = codes
		.split(' ')
		.map((c) => ({ a: 'allow', d: 'deny', n: 'not-found' })[c] as Decision);
	return Object.fromEntries(ROLES6.map((w, i) => [w, decisions[i]!])) as Record<Who, Decision>;
};
//                      anon viewer partner other-comm comm admin
const SEE: Record<Fixture, Record<Who, Decision>> = {
	'ne-draft': row('d n n n a a'),
	'ne-shared': row('d n a n a a'),
	'ne-cocom': row('d n a n a a'),
	'ne-published': row('d a a a a a'),
	'ne-collab': row('d n a n a a'),
	'ne-partner-draft': row('d n a n n a'),
	'no-such': row('d a a a a a')
};
const EDIT: Record<Fixture, Record<Who, Decision>> = {
	'ne-draft': row('d d n n a a'),
	'ne-shared': row('d d d n a a'),
	'ne-cocom': row('d d a n a a'),
	'ne-published': row('d d d d a a'),
	'ne-collab': row('d d a n a a'),
	'ne-partner-draft': row('d d a n n a'),
	'no-such': row('d d a a a a')
};
const COPY: Record<Fixture, Record<Who, Decision>> = {
	'ne-draft': row('d d n n a a'),
	'ne-shared': row('d d a n a a'),
	'ne-cocom': row('d d a n a a'),
	'ne-published': row('d d a d a a'),
	'ne-collab': row('d d a n a a'),
	'ne-partner-draft': row('d d a n n a'),
	'no-such': row('d d a a a a')
};
/** share, return to draft, name collaborators: the owner, a commissioner of the region, admins */
const MANAGE: Record<Fixture, Record<Who, Decision>> = {
	'ne-draft': row('d d n n a a'),
	'ne-shared': row('d d d n a a'),
	'ne-cocom': row('d d d n a a'),
	'ne-published': row('d d d d a a'),
	'ne-collab': row('d d d n a a'),
	'ne-partner-draft': row('d d a n n a'),
	'no-such': row('d d a a a a')
};
/** ?/visibility with visibility=published: a commissioner of the region, admins */
const PUBLISH: Record<Fixture, Record<Who, Decision>> = {
	'ne-draft': row('d d n n a a'),
	'ne-shared': row('d d d n a a'),
	'ne-cocom': row('d d d n a a'),
	// published already: whoever may change it some other way gets through, to be told so
	'ne-published': row('d d d d a a'),
	'ne-collab': row('d d d n a a'),
	'ne-partner-draft': row('d d d n n a'),
	'no-such': row('d d a a a a')
};

type Expectation = Record<Who, Decision> | { byScenario: Record<Fixture, Record<Who, Decision>> };
const READ_API = { GET: SIGNED_IN, '*': SIGNED_IN };

const EXPECTED: Record<string, Record<string, Expectation>> = {
	'/': { GET: EVERYONE },
	'/sign-in': { GET: EVERYONE, 'POST ?/default': EVERYONE },
	'/sign-in/password': { GET: SIGNED_IN, 'POST ?/default': SIGNED_IN },
	'/sign-out': { POST: EVERYONE },
	'/healthz': { GET: EVERYONE },
	'/readyz': { GET: EVERYONE },
	'/refused': { GET: EVERYONE },
	'/access': { GET: SIGNED_IN },
	'/cliff': { GET: SIGNED_IN },
	'/cliff/cliff.csv': { GET: SIGNED_IN },
	'/contracts/[reference]': { GET: SIGNED_IN },
	'/data-sources': { GET: SIGNED_IN },
	'/data-sources/[key]': { GET: SIGNED_IN, 'POST ?/rollback': IMPORTERS },
	'/gaps': { GET: SIGNED_IN },
	'/gaps/export.csv': { GET: SIGNED_IN },
	'/market': { GET: SIGNED_IN },
	'/pdus/[code]': { GET: SIGNED_IN },
	'/providers': { GET: SIGNED_IN },
	'/providers/[id]': { GET: SIGNED_IN },
	'/regions/[code]': { GET: SIGNED_IN },
	'/import': { GET: IMPORTERS, 'POST ?/preview': IMPORTERS, 'POST ?/confirm': IMPORTERS },
	'/import/run': { POST: IMPORTERS },
	'/import/template.csv': { GET: IMPORTERS },
	'/import/templates/[kind]': { GET: IMPORTERS },
	'/scenarios': { GET: SIGNED_IN },
	'/scenarios/new': {
		GET: AUTHORS,
		'POST ?/default': AUTHORS /* a region of their own: see below */
	},
	'/scenarios/[id]': {
		GET: { byScenario: SEE },
		'POST ?/save': { byScenario: EDIT },
		'POST ?/copy': { byScenario: COPY },
		'POST ?/restore': { byScenario: EDIT },
		'POST ?/visibility': { byScenario: PUBLISH },
		'POST ?/addCollaborator': { byScenario: MANAGE },
		'POST ?/removeCollaborator': { byScenario: MANAGE }
	},
	'/scenarios/[id]/report': { GET: { byScenario: SEE } },
	'/scenarios/[id]/export/[table].csv': { GET: { byScenario: SEE } },
	'/scenarios/compare': { GET: { byScenario: SEE } },
	'/scenarios/compare.csv': { GET: { byScenario: SEE } },
	'/api/[...path]': { '*': SIGNED_IN },
	'/api/v1/access': READ_API,
	'/api/v1/boundaries': READ_API,
	'/api/v1/cliff': READ_API,
	'/api/v1/datasets': READ_API,
	'/api/v1/datasets/[key]/compare': READ_API,
	'/api/v1/datasets/[key]/versions': READ_API,
	'/api/v1/gaps': READ_API,
	'/api/v1/market': READ_API,
	'/api/v1/organisations': READ_API,
	'/api/v1/pdus': READ_API,
	'/api/v1/pdus/[code]': READ_API,
	'/api/v1/regions': READ_API,
	'/api/v1/regions/[code]': READ_API,
	'/api/v1/services': READ_API,
	'/api/v1/scenarios': { GET: SIGNED_IN, POST: AUTHORS, '*': SIGNED_IN },
	'/api/v1/scenarios/[id]': { GET: { byScenario: SEE }, PUT: { byScenario: EDIT }, '*': SIGNED_IN },
	// with a JSON body, the policy cannot read the move: whoever may make some move gets through
	'/api/v1/scenarios/[id]/visibility': { PUT: { byScenario: MANAGE }, '*': SIGNED_IN },
	'/api/v1/scenarios/run': { POST: SIGNED_IN, '*': SIGNED_IN },
	'/admin/users': { GET: ADMINS, 'POST ?/invite': ADMINS },
	'/admin/users/[id]': {
		GET: ADMINS,
		'POST ?/role': ADMINS,
		'POST ?/deactivate': ADMINS,
		'POST ?/reactivate': ADMINS,
		'POST ?/reset': ADMINS
	},
	'/admin/audit': { GET: ADMINS },
	'/admin/audit/export.csv': { GET: ADMINS }
};

// ---------------------------------------------------------------------------------------------

const factsFor = (form: Record<string, string> = {}): AccessFacts => ({
	scenario: async (id) => SCENARIOS[id],
	formField: async (name) => form[name] ?? null
});

/** The route id with its params filled in, as a URL, plus the params. */
function requestFor(h: Handler, fixture?: Fixture) {
	const params: Record<string, string> = {};
	let pathname = h.routeId.replace(/\[(?:\.\.\.)?([a-z]+)\]/g, (_, name: string) => {
		params[name] = name === 'id' && fixture ? fixture : `x-${name}`;
		return params[name]!;
	});
	let search = h.search;
	if (fixture && h.routeId.startsWith('/scenarios/compare')) search = `?ids=no-such&ids=${fixture}`;
	if (pathname === '') pathname = '/';
	return { url: new URL(`http://landscape.test${pathname}${search}`), params };
}

const handlers = await discoverHandlers();

describe('authorisation matrix', () => {
	it('finds the routes on disk (a sanity check on the discovery itself)', () => {
		const keys = handlers.map((h) => `${h.key} ${h.routeId}`);
		expect(keys).toContain('GET /scenarios/[id]');
		expect(keys).toContain('POST ?/save /scenarios/[id]');
		expect(keys).toContain('PUT /api/v1/scenarios/[id]');
		expect(keys).toContain('* /api/[...path]');
		expect(handlers.length).toBeGreaterThan(60);
	});

	it('has a policy rule for every route and method, and none for routes that do not exist', () => {
		const missing: string[] = [];
		for (const h of handlers) {
			const rules: RouteRules | undefined = POLICY[h.routeId];
			const rule = !rules
				? undefined
				: h.key.startsWith('POST ?/')
					? rules.ACTIONS?.[h.key.slice('POST ?/'.length)]
					: rules[h.key as keyof RouteRules];
			if (!rule) missing.push(`${h.key} ${h.routeId}`);
		}
		expect(missing, 'add these to src/lib/server/auth/policy.ts').toEqual([]);
		const known = new Set(handlers.map((h) => `${h.key} ${h.routeId}`));
		const stale: string[] = [];
		for (const [routeId, rules] of Object.entries(POLICY)) {
			for (const key of Object.keys(rules))
				if (key !== 'ACTIONS' && !known.has(`${key} ${routeId}`)) stale.push(`${key} ${routeId}`);
			for (const name of Object.keys(rules.ACTIONS ?? {}))
				if (!known.has(`POST ?/${name} ${routeId}`)) stale.push(`POST ?/${name} ${routeId}`);
		}
		expect(stale, 'policy.ts lists these, but no route answers them').toEqual([]);
	});

	it('has an expectation in this test for every route and method', () => {
		const missing = handlers
			.filter((h) => !EXPECTED[h.routeId]?.[h.key])
			.map((h) => `${h.key} ${h.routeId}`);
		expect(missing, 'decide who may use these and add them to EXPECTED in matrix.test.ts').toEqual(
			[]
		);
	});

	const cases = handlers.flatMap((h) => {
		const expectation = EXPECTED[h.routeId]?.[h.key];
		if (!expectation) return [];
		const fixtures: (Fixture | undefined)[] = 'byScenario' in expectation ? FIXTURES : [undefined];
		return fixtures.flatMap((fixture) =>
			ROLES6.map((who) => {
				const decisions =
					'byScenario' in expectation ? expectation.byScenario[fixture!]! : expectation;
				return { h, who, fixture, expected: decisions[who] };
			})
		);
	});

	it.each(
		cases.map(
			(c) =>
				[`${c.h.key} ${c.h.routeId}${c.fixture ? ` (${c.fixture})` : ''} as ${c.who}`, c] as const
		)
	)('%s', async (_, { h, who, fixture, expected }) => {
		const { url, params } = requestFor(h, fixture);
		const form: Record<string, string> =
			h.routeId === '/scenarios/new'
				? { start: 'empty', region: '' }
				: h.key === 'POST ?/visibility'
					? { visibility: 'published' }
					: {};
		const { decision, known } = await authorise({
			user: PEOPLE[who],
			routeId: h.routeId,
			method: h.method,
			url,
			params,
			facts: factsFor(form)
		});
		expect(known).toBe(true);
		expect(decision).toBe(expected);
		// HEAD is answered as GET
		if (h.method === 'GET')
			expect(
				(
					await authorise({
						user: PEOPLE[who],
						routeId: h.routeId,
						method: 'HEAD',
						url,
						params,
						facts: factsFor(form)
					})
				).decision
			).toBe(expected);
	});

	it('new scenarios: commissioners and partners only in their own regions (or with no region)', async () => {
		const create = async (who: Who, form: Record<string, string>) =>
			(
				await authorise({
					user: PEOPLE[who],
					routeId: '/scenarios/new',
					method: 'POST',
					url: new URL('http://landscape.test/scenarios/new'),
					params: {},
					facts: factsFor(form)
				})
			).decision;
		const inNorthEast = { start: 'co-commission', region: 'N54' };
		expect(await create('commissioner', inNorthEast)).toBe('allow');
		expect(await create('partner', inNorthEast)).toBe('allow');
		expect(await create('otherCommissioner', inNorthEast)).toBe('deny');
		expect(await create('otherCommissioner', { start: 'empty', region: 'N54' })).toBe('allow');
		expect(await create('viewer', { start: 'empty' })).toBe('deny');
		expect(await create('admin', inNorthEast)).toBe('allow');
	});

	it('who can see a scenario: each move by who may make it', async () => {
		const move = async (who: Who, fixture: Fixture, form: Record<string, string>) =>
			(
				await authorise({
					user: PEOPLE[who],
					routeId: '/scenarios/[id]',
					method: 'POST',
					url: new URL(`http://landscape.test/scenarios/${fixture}?/visibility`),
					params: { id: fixture },
					facts: factsFor(form)
				})
			).decision;
		// the partner who owns a draft may share it and return it to draft, not publish it
		expect(await move('partner', 'ne-partner-draft', { visibility: 'shared' })).toBe('allow');
		expect(await move('partner', 'ne-partner-draft', { visibility: 'published' })).toBe('deny');
		// a collaborator works on a draft but does not decide who sees it
		expect(await move('partner', 'ne-collab', { visibility: 'shared' })).toBe('deny');
		// the region's commissioner unpublishes; others who can see it cannot
		expect(await move('commissioner', 'ne-published', { visibility: 'draft' })).toBe('allow');
		expect(await move('commissioner', 'ne-shared', { visibility: 'draft' })).toBe('allow');
		expect(await move('partner', 'ne-published', { visibility: 'shared' })).toBe('deny');
		expect(await move('otherCommissioner', 'ne-published', { visibility: 'shared' })).toBe('deny');
		expect(await move('viewer', 'ne-published', { visibility: 'draft' })).toBe('deny');
		// a stale form (shown while it was shared; it is a draft now): through to the route, which
		// says so, for the owner who could have had it; not for a collaborator
		expect(
			await move('partner', 'ne-partner-draft', { visibility: 'published', from: 'shared' })
		).toBe('allow');
		expect(await move('partner', 'ne-collab', { visibility: 'shared', from: 'shared' })).toBe(
			'deny'
		);
		// no valid choice: through to the route (which says what is wrong) only for who may move it
		expect(await move('partner', 'ne-partner-draft', {})).toBe('allow');
		expect(await move('partner', 'ne-shared', { visibility: 'secret' })).toBe('deny');
		expect(await move('otherCommissioner', 'ne-draft', { visibility: 'shared' })).toBe('not-found');
	});

	it('refuses a route or action the policy does not know to everyone but admins', async () => {
		const ask = async (who: Who, routeId: string, search = '') =>
			authorise({
				user: PEOPLE[who],
				routeId,
				method: 'POST',
				url: new URL(`http://landscape.test/x${search}`),
				params: {},
				facts: factsFor()
			});
		expect(await ask('commissioner', '/not-in-the-policy')).toEqual({
			decision: 'deny',
			known: false
		});
		expect(await ask('admin', '/not-in-the-policy')).toEqual({ decision: 'allow', known: false });
		expect(await ask('commissioner', '/scenarios/[id]', '?/publish')).toEqual({
			decision: 'deny',
			known: false
		});
		// a request that matched no route at all is SvelteKit's 404, for anyone
		expect(await ask('anonymous', null as unknown as string)).toEqual({
			decision: 'allow',
			known: true
		});
	});
});
