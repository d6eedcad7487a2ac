import { beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { describeEachEngine } from '../testing/engines';
import {
	addScenarioCollaborator,
	createScenario,
	findScenario,
	listScenarioCollaborators,
	listScenarioVersions,
	listScenarios,
	removeScenarioCollaborator,
	restoreScenarioVersion,
	saveScenario,
	setScenarioVisibility,
	type ScenarioDraft
} from './scenarios';

describeEachEngine('scenario repository', (engine) => {
	let db: DB;
	beforeEach(async () => {
		db = await engine.freshDatabase();
	});

	const draft = (name: string, annualGbp: number): ScenarioDraft => ({
		name,
		description: 'PCC money for accommodation',
		body: { changes: [{ type: 'co-commission', annualGbp }], assumptions: {} },
		datasetVersions: { 'crs-awards': 1 }
	});

	describe('scenarios', () => {
		it('creates version 1 and finds it by its stable id', async () => {
			const s = await createScenario(db, draft('Durham PCC', 400_000), {
				owner: 'sam',
				now: new Date('2026-11-29T10:00:00Z')
			});
			expect(s.id).toMatch(/^[a-z2-7]{12}$/);
			expect(s).toMatchObject({ version: 1, currentVersion: 1, owner: 'sam', name: 'Durham PCC' });
			expect(await findScenario(db, s.id)).toEqual(s);
			expect(await findScenario(db, 'nope')).toBeUndefined();
		});

		it('a save based on the newest version is the next version; the old one is kept', async () => {
			const s = await createScenario(db, draft('A', 1), { owner: 'sam' });
			const saved = await saveScenario(db, s.id, 1, draft('A', 2), { savedBy: 'jo' });
			expect(saved).toMatchObject({ ok: true, scenario: { version: 2, savedBy: 'jo' } });
			expect((await findScenario(db, s.id, 1))?.body).toEqual(draft('A', 1).body);
			expect((await listScenarioVersions(db, s.id)).map((v) => v.version)).toEqual([2, 1]);
		});

		it('a save based on a stale version is refused with the newest, and writes nothing', async () => {
			const s = await createScenario(db, draft('A', 1), { owner: 'sam' });
			await saveScenario(db, s.id, 1, draft('A', 2), { savedBy: 'jo' });
			const stale = await saveScenario(db, s.id, 1, draft('A', 3), { savedBy: 'sam' });
			expect(stale).toMatchObject({ ok: false, baseVersion: 1, current: { version: 2 } });
			expect((await listScenarioVersions(db, s.id)).length).toBe(2);
		});

		it('50 concurrent saves based on the same version: 1 succeeds, 49 are refused, none lost', async () => {
			const s = await createScenario(db, draft('A', 0), { owner: 'sam' });
			const results = await Promise.all(
				Array.from({ length: 50 }, (_, i) =>
					saveScenario(db, s.id, 1, draft('A', i + 1), { savedBy: `user ${i}` })
				)
			);
			expect(results.filter((r) => r?.ok).length).toBe(1);
			expect(results.filter((r) => r && !r.ok).length).toBe(49);
			const versions = await listScenarioVersions(db, s.id);
			expect(versions.map((v) => v.version)).toEqual([2, 1]);
			const winner = results.find((r) => r?.ok);
			expect(winner?.ok && winner.scenario.savedBy).toBe(versions[0]!.savedBy);
		});

		it('restoring an earlier version saves its content as the newest version', async () => {
			const s = await createScenario(db, draft('A', 1), { owner: 'sam' });
			await saveScenario(db, s.id, 1, draft('B', 2), { savedBy: 'jo' });
			const restored = await restoreScenarioVersion(db, s.id, 1, 2, { savedBy: 'sam' });
			expect(restored).toMatchObject({
				ok: true,
				scenario: { version: 3, name: 'A', note: 'Restored from version 1' }
			});
			expect(await restoreScenarioVersion(db, s.id, 9, 3, { savedBy: 'sam' })).toBeUndefined();
		});

		it('lists each scenario once, at its newest version', async () => {
			const a = await createScenario(db, draft('A', 1), {
				owner: 'sam',
				now: new Date('2026-11-29T10:00:00Z')
			});
			await createScenario(db, draft('B', 1), {
				owner: 'sam',
				now: new Date('2026-11-29T11:00:00Z')
			});
			await saveScenario(db, a.id, 1, draft('A2', 1), {
				savedBy: 'sam',
				now: new Date('2026-11-29T12:00:00Z')
			});
			expect((await listScenarios(db)).map((s) => [s.name, s.version])).toEqual([
				['A2', 2],
				['B', 1]
			]);
		});
	});

	describe('who can see a scenario, and its collaborators', () => {
		const by = { actor: 'owner@example.org', requestId: 'req-1', ip: '127.0.0.1' };
		const auditOf = (action: string) =>
			db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();
		const account = async (email: string) =>
			(
				await db
					.insertInto('users')
					.values({
						email,
						role: 'partner',
						password_hash: 'not used',
						must_change_password: 0,
						active: 1,
						created_at: '2026-11-29T09:00:00.000Z',
						created_by: 'test'
					})
					.returning('id')
					.executeTakeFirstOrThrow()
			).id;

		it('moves visibility by compare-and-set, auditing each move with before and after', async () => {
			const s = await createScenario(db, draft('A', 1), { owner: 'owner@example.org' });
			expect(s.visibility).toBe('draft');
			expect(await setScenarioVisibility(db, s.id, { from: 'draft', to: 'shared' }, by)).toEqual({
				ok: true
			});
			expect(
				await setScenarioVisibility(db, s.id, { from: 'shared', to: 'published' }, by)
			).toEqual({
				ok: true
			});
			expect((await findScenario(db, s.id))?.visibility).toBe('published');
			const [share] = await auditOf('scenario.share');
			expect(share).toMatchObject({
				actor: 'owner@example.org',
				target: `scenario:${s.id}`,
				before: JSON.stringify({ visibility: 'draft' }),
				after: JSON.stringify({ visibility: 'shared' }),
				request_id: 'req-1',
				ip: '127.0.0.1'
			});
			expect(await auditOf('scenario.publish')).toHaveLength(1);

			// a form shown while it was shared, sent after it was published: nothing changes
			expect(await setScenarioVisibility(db, s.id, { from: 'shared', to: 'draft' }, by)).toEqual({
				ok: false,
				from: 'shared',
				current: 'published'
			});
			expect((await findScenario(db, s.id))?.visibility).toBe('published');
			expect(await auditOf('scenario.unshare')).toHaveLength(0);

			expect(await setScenarioVisibility(db, s.id, { from: 'published', to: 'draft' }, by)).toEqual(
				{
					ok: true
				}
			);
			expect(await auditOf('scenario.unpublish')).toHaveLength(1);
			expect(
				await setScenarioVisibility(db, 'missing', { from: 'draft', to: 'shared' }, by)
			).toBeUndefined();
		});

		it('adds and removes collaborators once each, auditing the list before and after', async () => {
			const s = await createScenario(db, draft('A', 1), { owner: 'owner@example.org' });
			const other = await createScenario(db, draft('B', 1), { owner: 'owner@example.org' });
			const sam = await account('sam@example.org');
			const jo = await account('jo@example.org');
			const at = new Date('2026-11-29T10:00:00Z');
			expect(
				await addScenarioCollaborator(
					db,
					s.id,
					{ userId: sam, email: 'sam@example.org' },
					{
						...by,
						now: at
					}
				)
			).toBe(true);
			expect(
				await addScenarioCollaborator(
					db,
					s.id,
					{ userId: jo, email: 'jo@example.org' },
					{
						...by,
						now: new Date('2026-11-29T11:00:00Z')
					}
				)
			).toBe(true);
			// someone added Sam already: refused, nothing written
			expect(
				await addScenarioCollaborator(db, s.id, { userId: sam, email: 'sam@example.org' }, by)
			).toBe(false);
			expect(await listScenarioCollaborators(db, s.id)).toEqual([
				{
					userId: sam,
					email: 'sam@example.org',
					addedBy: 'owner@example.org',
					addedAt: at.toISOString()
				},
				{
					userId: jo,
					email: 'jo@example.org',
					addedBy: 'owner@example.org',
					addedAt: '2026-11-29T11:00:00.000Z'
				}
			]);
			expect((await findScenario(db, s.id))?.collaboratorIds).toEqual([sam, jo]);
			expect((await findScenario(db, other.id))?.collaboratorIds).toEqual([]);
			expect(
				Object.fromEntries((await listScenarios(db)).map((x) => [x.id, x.collaboratorIds]))
			).toEqual({ [s.id]: [sam, jo], [other.id]: [] });
			const adds = await auditOf('scenario.collaborator.add');
			expect(adds.map((a) => [JSON.parse(a.before!), JSON.parse(a.after!)])).toEqual([
				[{ collaborators: [] }, { collaborators: ['sam@example.org'], added: 'sam@example.org' }],
				[
					{ collaborators: ['sam@example.org'] },
					{ collaborators: ['sam@example.org', 'jo@example.org'], added: 'jo@example.org' }
				]
			]);

			expect(await removeScenarioCollaborator(db, s.id, sam, by)).toBe('sam@example.org');
			expect(await removeScenarioCollaborator(db, s.id, sam, by)).toBeNull();
			expect((await listScenarioCollaborators(db, s.id)).map((c) => c.email)).toEqual([
				'jo@example.org'
			]);
			const removes = await auditOf('scenario.collaborator.remove');
			expect(removes).toHaveLength(1);
			expect(JSON.parse(removes[0]!.after!)).toEqual({
				collaborators: ['jo@example.org'],
				removed: 'sam@example.org'
			});
		});
	});
});
