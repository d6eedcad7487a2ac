import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '$lib/server/db';
import { loadScenarioAccessFacts } from '$lib/server/auth/scenarios';
import { addPerson, peopleTestDb } from '$lib/server/auth/testing';
import { createScenario, listScenarioCollaborators } from '$lib/server/repositories/scenarios';
import { addCollaboratorByEmail, describeVisibility, removeCollaborator } from './access.server';

const by = { actor: 'owner@example.org', requestId: null, ip: null };

describe('describeVisibility', () => {
	it('says who can see and change it, in plain words', () => {
		expect(describeVisibility('draft', 'sam@example.org', 'North East')).toBe(
			'Only its owner (sam@example.org), its collaborators and administrators can see it or change it.'
		);
		expect(describeVisibility('shared', 'sam@example.org', 'North East')).toBe(
			'The commissioners and partners of North East can see it, as well as its owner (sam@example.org) and its collaborators. Only its owner, its collaborators and the commissioners of North East can change it.'
		);
		expect(describeVisibility('shared', 'sam@example.org', null)).toMatch(
			/^Every commissioner and partner \(it has no region\) can see it/
		);
		expect(describeVisibility('published', 'sam@example.org', null)).toBe(
			'Everyone who can sign in to Landscape can see it, viewers included. Only its owner and its collaborators can change it.'
		);
	});
});

describe('collaborators, by email', () => {
	let db: DB;
	let id: string;
	beforeEach(async () => {
		db = await peopleTestDb();
		id = (
			await createScenario(
				db,
				{ name: 'Illustrative', description: '', body: { changes: [] }, datasetVersions: {} },
				{ owner: 'owner@example.org', regionCode: 'N54' }
			)
		).id;
	});
	afterEach(async () => {
		await db.destroy();
	});
	const add = async (email: string) =>
		addCollaboratorByEmail(db, id, email, (await loadScenarioAccessFacts(db, id))!, by);

	it('adds an active partner of the region, matching the email in any case', async () => {
		await addPerson(db, 'pcc@example.org', 'partner', ['N54']);
		expect(await add('  PCC@Example.org ')).toEqual({ ok: true, email: 'pcc@example.org' });
		expect((await listScenarioCollaborators(db, id)).map((c) => c.email)).toEqual([
			'pcc@example.org'
		]);
		expect(await add('pcc@example.org')).toEqual({
			ok: false,
			status: 400,
			message: 'pcc@example.org is already a collaborator on this scenario.'
		});
	});

	it('refuses, with the reason, anyone who cannot be one, and writes nothing', async () => {
		await addPerson(db, 'london@example.org', 'commissioner', ['N07']);
		await addPerson(db, 'viewer@example.org', 'viewer', ['N54']);
		const gone = await addPerson(db, 'gone@example.org', 'partner', ['N54']);
		await db.updateTable('users').set({ active: 0 }).where('id', '=', gone).execute();
		const refused = async (email: string) => {
			const outcome = await add(email);
			expect(outcome.ok).toBe(false);
			return outcome.ok ? '' : outcome.message;
		};
		expect(await refused('')).toBe(
			'Enter the email address of the person to add as a collaborator'
		);
		expect(await refused('not an email')).toMatch(/^Enter an email address in the correct format/);
		expect(await refused('nobody@example.org')).toBe(
			'There is no account for nobody@example.org. An administrator can add them on the People page first.'
		);
		expect(await refused('london@example.org')).toMatch(
			/^london@example.org does not work in North East, this scenario’s region/
		);
		expect(await refused('viewer@example.org')).toMatch(/is a viewer/);
		expect(await refused('gone@example.org')).toMatch(/deactivated/);
		expect(await listScenarioCollaborators(db, id)).toEqual([]);
		const audit = await db.selectFrom('audit_log').select('action').execute();
		expect(audit).toEqual([]);
	});

	it('removes a collaborator once; a second removal says someone removed them already', async () => {
		const pcc = await addPerson(db, 'pcc@example.org', 'partner', ['N54']);
		await add('pcc@example.org');
		expect(await removeCollaborator(db, id, pcc, 'pcc@example.org', by)).toEqual({
			ok: true,
			email: 'pcc@example.org'
		});
		const again = await removeCollaborator(db, id, pcc, 'pcc@example.org', by);
		expect(again).toMatchObject({ ok: false, status: 409 });
		expect(await removeCollaborator(db, id, Number.NaN, 'x', by)).toMatchObject({ ok: false });
	});
});
