import { describe, expect, it } from 'vitest';
import { LOCAL_ADMINISTRATOR, type AppUser } from '../auth/roles';
import type { SavedScenario } from '../repositories/scenarios';
import { visibleScenarios } from './visible';

const person = (
	role: AppUser['role'],
	name: string,
	regions: string[] = ['N54'],
	id = 1
): AppUser => ({
	id,
	name,
	email: name,
	role,
	regions,
	mustChangePassword: false,
	organisation: null
});

const scenario = (
	id: string,
	owner: string,
	visibility: SavedScenario['visibility'],
	collaboratorIds: number[] = []
) =>
	({
		id,
		owner,
		visibility,
		regionCode: 'N54',
		currentVersion: 1,
		collaboratorIds
	}) as SavedScenario;

const all = [
	scenario('draft-sam', 'sam@example.org', 'draft', [7]),
	scenario('shared-ne', 'sam@example.org', 'shared'),
	scenario('published', 'sam@example.org', 'published')
];
const ids = (user: AppUser) => visibleScenarios(user, all).map((s) => s.id);

describe('visibleScenarios', () => {
	it('lists a draft only to its owner and admins', () => {
		expect(ids(person('commissioner', 'sam@example.org'))).toEqual([
			'draft-sam',
			'shared-ne',
			'published'
		]);
		expect(ids(LOCAL_ADMINISTRATOR)).toEqual(['draft-sam', 'shared-ne', 'published']);
	});

	it('lists a draft to its named collaborators too', () => {
		expect(ids(person('partner', 'pcc@example.org', ['N54'], 7))).toEqual([
			'draft-sam',
			'shared-ne',
			'published'
		]);
		expect(ids(person('partner', 'other@example.org', ['N54'], 8))).toEqual([
			'shared-ne',
			'published'
		]);
	});

	it("lists shared scenarios to the region's commissioners and partners, published ones to all", () => {
		expect(ids(person('partner', 'pcc@example.org'))).toEqual(['shared-ne', 'published']);
		expect(ids(person('commissioner', 'ldn@example.org', ['N07']))).toEqual(['published']);
		expect(ids(person('viewer', 'umbrella@example.org'))).toEqual(['published']);
		expect(ids(person('anonymous', ''))).toEqual([]);
	});
});
