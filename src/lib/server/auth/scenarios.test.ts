import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { createScenario } from '../repositories/scenarios';
import { LOCAL_ADMINISTRATOR } from './roles';
import {
	editScope,
	canChangeVisibility,
	canCreateScenario,
	canEditScenario,
	canManageScenario,
	canPublishScenario,
	canSeeScenario,
	collaboratorProblem,
	loadScenarioAccessFacts,
	visibilityAuditAction,
	visibilityChoices,
	type CollaboratorCandidate,
	type ScenarioAccessFacts
} from './scenarios';
import { addPerson, peopleTestDb, person } from './testing';

const ne = (visibility: string, extra: Partial<ScenarioAccessFacts> = {}): ScenarioAccessFacts => ({
	owner: 'owner@example.org',
	visibility,
	regionCode: 'N54',
	coCommissioning: false,
	currentVersion: 1,
	collaborators: [],
	...extra
});

/** Each a distinct account (collaborators are named by account id). */
const withId = <T extends object>(id: number, p: T) => ({ ...p, id });
const people = {
	admin: withId(1, person('admin', 'all')),
	owner: withId(2, person('commissioner', ['N54'], 'owner@example.org')),
	neCommissioner: withId(3, person('commissioner', ['N54'])),
	londonCommissioner: withId(4, person('commissioner', ['N07'])),
	nePartner: withId(5, person('partner', ['N54'], 'partner@example.org', 'Northumbria PCC')),
	londonPartner: withId(6, person('partner', ['N07'], 'london@example.org', 'MOPAC')),
	viewer: withId(7, person('viewer', ['N54'])),
	// a partner account made before partners named their organisation
	neUnnamedPartner: withId(8, person('partner', ['N54'], 'unnamed@example.org'))
};
type Who = keyof typeof people;

describe('editScope', () => {
	it('limits a partner of the region to its organisation’s contributions, and owners to nothing less than all', () => {
		const coCommissioning = ne('shared', { coCommissioning: true });
		expect(editScope(people.nePartner, coCommissioning)).toEqual({
			kind: 'contributions',
			organisation: 'Northumbria PCC'
		});
		expect(editScope(people.neUnnamedPartner, coCommissioning)).toBeNull();
		expect(editScope(people.londonPartner, coCommissioning)).toBeNull();
		expect(editScope(people.neCommissioner, coCommissioning)).toEqual({ kind: 'all' });
		const owned = { ...coCommissioning, owner: 'partner@example.org' };
		expect(editScope(people.nePartner, owned)).toEqual({ kind: 'all' });
		const collaborating = { ...coCommissioning, collaborators: [people.nePartner.id] };
		expect(editScope(people.nePartner, collaborating)).toEqual({ kind: 'all' });
		expect(editScope(people.viewer, { ...coCommissioning, visibility: 'published' })).toBeNull();
	});
});

describe('canSeeScenario and canEditScenario', () => {
	// [scenario, who can see it, who can edit it]
	const cases: [string, ScenarioAccessFacts, Who[], Who[]][] = [
		['NE draft', ne('draft'), ['admin', 'owner'], ['admin', 'owner']],
		[
			'NE shared',
			ne('shared'),
			['admin', 'owner', 'neCommissioner', 'nePartner', 'neUnnamedPartner'],
			['admin', 'owner', 'neCommissioner']
		],
		// the partner may change only its own organisation's contributions (see editScope)
		[
			'NE shared, co-commissioning',
			ne('shared', { coCommissioning: true }),
			['admin', 'owner', 'neCommissioner', 'nePartner', 'neUnnamedPartner'],
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
			[
				'admin',
				'owner',
				'neCommissioner',
				'londonCommissioner',
				'nePartner',
				'londonPartner',
				'neUnnamedPartner'
			],
			['admin', 'owner']
		],
		// an owner who no longer works in the scenario's region can still see it, but not change it
		[
			'NE draft owned by a London commissioner',
			ne('draft', { owner: 'commissioner@example.org' }),
			['admin', 'neCommissioner', 'londonCommissioner'],
			['admin', 'neCommissioner']
		],
		// named collaborators see and change a draft, while they work in its region
		[
			'NE draft with the NE partner as collaborator',
			ne('draft', { collaborators: [people.nePartner.id] }),
			['admin', 'owner', 'nePartner'],
			['admin', 'owner', 'nePartner']
		],
		[
			'NE draft with the London partner as collaborator (since moved region)',
			ne('draft', { collaborators: [people.londonPartner.id] }),
			['admin', 'owner', 'londonPartner'],
			['admin', 'owner']
		],
		[
			'NE shared with the NE partner as collaborator',
			ne('shared', { collaborators: [people.nePartner.id] }),
			['admin', 'owner', 'neCommissioner', 'nePartner', 'neUnnamedPartner'],
			['admin', 'owner', 'neCommissioner', 'nePartner']
		],
		[
			'NE published with the NE partner as collaborator',
			ne('published', { collaborators: [people.nePartner.id] }),
			Object.keys(people) as Who[],
			['admin', 'owner', 'neCommissioner', 'nePartner']
		],
		[
			'national draft with the London commissioner as collaborator',
			ne('draft', { regionCode: null, collaborators: [people.londonCommissioner.id] }),
			['admin', 'owner', 'londonCommissioner'],
			['admin', 'owner', 'londonCommissioner']
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

describe('who may change who can see a scenario', () => {
	// [scenario, who may publish/unpublish, who may share/return to draft and name collaborators]
	const cases: [string, ScenarioAccessFacts, Who[], Who[]][] = [
		['NE draft', ne('draft'), ['admin', 'owner'], ['admin', 'owner']],
		[
			// the owner here is a commissioner of the region, so may publish
			'NE shared',
			ne('shared'),
			['admin', 'owner', 'neCommissioner'],
			['admin', 'owner', 'neCommissioner']
		],
		[
			'NE published',
			ne('published'),
			['admin', 'owner', 'neCommissioner'],
			['admin', 'owner', 'neCommissioner']
		],
		[
			'NE shared, owned by the NE partner',
			ne('shared', { owner: people.nePartner.name }),
			['admin', 'owner', 'neCommissioner'],
			['admin', 'owner', 'neCommissioner', 'nePartner']
		],
		[
			'NE draft, owned by the NE partner, the NE commissioner a collaborator',
			ne('draft', { owner: people.nePartner.name, collaborators: [people.neCommissioner.id] }),
			['admin', 'neCommissioner'],
			['admin', 'neCommissioner', 'nePartner']
		],
		[
			// a collaborator changes the scenario, but does not decide who sees it
			'NE draft with the NE partner as collaborator',
			ne('draft', { collaborators: [people.nePartner.id] }),
			['admin', 'owner'],
			['admin', 'owner']
		],
		// national: no region's commissioners, so admins publish; the owner shares
		['national shared', ne('shared', { regionCode: null }), ['admin'], ['admin', 'owner']]
	];
	it.each(cases)('%s', (_, scenario, publish, manage) => {
		for (const [who, user] of Object.entries(people) as [Who, (typeof people)[Who]][]) {
			expect([who, canPublishScenario(user, scenario)]).toEqual([who, publish.includes(who)]);
			expect([who, canManageScenario(user, scenario)]).toEqual([who, manage.includes(who)]);
		}
	});

	it('moves to or from published need publishing; draft and shared need managing', () => {
		const partnerOwns = (visibility: string) => ne(visibility, { owner: people.nePartner.name });
		expect(canChangeVisibility(people.nePartner, partnerOwns('draft'), 'shared')).toBe(true);
		expect(canChangeVisibility(people.nePartner, partnerOwns('draft'), 'published')).toBe(false);
		expect(canChangeVisibility(people.nePartner, partnerOwns('shared'), 'draft')).toBe(true);
		expect(canChangeVisibility(people.nePartner, partnerOwns('published'), 'shared')).toBe(false);
		expect(canChangeVisibility(people.nePartner, partnerOwns('published'), 'draft')).toBe(false);
		expect(canChangeVisibility(people.neCommissioner, partnerOwns('published'), 'draft')).toBe(
			true
		);
		// no change is not a change
		expect(canChangeVisibility(people.admin, ne('shared'), 'shared')).toBe(false);
		expect(visibilityChoices(people.nePartner, partnerOwns('draft'))).toEqual(['shared']);
		expect(visibilityChoices(people.neCommissioner, ne('shared'))).toEqual(['draft', 'published']);
		expect(visibilityChoices(people.viewer, ne('published'))).toEqual([]);
		expect(visibilityChoices(LOCAL_ADMINISTRATOR, ne('draft'))).toEqual(['shared', 'published']);
		const anonymous = { ...people.viewer, role: 'anonymous' as const, name: 'anonymous' };
		expect(visibilityChoices(anonymous, ne('published'))).toEqual([]);
	});

	it('names each move for the audit log', () => {
		expect(visibilityAuditAction('draft', 'shared')).toBe('scenario.share');
		expect(visibilityAuditAction('shared', 'draft')).toBe('scenario.unshare');
		expect(visibilityAuditAction('draft', 'published')).toBe('scenario.publish');
		expect(visibilityAuditAction('shared', 'published')).toBe('scenario.publish');
		expect(visibilityAuditAction('published', 'shared')).toBe('scenario.unpublish');
		expect(visibilityAuditAction('published', 'draft')).toBe('scenario.unpublish');
	});
});

describe('collaboratorProblem', () => {
	const account = (extra: Partial<CollaboratorCandidate> = {}): CollaboratorCandidate => ({
		id: 9,
		email: 'sam@example.org',
		role: 'partner',
		regions: ['N54'],
		active: true,
		...extra
	});
	const scenario = ne('draft', { collaborators: [3] });
	const problem = (extra: Partial<CollaboratorCandidate>, s = scenario) =>
		collaboratorProblem(account(extra), s, s.regionCode === null ? null : 'North East');

	it('accepts active commissioners and partners of its region, and admins', () => {
		expect(problem({})).toBeNull();
		expect(problem({ role: 'commissioner' })).toBeNull();
		expect(problem({ role: 'admin', regions: [] })).toBeNull();
		// a national scenario: any region
		expect(problem({ regions: ['N07'] }, ne('draft', { regionCode: null }))).toBeNull();
	});

	it('says why anyone else cannot be', () => {
		expect(problem({ regions: ['N07'] })).toBe(
			'sam@example.org does not work in North East, this scenario’s region, so they cannot be a collaborator on it. An administrator can add the region to their account.'
		);
		expect(problem({ role: 'viewer' })).toMatch(/^sam@example.org is a viewer: viewers read/);
		expect(problem({ active: false })).toMatch(/account is deactivated/);
		expect(problem({ id: 3 })).toBe('sam@example.org is already a collaborator on this scenario.');
		expect(problem({ email: 'owner@example.org' })).toBe(
			'owner@example.org owns this scenario already.'
		);
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
			currentVersion: 1,
			collaborators: []
		});
		const partner = await addPerson(db, 'partner@example.org', 'partner', ['N54']);
		await db
			.insertInto('scenario_collaborators')
			.values({ scenario_id: 'plain', user_id: partner, added_by: 'a@example.org', added_at: 'x' })
			.execute();
		expect(await loadScenarioAccessFacts(db, plain.id)).toMatchObject({
			collaborators: [partner]
		});
		expect(await loadScenarioAccessFacts(db, 'cocom')).toMatchObject({
			regionCode: null,
			coCommissioning: true
		});
		expect(await loadScenarioAccessFacts(db, 'missing')).toBeUndefined();
	});
});
