import type { AppUser, Role } from './roles';
import {
	canChangeVisibility,
	canCreateScenario,
	canEditScenario,
	canManageScenario,
	canPublishScenario,
	canSeeScenario,
	isScenarioVisibility,
	type ScenarioAccessFacts
} from './scenarios';

/**
 * THE authorisation policy: every route (SvelteKit route id) × method → a rule, enforced for every
 * request by hooks.server.ts. A route missing here is refused to everyone but admins, and the
 * matrix test (matrix.test.ts) fails until it is added, so a new page cannot ship unguarded.
 *
 * Page form actions are listed by name under ACTIONS (POST ?/name; `default` for a plain POST);
 * endpoint methods by name; `*` covers an endpoint's `fallback` (any other method).
 */

/** allow; deny (401 when not signed in, 403 when signed in); not-found (hide that it exists: 404). */
export type Decision = 'allow' | 'deny' | 'not-found';

/** What a rule can ask about: the scenario an id names, a field of the submitted form. */
export interface AccessFacts {
	scenario(id: string): Promise<ScenarioAccessFacts | undefined>;
	/** a field of the request's form (read from a copy: the route still reads the body) */
	formField(name: string): Promise<string | null>;
}

export interface AccessRequest {
	user: AppUser;
	routeId: string | null;
	method: string;
	url: URL;
	params: Readonly<Record<string, string | undefined>>;
	facts: AccessFacts;
}

export type Rule =
	| { kind: 'public' }
	| { kind: 'signed-in' }
	| { kind: 'roles'; roles: readonly Role[] }
	| {
			kind: 'check';
			/** only these roles get as far as the check */
			roles: readonly Role[];
			/** what it checks, in words */
			describe: string;
			check(request: AccessRequest): Decision | Promise<Decision>;
	  };

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type RouteRules = Partial<Record<Method | '*', Rule>> & {
	/** page form actions, by name */
	ACTIONS?: Readonly<Record<string, Rule>>;
};

const ALL_ROLES: readonly Role[] = ['admin', 'commissioner', 'partner', 'viewer'];
export const PUBLIC: Rule = { kind: 'public' };
export const SIGNED_IN: Rule = { kind: 'signed-in' };
const AUTHOR_ROLES: readonly Role[] = ['admin', 'commissioner', 'partner'];
const roles = (...list: Role[]): Rule => ({ kind: 'roles', roles: list });
export const ADMINS = roles('admin');
/** import data and roll datasets back */
export const IMPORTERS = roles('admin', 'commissioner');
/** create scenarios */
export const AUTHORS = roles(...AUTHOR_ROLES);

/** The scenario named by params.id; a missing one is allowed through, so the route says 404. */
function scenarioRule(
	describe: string,
	allowed: readonly Role[],
	decide: (user: AppUser, s: ScenarioAccessFacts) => Decision
): Rule {
	return {
		kind: 'check',
		roles: allowed,
		describe,
		async check({ user, params, facts }) {
			const s = params.id === undefined ? undefined : await facts.scenario(params.id);
			if (!s) return 'allow';
			if (!canSeeScenario(user, s)) return 'not-found';
			return decide(user, s);
		}
	};
}

export const SEE_SCENARIO = scenarioRule('can see the scenario', ALL_ROLES, () => 'allow');
export const EDIT_SCENARIO = scenarioRule('can edit the scenario', AUTHOR_ROLES, (user, s) =>
	canEditScenario(user, s) ? 'allow' : 'deny'
);
/** a copy keeps the original's region, so it must be one the person can create in */
export const COPY_SCENARIO = scenarioRule(
	'can see the scenario and create in its region',
	AUTHOR_ROLES,
	(user, s) => (canCreateScenario(user, s.regionCode) ? 'allow' : 'deny')
);

/** share, return to draft, add and remove collaborators */
export const MANAGE_SCENARIO = scenarioRule(
	'can manage the scenario (its owner, a commissioner of its region)',
	AUTHOR_ROLES,
	(user, s) => (canManageScenario(user, s) ? 'allow' : 'deny')
);

/**
 * A change of who can see a scenario: to the visibility the form chooses (publishing and
 * unpublishing for its region's commissioners; sharing and returning to draft also for its owner).
 * With no valid choice, or a form shown before someone else changed it, anyone who may make some
 * change gets through, and the route says what is wrong with the form (changing nothing).
 */
export const CHANGE_VISIBILITY: Rule = {
	kind: 'check',
	roles: AUTHOR_ROLES,
	describe: 'can give the scenario the chosen visibility',
	async check({ user, params, facts }) {
		const s = params.id === undefined ? undefined : await facts.scenario(params.id);
		if (!s) return 'allow';
		if (!canSeeScenario(user, s)) return 'not-found';
		const [to, from] = [await facts.formField('visibility'), await facts.formField('from')];
		// A form from before someone else's change goes through to be told so (and change nothing).
		const stale = isScenarioVisibility(from) && from !== s.visibility;
		if (!stale && isScenarioVisibility(to) && to !== s.visibility)
			return canChangeVisibility(user, s, to) ? 'allow' : 'deny';
		return canManageScenario(user, s) || canPublishScenario(user, s) ? 'allow' : 'deny';
	}
};

/** Every scenario in ?ids= (compare) must be one the person can see. */
export const SEE_SCENARIOS: Rule = {
	kind: 'check',
	roles: ALL_ROLES,
	describe: 'can see every scenario in ids',
	async check({ user, url, facts }) {
		for (const id of new Set(url.searchParams.getAll('ids').filter(Boolean).slice(0, 20))) {
			const s = await facts.scenario(id);
			if (s && !canSeeScenario(user, s)) return 'not-found';
		}
		return 'allow';
	}
};

/** /scenarios/new: the region chosen (none for an empty start, as the page stores it). */
export const CREATE_SCENARIO: Rule = {
	kind: 'check',
	roles: AUTHOR_ROLES,
	describe: 'can create a scenario in the chosen region',
	async check({ user, facts }) {
		const start = await facts.formField('start');
		const region = start === 'empty' ? null : (await facts.formField('region')) || null;
		return canCreateScenario(user, region) ? 'allow' : 'deny';
	}
};

/** Read-only JSON endpoint with a `fallback` that answers 405 to other methods. */
const READ_API: RouteRules = { GET: SIGNED_IN, '*': SIGNED_IN };

export const POLICY: Readonly<Record<string, RouteRules>> = {
	// public: the landing page, signing in and out, health checks
	'/': { GET: PUBLIC },
	'/sign-in': { GET: PUBLIC, ACTIONS: { default: PUBLIC } },
	'/sign-in/password': { GET: SIGNED_IN, ACTIONS: { default: SIGNED_IN } },
	'/sign-out': { POST: PUBLIC },
	'/healthz': { GET: PUBLIC },
	'/readyz': { GET: PUBLIC },
	// the styled page for a refusal: it names nothing about what was refused
	'/refused': { GET: PUBLIC },

	// the baseline: everyone signed in
	'/access': { GET: SIGNED_IN },
	'/cliff': { GET: SIGNED_IN },
	'/cliff/cliff.csv': { GET: SIGNED_IN },
	'/contracts/[reference]': { GET: SIGNED_IN },
	'/data-sources': { GET: SIGNED_IN },
	'/data-sources/[key]': { GET: SIGNED_IN, ACTIONS: { rollback: IMPORTERS } },
	'/gaps': { GET: SIGNED_IN },
	'/gaps/export.csv': { GET: SIGNED_IN },
	'/market': { GET: SIGNED_IN },
	'/pdus/[code]': { GET: SIGNED_IN },
	'/providers': { GET: SIGNED_IN },
	'/providers/[id]': { GET: SIGNED_IN },
	'/regions/[code]': { GET: SIGNED_IN },

	// importing data
	'/import': { GET: IMPORTERS, ACTIONS: { preview: IMPORTERS, confirm: IMPORTERS } },
	// checks or imports one file, streaming progress (the page's way with JavaScript)
	'/import/run': { POST: IMPORTERS },
	'/import/template.csv': { GET: IMPORTERS },
	'/import/templates/[kind]': { GET: IMPORTERS },

	// scenarios
	'/scenarios': { GET: SIGNED_IN },
	'/scenarios/new': { GET: AUTHORS, ACTIONS: { default: CREATE_SCENARIO } },
	'/scenarios/[id]': {
		GET: SEE_SCENARIO,
		ACTIONS: {
			save: EDIT_SCENARIO,
			copy: COPY_SCENARIO,
			restore: EDIT_SCENARIO,
			visibility: CHANGE_VISIBILITY,
			addCollaborator: MANAGE_SCENARIO,
			removeCollaborator: MANAGE_SCENARIO
		}
	},
	'/scenarios/[id]/report': { GET: SEE_SCENARIO },
	'/scenarios/[id]/export/[table].csv': { GET: SEE_SCENARIO },
	'/scenarios/compare': { GET: SEE_SCENARIOS },
	'/scenarios/compare.csv': { GET: SEE_SCENARIOS },

	// the JSON API
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
	// POST creates a national scenario (no region), owned by whoever posts it
	'/api/v1/scenarios': { GET: SIGNED_IN, POST: AUTHORS, '*': SIGNED_IN },
	'/api/v1/scenarios/[id]': { GET: SEE_SCENARIO, PUT: EDIT_SCENARIO, '*': SIGNED_IN },
	// the exact move (publish, share …) is checked by the endpoint, from the JSON body
	'/api/v1/scenarios/[id]/visibility': { PUT: CHANGE_VISIBILITY, '*': SIGNED_IN },
	// stateless: runs a scenario body, saves nothing
	'/api/v1/scenarios/run': { POST: SIGNED_IN, '*': SIGNED_IN },

	// people and the audit log
	'/admin/users': { GET: ADMINS, ACTIONS: { invite: ADMINS } },
	'/admin/users/[id]': {
		GET: ADMINS,
		ACTIONS: { role: ADMINS, deactivate: ADMINS, reactivate: ADMINS, reset: ADMINS }
	},
	'/admin/audit': { GET: ADMINS },
	'/admin/audit/export.csv': { GET: ADMINS }
};

/** The form action a POST to a page names (`?/save`), as SvelteKit reads it; `default` if none. */
export function actionName(url: URL): string {
	for (const [key] of url.searchParams) if (key.startsWith('/')) return key.slice(1);
	return 'default';
}

/** The rule for a request, or undefined when the policy has none (an unlisted route or action). */
export function ruleFor(
	routeId: string,
	method: string,
	url: URL,
	policy: Readonly<Record<string, RouteRules>> = POLICY
): Rule | undefined {
	const rules = policy[routeId];
	if (!rules) return undefined;
	const m = method === 'HEAD' ? 'GET' : method;
	if (m === 'POST' && rules.ACTIONS) return rules.ACTIONS[actionName(url)];
	// A method a route does not handle is answered 405 by SvelteKit: only signed-in people get that far.
	return rules[m as Method] ?? rules['*'] ?? SIGNED_IN;
}

export interface Authorisation {
	decision: Decision;
	/** false when the policy has no rule for the route (or the action) */
	known: boolean;
}

/**
 * Decide a request. Requests that match no route (SvelteKit answers 404) are let through. Admins
 * may do everything the policy lists, without checks; anything it does not list only admins.
 */
export async function authorise(request: AccessRequest): Promise<Authorisation> {
	const { user, routeId } = request;
	if (routeId === null) return { decision: 'allow', known: true };
	const rule = ruleFor(routeId, request.method, request.url);
	const byRole = decideByRole(user, rule);
	if (byRole !== 'check') return { decision: byRole, known: rule !== undefined };
	return { decision: await (rule as Extract<Rule, { kind: 'check' }>).check(request), known: true };
}

/**
 * What a rule decides from who is asking alone (no rule: admins only); 'check' when it then
 * depends on the request (which scenario, which region). authorise and the links a page shows
 * (permissions.ts) both decide through this.
 */
export function decideByRole(user: AppUser, rule: Rule | undefined): Decision | 'check' {
	if (!rule) return user.role === 'admin' ? 'allow' : 'deny';
	if (rule.kind === 'public') return 'allow';
	if (user.role === 'anonymous') return 'deny';
	if (rule.kind === 'signed-in' || user.role === 'admin') return 'allow';
	if (!rule.roles.includes(user.role)) return 'deny';
	return rule.kind === 'roles' ? 'allow' : 'check';
}
