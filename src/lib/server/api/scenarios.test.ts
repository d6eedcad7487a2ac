import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ADMINISTRATOR } from '../auth/roles';
import { person } from '../auth/testing';
import type { DB } from '../db';
import { freshDatabase } from '../testing/fresh-db';
import { createScenario } from '../repositories/scenarios';
import {
	getScenario,
	getScenarios,
	postRun,
	postScenario,
	putScenario,
	putScenarioVisibility
} from './scenarios';

let db: DB;
beforeAll(async () => {
	db = (await freshDatabase({ seed: true })).db;
});
afterAll(async () => db.destroy());

const TODAY = '2026-11-29';
const DURHAM = {
	changes: [
		{
			type: 'co-commission',
			partners: [
				{
					name: 'Durham PCC',
					kind: 'pcc',
					annualGbp: 400000,
					category: 'Accommodation',
					area: { pccArea: 'durham' }
				}
			]
		}
	]
};

const post = (body: unknown, type = 'application/json') =>
	new Request('http://localhost/api', {
		method: 'POST',
		headers: { 'content-type': type },
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
const put = (body: unknown) =>
	new Request('http://localhost/api', {
		method: 'PUT',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});

async function read(response: Promise<Response> | Response) {
	const res = await response;
	expect(res.headers.get('content-type')).toMatch(/^application\/json/);
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- shapes are asserted below
	return { status: res.status, body: (await res.json()) as any };
}

describe('POST /api/v1/scenarios/run', () => {
	it("runs the issue's example: Durham PCC's £400,000 adds accommodation places only in its PDU", async () => {
		const { status, body } = await read(postRun(db, post(DURHAM), TODAY));
		expect(status).toBe(200);
		const accommodation = body.pdus.filter(
			(r: { category: string; subgroup: string }) =>
				r.category === 'Accommodation' && r.subgroup === 'all'
		);
		expect(accommodation.length).toBe(108);
		const gained = accommodation.filter(
			(r: { scenario: { places: number }; baseline: { places: number } }) =>
				r.scenario.places > r.baseline.places
		);
		expect(gained.map((r: { pdu: string }) => r.pdu)).toEqual(['N54DUR']);
		const row = gained[0];
		for (const k of ['pdu', 'category', 'baseline', 'scenario']) expect(row).toHaveProperty(k);
		expect(row.scenario.gap).toBeLessThanOrEqual(row.baseline.gap);
		expect(body.fundingByPartner).toHaveLength(1);
		expect(body.fundingByPartner[0]).toMatchObject({ name: 'Durham PCC', annualGbp: 400000 });
		expect(body.fundingByPartner[0].pdus.map((p: { pdu: string }) => p.pdu)).toEqual(['N54DUR']);
		expect(Array.isArray(body.lots)).toBe(true);
		expect(Object.keys(body.explanations).length).toBeGreaterThan(0);
	});

	it("a re-let replaces the region's 2021 contracts for the category (men 18+), not the Women's Services lot", async () => {
		const body = {
			changes: [
				{
					type: 'relet',
					region: 'N54',
					category: 'Accommodation',
					lotGeography: 'pcc-area',
					mechanism: 'grant'
				}
			]
		};
		const { status, body: answer } = await read(postRun(db, post(body), TODAY));
		expect(status).toBe(200);
		const [design] = answer.lots;
		expect(design.replaced.length).toBeGreaterThan(0);
		expect(design.currentSpendGbp).toBeGreaterThan(0);
		// Without an annual £, the lots share what the replaced contracts cost.
		expect(design.annualGbp).toBeCloseTo(design.currentSpendGbp, 2);
		expect(design.lots.map((l: { name: string }) => l.name).length).toBe(3);
		expect(answer.headline.placesAdded).toBeCloseTo(0, 6);
	});

	it('the same body gives the same numbers', async () => {
		const a = await read(postRun(db, post(DURHAM), TODAY));
		const b = await read(postRun(db, post(DURHAM), TODAY));
		expect(b.body).toEqual(a.body);
	});

	it.each([
		['not JSON', '{', /body: is not valid JSON/],
		[
			'a negative amount',
			{
				changes: [
					{ ...DURHAM.changes[0], partners: [{ ...DURHAM.changes[0]!.partners[0], annualGbp: -1 }] }
				]
			},
			/changes\.0\.partners\.0\.annualGbp/
		],
		['an unknown change type', { changes: [{ type: 'magic' }] }, /changes\.0\.type/],
		['an unknown field', { changes: [], extra: 1 }, /extra|unrecognized/i]
	])('refuses %s with 400 naming the field', async (_, body, detail) => {
		const { status, body: answer } = await read(postRun(db, post(body), TODAY));
		expect(status).toBe(400);
		expect(Object.keys(answer).sort()).toEqual(['detail', 'error']);
		expect(answer.detail).toMatch(detail);
	});

	it('names an unknown PCC area and suggests the nearest', async () => {
		const body = structuredClone(DURHAM);
		body.changes[0]!.partners[0]!.area = { pccArea: 'durhm' };
		const { status, body: answer } = await read(postRun(db, post(body), TODAY));
		expect(status).toBe(400);
		expect(answer.detail).toMatch(
			/changes\.0\.partners\.0\.area\.pccArea: unknown PCC area "durhm"\. Did you mean "durham"\?/
		);
	});

	it('wants JSON', async () => {
		const { status, body } = await read(postRun(db, post('x=1', 'text/plain'), TODAY));
		expect(status).toBe(400);
		expect(body.detail).toMatch(/Content-Type: application\/json/);
	});
});

describe('saved scenarios', () => {
	it('creates (201), reads, saves a new version, and refuses a stale save with 409', async () => {
		const created = await read(
			postScenario(db, post({ name: 'Durham PCC accommodation', ...DURHAM }), 'sam')
		);
		expect(created.status).toBe(201);
		const id = created.body.id;
		expect(created.body).toMatchObject({ version: 1, owner: 'sam', url: `/scenarios/${id}` });
		expect(created.body.datasetVersions).toHaveProperty('probation-regions');

		const list = await read(getScenarios(db, LOCAL_ADMINISTRATOR));
		expect(list.body.scenarios.map((s: { id: string }) => s.id)).toContain(id);

		const saved = await read(
			putScenario(
				db,
				id,
				put({ name: 'Durham v2', baseVersion: 1, ...DURHAM }),
				person('admin', 'all', 'jo')
			)
		);
		expect(saved.status).toBe(200);
		expect(saved.body).toMatchObject({ version: 2, savedBy: 'jo', name: 'Durham v2' });

		const stale = await read(
			putScenario(
				db,
				id,
				put({ name: 'Mine', baseVersion: 1, ...DURHAM }),
				person('admin', 'all', 'sam')
			)
		);
		expect(stale.status).toBe(409);
		expect(stale.body.detail).toMatch(/based on version 1, but jo saved version 2/);
		expect(stale.body.current).toMatchObject({ version: 2, name: 'Durham v2' });

		const first = await read(getScenario(db, id, new URLSearchParams('version=1')));
		expect(first.body).toMatchObject({
			version: 1,
			currentVersion: 2,
			name: 'Durham PCC accommodation'
		});
		expect(first.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
	});

	it('50 concurrent saves based on the same version: 1 is saved, 49 get 409, nothing is lost', async () => {
		const created = await read(postScenario(db, post({ name: 'Race', ...DURHAM }), 'sam'));
		const id = created.body.id;
		const answers = await Promise.all(
			Array.from({ length: 50 }, (_, i) =>
				read(
					putScenario(
						db,
						id,
						put({ name: `Save ${i}`, baseVersion: 1, ...DURHAM }),
						person('admin', 'all', `user ${i}`)
					)
				)
			)
		);
		expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
		expect(answers.filter((a) => a.status === 409)).toHaveLength(49);
		const now = await read(getScenario(db, id, new URLSearchParams()));
		expect(now.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
		expect(now.body.name).toBe(answers.find((a) => a.status === 200)!.body.name);
	});

	it('404 for an unknown scenario or version; 400 for a bad version', async () => {
		expect((await read(getScenario(db, 'nope', new URLSearchParams()))).status).toBe(404);
		const created = await read(postScenario(db, post({ name: 'X', changes: [] }), 'sam'));
		const v9 = await read(getScenario(db, created.body.id, new URLSearchParams('version=9')));
		expect(v9.status).toBe(404);
		expect(v9.body.detail).toMatch(/has no version 9/);
		const bad = await read(getScenario(db, created.body.id, new URLSearchParams('version=x')));
		expect(bad.status).toBe(400);
		expect(
			(
				await read(
					putScenario(
						db,
						'nope',
						put({ name: 'X', baseVersion: 1, changes: [] }),
						person('admin', 'all', 'sam')
					)
				)
			).status
		).toBe(404);
	});

	it('a new scenario needs a name', async () => {
		const { status, body } = await read(postScenario(db, post({ name: ' ', changes: [] }), 'sam'));
		expect(status).toBe(400);
		expect(body.detail).toMatch(/^name: /);
	});
});

describe('PUT /api/v1/scenarios/{id}/visibility', () => {
	const owner = { ...person('partner', ['N54'], 'pcc@example.org'), id: 11 };
	const commissioner = { ...person('commissioner', ['N54'], 'ne@example.org'), id: 12 };
	const by = (who: { name: string }) => ({ actor: who.name, requestId: null, ip: null });
	const change = (id: string, who: typeof owner, body: unknown) =>
		read(putScenarioVisibility(db, id, put(body), who, by(who)));

	it('shares, publishes and unpublishes by the studio’s rules, from the visibility it was', async () => {
		const s = await createScenario(
			db,
			{ name: 'Illustrative', description: '', body: { changes: [] }, datasetVersions: {} },
			{ owner: owner.name, regionCode: 'N54' }
		);
		// the partner who owns it may share it, not publish it
		const denied = await change(s.id, owner, { visibility: 'published', from: 'draft' });
		expect(denied.status).toBe(403);
		expect(denied.body.detail).toMatch(/commissioner of the scenario’s region or an admin/);
		expect(await change(s.id, owner, { visibility: 'shared', from: 'draft' })).toEqual({
			status: 200,
			body: { id: s.id, visibility: 'shared' }
		});
		// a stale change: nothing happens, and the answer says what it is now
		const stale = await change(s.id, commissioner, { visibility: 'draft', from: 'draft' });
		expect(stale.status).toBe(409);
		expect(stale.body.visibility).toBe('shared');
		expect(
			(await change(s.id, commissioner, { visibility: 'published', from: 'shared' })).status
		).toBe(200);
		expect((await read(getScenario(db, s.id, new URLSearchParams()))).body.visibility).toBe(
			'published'
		);
		const audit = await db
			.selectFrom('audit_log')
			.select(['actor', 'action', 'before', 'after'])
			.where('target', '=', `scenario:${s.id}`)
			.orderBy('id')
			.execute();
		expect(audit.map((a) => [a.actor, a.action, a.before, a.after])).toEqual([
			['pcc@example.org', 'scenario.share', '{"visibility":"draft"}', '{"visibility":"shared"}'],
			[
				'ne@example.org',
				'scenario.publish',
				'{"visibility":"shared"}',
				'{"visibility":"published"}'
			]
		]);
	});

	it('400 for a bad body or no change; 404 for a scenario the person cannot see', async () => {
		const s = await createScenario(
			db,
			{ name: 'Illustrative', description: '', body: { changes: [] }, datasetVersions: {} },
			{ owner: owner.name, regionCode: 'N54' }
		);
		const bad = await change(s.id, owner, { visibility: 'secret', from: 'draft' });
		expect(bad.status).toBe(400);
		expect(bad.body.detail).toMatch(/^visibility: /);
		expect((await change(s.id, owner, { visibility: 'draft', from: 'draft' })).status).toBe(400);
		expect((await change(s.id, commissioner, { visibility: 'shared', from: 'draft' })).status).toBe(
			404
		);
		expect((await change('nope', owner, { visibility: 'shared', from: 'draft' })).status).toBe(404);
	});
});

describe('PUT /api/v1/scenarios/{id} by a partner on someone else’s co-commissioning scenario', () => {
	const durhamPcc = person('partner', ['N54'], 'durham@example.org', 'Durham PCC');
	const contribution = (name: string, annualGbp: number) => ({
		name,
		kind: 'pcc',
		annualGbp,
		category: 'Accommodation',
		area: { pccArea: 'durham' }
	});
	/** Durham PCC's and Cleveland PCC's £ a year */
	const pccs = (durham: number, cleveland: number) => [
		contribution('Durham PCC', durham),
		contribution('Cleveland PCC', cleveland)
	];
	const shared = async (partners: unknown[]) => {
		const s = await createScenario(
			db,
			{
				name: 'North East co-commissioning',
				description: '',
				body: { changes: [{ type: 'co-commission', id: 'pccs', partners }], assumptions: {} },
				datasetVersions: {}
			},
			{ owner: 'ne@example.org', regionCode: 'N54' }
		);
		await db
			.updateTable('scenarios')
			.set({ visibility: 'shared' })
			.where('id', '=', s.id)
			.execute();
		return s.id;
	};
	const save = (id: string, partners: unknown[], over: object = {}, who = durhamPcc) =>
		read(
			putScenario(
				db,
				id,
				put({
					name: 'North East co-commissioning',
					baseVersion: 1,
					changes: [{ type: 'co-commission', id: 'pccs', partners }],
					...over
				}),
				who
			)
		);

	it('saves a change to their own organisation’s contribution, and nothing else', async () => {
		const id = await shared(pccs(400_000, 1));
		const ok = await save(id, pccs(450_000, 1));
		expect(ok.status).toBe(200);
		expect(ok.body).toMatchObject({ version: 2, savedBy: 'durham@example.org' });
	});

	it('refuses with 403, saving nothing, a change to another partner’s money or to the name', async () => {
		const id = await shared(pccs(400_000, 1));
		const theirs = await save(id, pccs(400_000, 9));
		expect(theirs.status).toBe(403);
		expect(theirs.body.detail).toBe(
			'As a partner for Durham PCC, you can change only Durham PCC’s contributions to this scenario. This would also change other partners’ contributions (change 1, “pccs”). Nothing was saved: ask its owner or a commissioner for its region, or save yours as a copy.'
		);
		const renamed = await save(id, pccs(400_000, 1), {
			name: 'Durham’s now'
		});
		expect(renamed.status).toBe(403);
		expect(renamed.body.detail).toMatch(/would also change the scenario’s name\./);
		expect((await read(getScenario(db, id, new URLSearchParams()))).body.currentVersion).toBe(1);
	});

	it('403 for a partner whose account names no organisation', async () => {
		const id = await shared([contribution('Durham PCC', 400_000)]);
		const unnamed = person('partner', ['N54'], 'someone@example.org');
		const answer = await save(id, [contribution('Durham PCC', 1)], {}, unnamed);
		expect(answer.status).toBe(403);
	});
});
