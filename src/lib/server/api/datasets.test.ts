import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { importServices } from '../import/commit';
import { DATABASE_HOOK_TIMEOUT, readFixture } from '../import/testing';
import { rollbackTo } from '../import/versions';
import { forEachEngine } from '../testing/engines';
import { DATASET_VERSION_ENDPOINTS, getDatasetComparison, getDatasetVersions } from './datasets';
import { API_ENDPOINTS } from './handlers';

forEachEngine((engine) => {
	let db: DB;
	const KEY = 'services-durham-local';

	beforeAll(async () => {
		db = await engine.freshDatabase({ seed: true });
		for (const [file, day] of [
			['services-good.csv', 23],
			['services-v2.csv', 24]
		] as const)
			await importServices(db, readFixture(file), {
				fileName: file,
				datasetName: 'Durham local',
				createdBy: 'Sam',
				now: new Date(Date.UTC(2026, 10, day, 9))
			});
	}, DATABASE_HOOK_TIMEOUT);
	afterAll(async () => db.destroy());

	const q = (query = '') => new URLSearchParams(query);

	async function read(response: Promise<Response>) {
		const res = await response;
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		expect(res.headers.get('cache-control')).toBe('no-store');
		// eslint-disable-next-line @typescript-eslint/no-explicit-any -- shapes are asserted below
		return { status: res.status, body: (await res.json()) as any };
	}

	async function readError(response: Promise<Response>, status: number): Promise<string> {
		const { status: actual, body } = await read(response);
		expect(actual).toBe(status);
		expect(Object.keys(body).sort()).toEqual(['detail', 'error']);
		return body.detail;
	}

	it('the endpoints are listed where an unknown path lists them', () => {
		for (const endpoint of DATASET_VERSION_ENDPOINTS)
			expect(API_ENDPOINTS as readonly string[]).toContain(endpoint);
	});

	describe('GET /api/v1/datasets/{key}/versions', () => {
		it('lists a seeded dataset’s version 1', async () => {
			const { status, body } = await read(getDatasetVersions(db, 'caseload', q()));
			expect(status).toBe(200);
			expect(body).toMatchObject({
				dataset: { key: 'caseload', title: 'PDU caseload (modelled)', provenance: 'modelled' },
				count: 1,
				currentVersion: 1,
				history: '/data-sources/caseload'
			});
			expect(body.versions[0]).toEqual({
				version: 1,
				createdAt: expect.any(String),
				createdBy: 'Landscape seed',
				fileName: '(computed at seeding)',
				rowCount: 108,
				checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
				isCurrent: true,
				note: 'Shipped with Landscape'
			});
		});

		it('lists an imported dataset newest first', async () => {
			const { body } = await read(getDatasetVersions(db, KEY, q()));
			expect(body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
			expect(body.versions[0]).toMatchObject({
				createdAt: '2026-11-24T09:00:00.000Z',
				createdBy: 'Sam',
				fileName: 'services-v2.csv',
				isCurrent: true
			});
		});

		it('404 for an unknown key, with the nearest; 400 for a parameter', async () => {
			expect(await readError(getDatasetVersions(db, 'services-durham-locl', q()), 404)).toBe(
				"key: 'services-durham-locl' is not a dataset. Did you mean 'services-durham-local'? The datasets are listed on the Data sources page and by `npm run landscape -- datasets list`"
			);
			expect(await readError(getDatasetVersions(db, KEY, q('from=1')), 400)).toMatch(
				/unknown parameter 'from'/
			);
		});
	});

	describe('GET /api/v1/datasets/{key}/compare', () => {
		it('gives the counts and the rows added, changed (field by field) and removed', async () => {
			const { status, body } = await read(getDatasetComparison(db, KEY, q('from=1&to=2')));
			expect(status).toBe(200);
			expect(body).toMatchObject({
				dataset: { key: KEY, title: 'Durham local' },
				from: { version: 1, fileName: 'services-good.csv' },
				to: { version: 2, fileName: 'services-v2.csv' },
				counts: { added: 1, changed: 1, removed: 1, unchanged: 2 },
				added: [
					{ table: 'services', noun: 'service', key: 'NEW-005', label: 'Debt advice drop-in' }
				],
				removed: [{ key: 'CFO-003', label: 'Hub at Derby' }],
				changed: [
					{
						key: 'LOC-001',
						changes: [{ field: 'annual value (£)', before: '1234.5', after: '2000' }]
					}
				],
				view: `/data-sources/${KEY}?from=1&to=2`
			});
			expect(body).not.toHaveProperty('unchanged');
		});

		it('follows a rollback: the new version compares equal to the one it copies', async () => {
			const other = await engine.freshDatabase({ seed: true });
			await importServices(other, readFixture('services-good.csv'), {
				fileName: 'a.csv',
				datasetName: 'x'
			});
			await importServices(other, readFixture('services-v2.csv'), {
				fileName: 'b.csv',
				datasetName: 'x'
			});
			await rollbackTo(other, 'services-x', 1, { createdBy: 'Priya' });
			const { body } = await read(getDatasetComparison(other, 'services-x', q('from=1&to=3')));
			expect(body.counts).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 4 });
			await other.destroy();
		});

		it.each([
			['', 'from: required. Valid: a version of services-durham-local: 1, 2; to: required.'],
			['from=1&to=x', "to: 'x' is not a version number. Valid: a whole number such as 2"],
			['from=0&to=2', "from: '0' is not a version number"],
			[
				'from=1&to=9',
				'to: Durham local has no version 9. Valid: a version of services-durham-local: 1, 2'
			],
			['from=1&to=2&too=3', "unknown parameter 'too'. Did you mean 'to'?"],
			['from=1&from=2&to=2', 'from: given 2 times; give it once']
		])('400 for ?%s', async (query, message) => {
			expect(await readError(getDatasetComparison(db, KEY, q(query)), 400)).toContain(message);
		});

		it('404 for an unknown dataset; 400 for reference data with no rows per version', async () => {
			expect(await readError(getDatasetComparison(db, 'nope', q('from=1&to=1')), 404)).toMatch(
				/^key: 'nope' is not a dataset/
			);
			expect(await readError(getDatasetComparison(db, 'pdus', q('from=1&to=1')), 400)).toMatch(
				/its rows are not kept per version/
			);
		});
	});
});
