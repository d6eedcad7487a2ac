import { beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { freshDatabase } from '../testing/fresh-db';
import {
	createScenario,
	findScenario,
	listScenarioVersions,
	listScenarios,
	restoreScenarioVersion,
	saveScenario,
	type ScenarioDraft
} from './scenarios';

let db: DB;
beforeEach(async () => {
	({ db } = await freshDatabase());
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
