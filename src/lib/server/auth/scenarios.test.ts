import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { createScenario } from '../repositories/scenarios';
import { LOCAL_ADMINISTRATOR } from './roles';
import {
	canCreateScenario,
	canEditScenario,
	canSeeScenario,
	loadScenarioAccessFacts,
	type ScenarioAccessFacts
} from './scenarios';
import { peopleTestDb, person } from './testing';

const ne = (visibility: string, extra: Partial<ScenarioAccessFacts> = {}): ScenarioAccessFacts => ({
	owner: 'owner@example.org',
	visibility,
	regionCode: 'N54',
	coCommissioning: false,
	currentVersion: 1,
	...extra
});

const people = {
	admin: person('admin', 'all'),
	owner: person('commissioner', ['N54'], 'owner@example.org'),
	neCommissioner: person('commissioner', ['N54']),
	londonCommissioner: person('commissioner', ['N07']),
	nePartner: person('partner', ['N54']),
	londonPartner: person('partner', ['N07']),
	viewer: person('viewer', ['N54'])
};
type Who = keyof typeof people;

describe('canSeeScenario and canEditScenario', () => {
	// [scenario, who can see it, who can edit it]
	const cases: [string, ScenarioAccessFacts, Who[], Who[]][] = [
		['NE draft', ne('draft'), ['admin', 'owner'], ['admin', 'owner']],
		[
			'NE shared',
			ne('shared'),
			['admin', 'owner', 'neCommissioner', 'nePartner'],
			['admin', 'owner', 'neCommissioner']
		],
		[
			'NE shared, co-commissioning',
			ne('shared', { coCommissioning: true }),
			['admin', 'owner', 'neCommissioner', 'nePartner'],
			['admin', 'owner', 'neCommissioner', 'nePartner']
		],
		[
			'NE published',
			ne('published'),
			Object.keys(people) as Who[],
			['admin', 'owner', 'neCommissioner']
		],
		[
			'national shared',
			ne('shared', { regionCode: null }),
			['admin', 'owner', 'neCommissioner', 'londonCommissioner', 'nePartner', 'londonPartner'],
			['admin', 'owner']
		],
		// an owner who no longer works in the scenario's region can still see it, but not change it
		[
			'NE draft owned by a London commissioner',
			ne('draft', { owner: 'commissioner@example.org' }),
			['admin', 'neCommissioner', 'londonCommissioner'],
			['admin', 'neCommissioner']
		]
	];
	it.each(cases)('%s', (_, scenario, see, edit) => {
		// the last case: neCommissioner and londonCommissioner share the name commissioner@example.org
		for (const [who, user] of Object.entries(people) as [Who, (typeof people)[Who]][]) {
			expect([who, canSeeScenario(user, scenario)]).toEqual([who, see.includes(who)]);
			expect([who, canEditScenario(user, scenario)]).toEqual([who, edit.includes(who)]);
		}
	});

	it('lets nobody who is not signed in see anything; the local administrator everything', () => {
		const anonymous = { ...people.viewer, role: 'anonymous' as const, name: 'anonymous' };
		expect(canSeeScenario(anonymous, ne('published'))).toBe(false);
		expect(canEditScenario(LOCAL_ADMINISTRATOR, ne('draft'))).toBe(true);
	});

	it('creation: commissioners and partners national or in their regions; viewers never', () => {
		expect(canCreateScenario(people.londonCommissioner, 'N07')).toBe(true);
		expect(canCreateScenario(people.londonCommissioner, 'N54')).toBe(false);
		expect(canCreateScenario(people.nePartner, null)).toBe(true);
		expect(canCreateScenario(people.viewer, null)).toBe(false);
		expect(canCreateScenario(people.admin, 'N54')).toBe(true);
	});
});

describe('loadScenarioAccessFacts', () => {
	let db: DB;
	beforeEach(async () => {
		db = await peopleTestDb();
	});
	afterEach(async () => {
		await db.destroy();
	});

	it('reads owner, visibility, region, version and whether the current version co-commissions', async () => {
		const draft = { name: 'Illustrative', description: '', datasetVersions: {} };
		const plain = await createScenario(
			db,
			{ ...draft, body: { changes: [{ type: 're-let' }] } },
			{ owner: 'a@example.org', regionCode: 'N54', id: 'plain' }
		);
		await createScenario(
			db,
			{ ...draft, body: { changes: [{ type: 'co-commission', partners: [] }] } },
			{ owner: 'b@example.org', id: 'cocom' }
		);
		expect(await loadScenarioAccessFacts(db, plain.id)).toEqual({
			owner: 'a@example.org',
			visibility: 'draft',
			regionCode: 'N54',
			coCommissioning: false,
			currentVersion: 1
		});
		expect(await loadScenarioAccessFacts(db, 'cocom')).toMatchObject({
			regionCode: null,
			coCommissioning: true
		});
		expect(await loadScenarioAccessFacts(db, 'missing')).toBeUndefined();
	});
});
