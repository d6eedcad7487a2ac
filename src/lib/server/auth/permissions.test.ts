import { describe, expect, it } from 'vitest';
import { allowedLinks, can, LINKS, type LinkKey } from './permissions';
import { POLICY, authorise, type AccessFacts, type Method } from './policy';
import { ANONYMOUS, LOCAL_ADMINISTRATOR, type AppUser } from './roles';
import { person } from './testing';

const PEOPLE: Record<string, AppUser> = {
	anonymous: ANONYMOUS,
	viewer: person('viewer', ['N54']),
	partner: person('partner', ['N54']),
	commissioner: person('commissioner', ['N54']),
	admin: person('admin', 'all'),
	local: LOCAL_ADMINISTRATOR
};

const shown = (user: AppUser) =>
	Object.entries(allowedLinks(user))
		.filter(([, allowed]) => allowed)
		.map(([key]) => key as LinkKey)
		.sort();

describe('allowedLinks', () => {
	it.each([
		['anonymous', ['regions']],
		[
			'viewer',
			['access', 'cliff', 'dataSources', 'gaps', 'market', 'providers', 'regions', 'scenarios']
		],
		[
			'partner',
			[
				'access',
				'cliff',
				'dataSources',
				'gaps',
				'market',
				'newScenario',
				'providers',
				'regions',
				'scenarios'
			]
		],
		[
			'commissioner',
			[
				'access',
				'cliff',
				'dataSources',
				'gaps',
				'import',
				'market',
				'newScenario',
				'providers',
				'regions',
				'rollback',
				'scenarios'
			]
		],
		['admin', Object.keys(LINKS).sort()],
		['local', Object.keys(LINKS).sort()]
	])('%s sees only what the policy lets them use', (who, expected) => {
		expect(shown(PEOPLE[who]!)).toEqual([...expected].sort());
	});
});

describe('can', () => {
	it('reads form actions by name', () => {
		expect(can(PEOPLE.commissioner!, '/data-sources/[key]', 'POST', 'rollback')).toBe(true);
		expect(can(PEOPLE.viewer!, '/data-sources/[key]', 'POST', 'rollback')).toBe(false);
		expect(can(PEOPLE.viewer!, '/admin/users/[id]', 'POST', 'role')).toBe(false);
		expect(can(PEOPLE.admin!, '/admin/users/[id]', 'POST', 'role')).toBe(true);
	});

	it('offers a route the policy does not list to admins only, as authorise does', () => {
		expect(can(PEOPLE.admin!, '/not-in-the-policy')).toBe(true);
		expect(can(PEOPLE.commissioner!, '/not-in-the-policy')).toBe(false);
		expect(can(PEOPLE.commissioner!, '/data-sources/[key]', 'POST', 'no-such-action')).toBe(false);
	});

	it('shows the way to a checked route to the roles that reach the check', () => {
		// /scenarios/new checks the region chosen; partners and commissioners may choose one of theirs
		expect(can(PEOPLE.partner!, '/scenarios/new', 'POST', 'default')).toBe(true);
		expect(can(PEOPLE.viewer!, '/scenarios/new', 'POST', 'default')).toBe(false);
	});

	// Nothing is offered that authorise would refuse outright: for every rule that does not depend
	// on the request, can and authorise agree, for every role.
	const noFacts: AccessFacts = {
		scenario: () => Promise.resolve(undefined),
		formField: () => Promise.resolve(null)
	};
	const cases = Object.entries(POLICY).flatMap(([routeId, rules]) => [
		...(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as Method[])
			.filter((m) => rules[m] && (m !== 'POST' || !rules.ACTIONS))
			.map((m) => ({ routeId, method: m, action: undefined as string | undefined })),
		...Object.keys(rules.ACTIONS ?? {}).map((action) => ({
			routeId,
			method: 'POST' as Method,
			action
		}))
	]);
	it.each(Object.keys(PEOPLE))(
		'agrees with authorise for %s on every listed route',
		async (who) => {
			const user = PEOPLE[who]!;
			for (const { routeId, method, action } of cases) {
				const url = new URL(
					action === undefined || action === 'default' ? '/' : `/?/${action}`,
					'http://landscape.invalid'
				);
				const { decision } = await authorise({
					user,
					routeId,
					method,
					url,
					params: {},
					facts: noFacts
				});
				const offered = can(user, routeId, method, action);
				if (decision === 'allow')
					expect(offered, `${who} ${method} ${routeId} ${action ?? ''}`).toBe(true);
				// a refusal with no scenario or form to look at comes from the role alone
				if (decision !== 'allow' && routeId !== '/scenarios/new')
					expect(offered, `${who} ${method} ${routeId} ${action ?? ''}`).toBe(false);
			}
		}
	);
});
