import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { loadBaseline } from '../planning/baseline';
import { loadGapBaseline } from '../planning/gap-baseline';
import { engineHarness, postgresAvailable } from '../testing/engines';
import { listDatasets } from './datasets';
import { listCaseloads, listNeedShares } from './demand';
import { findOrganisation, listOrganisationFacts, listOrganisations } from './organisations';
import { findPdu, listPdus } from './pdus';
import { listPccAreas, listRegionSummaries } from './regions';
import { findService, listServices, listSites } from './services';

/**
 * The same seeded data gives the same answers, in the same order, on SQLite and on PostgreSQL:
 * every read the pages and the API make, compared whole. Times of seeding are the only difference.
 */
describe.skipIf(!postgresAvailable)('SQLite and PostgreSQL give the same answers', () => {
	const sqlite = engineHarness('sqlite');
	const postgres = engineHarness('postgres');
	let a: DB;
	let b: DB;
	beforeAll(async () => {
		[a, b] = await Promise.all([
			sqlite.freshDatabase({ seed: true }),
			postgres.freshDatabase({ seed: true })
		]);
	}, 180_000);
	afterAll(async () => {
		await Promise.all([sqlite.close(), postgres.close()]);
	});

	const withoutTimes = (value: unknown) =>
		JSON.parse(
			JSON.stringify(value).replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
		) as unknown;
	const reads: [string, (db: DB) => Promise<unknown>][] = [
		['listRegionSummaries', listRegionSummaries],
		['listPccAreas N54', (db) => listPccAreas(db, 'N54')],
		['listPdus', (db) => listPdus(db)],
		['findPdu N54DUR', (db) => findPdu(db, 'N54DUR')],
		['listServices', (db) => listServices(db)],
		['listServices CRS 2021', (db) => listServices(db, { source: 'crs', year: 2021 })],
		[
			'listServices Accommodation N54',
			(db) => listServices(db, { category: 'Accommodation', regionCode: 'N54' })
		],
		['findService', (db) => findService(db, 'CRS2021-A-ACC-1')],
		['listSites', (db) => listSites(db)],
		['listOrganisations', (db) => listOrganisations(db)],
		['findOrganisation 5', (db) => findOrganisation(db, 5)],
		['listOrganisationFacts', (db) => listOrganisationFacts(db)],
		['listDatasets', listDatasets],
		['listCaseloads', (db) => listCaseloads(db)],
		['listNeedShares', (db) => listNeedShares(db)],
		['loadGapBaseline', loadGapBaseline],
		['loadBaseline', (db) => loadBaseline(db)]
	];
	it.each(reads)('%s', async (_name, read) => {
		const [x, y] = await Promise.all([read(a), read(b)]);
		expect(x).toBeDefined();
		expect(withoutTimes(y)).toEqual(withoutTimes(x));
	});
});
