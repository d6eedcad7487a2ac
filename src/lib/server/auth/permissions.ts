import { decideByRole, ruleFor, type Method } from './policy';
import type { AppUser } from './roles';

/**
 * Which links and buttons a page may show someone, read from the one policy (policy.ts) rather
 * than a second copy of it, so nobody is offered a page that only says "You do not have
 * permission". The server still decides every request; this only hides what would be refused.
 */

/**
 * Whether `user` may use a route (a SvelteKit route id) with `method`, or a page's form `action`.
 * Where the policy then checks the request itself (which scenario, which region), this says yes
 * for the roles that get as far as the check: the page shows the way and the check decides.
 */
export function can(user: AppUser, routeId: string, method: Method = 'GET', action?: string) {
	const url = new URL(action === undefined ? '/' : `/?/${action}`, 'http://landscape.invalid');
	return decideByRole(user, ruleFor(routeId, method, url)) !== 'deny';
}

/** The links and controls the layout and pages hide from people who could not use them. */
export const LINKS = {
	regions: { routeId: '/' },
	gaps: { routeId: '/gaps' },
	access: { routeId: '/access' },
	cliff: { routeId: '/cliff' },
	market: { routeId: '/market' },
	scenarios: { routeId: '/scenarios' },
	newScenario: { routeId: '/scenarios/new' },
	providers: { routeId: '/providers' },
	dataSources: { routeId: '/data-sources' },
	import: { routeId: '/import' },
	rollback: { routeId: '/data-sources/[key]', method: 'POST', action: 'rollback' },
	people: { routeId: '/admin/users' },
	audit: { routeId: '/admin/audit' }
} as const satisfies Record<string, { routeId: string; method?: Method; action?: string }>;

export type LinkKey = keyof typeof LINKS;

/** For each of LINKS, whether `user` may follow it. Plain data, for the layout to pass on. */
export function allowedLinks(user: AppUser): Record<LinkKey, boolean> {
	const entries = Object.entries(LINKS) as [
		LinkKey,
		{ routeId: string; method?: Method; action?: string }
	][];
	return Object.fromEntries(
		entries.map(([key, link]) => [key, can(user, link.routeId, link.method, link.action)])
	) as Record<LinkKey, boolean>;
}
