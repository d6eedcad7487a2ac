import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { importServices } from '../import/commit';
import { readFixture } from '../import/testing';
import { createScenario } from '../repositories/scenarios';
import { describeEachEngine } from '../testing/engines';
import { compareScenarios } from './compare';
import { SCENARIO_TABLES, scenarioCsv } from './export';
import { currentDatasetVersions, runSavedScenario } from './run-saved';

let db: DB;
let durham: string;
let relet: string;

const pcc = (annualGbp: number) => ({
	changes: [
		{
			type: 'co-commission',
			partners: [
				{
					name: 'Durham PCC',
					kind: 'pcc',
					annualGbp,
					category: 'Accommodation',
					area: { pccArea: 'durham' }
				}
			]
		}
	],
	assumptions: {}
});

describeEachEngine(
	'saved scenarios',
	(engine) => {
		beforeAll(async () => {
			db = await engine.freshDatabase({ seed: true });
			const versions = await currentDatasetVersions(db);
			durham = (
				await createScenario(
					db,
					{ name: 'Durham PCC', description: '', body: pcc(400_000), datasetVersions: versions },
					{ owner: 'sam' }
				)
			).id;
			relet = (
				await createScenario(
					db,
					{
						name: 'North East grants',
						description: '',
						body: {
							changes: [
								{
									type: 'relet',
									region: 'N54',
									category: 'Accommodation',
									lotGeography: 'pcc-area',
									mechanism: 'grant'
								}
							],
							assumptions: {}
						},
						datasetVersions: versions
					},
					{ owner: 'sam' }
				)
			).id;
		});
		afterAll(async () => db.destroy());

		describe('saved scenarios, run again', () => {
			it('run on the dataset versions they were saved with, and say which have changed since', async () => {
				const places = (run: Awaited<ReturnType<typeof runSavedScenario>>) =>
					run!.result.pdus.find(
						(p) => p.pdu === 'N54DUR' && p.category === 'Accommodation' && p.subgroup === 'all'
					)!.baseline.places;
				const before = (await runSavedScenario(db, durham))!;
				expect(before.drift).toEqual([]);
				// Since it was saved, a local housing service in Durham has been imported.
				await importServices(db, readFixture('services-good.csv'), {
					fileName: 'services-good.csv',
					datasetName: 'Durham local'
				});
				const saved = (await runSavedScenario(db, durham))!;
				expect(saved.data).toBe('saved');
				expect(saved.drift).toEqual([
					{ key: 'services-durham-local', title: 'Durham local', saved: null, current: 1 }
				]);
				expect(places(saved)).toBe(places(before));
				const current = (await runSavedScenario(db, durham, undefined, undefined, 'current'))!;
				expect(places(current)).toBeGreaterThan(places(before));
				expect(current.result.datasetVersions['services-durham-local']).toBe(1);
				expect(await runSavedScenario(db, 'nope')).toBeUndefined();
			});

			it('compare the baseline and scenarios on one category, naming the PDUs that differ', async () => {
				const c = await compareScenarios(db, [durham, relet], 'Accommodation');
				if ('missing' in c) throw new Error('missing');
				expect(c.columns.map((x) => x.name)).toEqual([
					'Baseline',
					'Durham PCC',
					'North East grants'
				]);
				const [base, pccColumn] = c.columns;
				expect(pccColumn!.partnerGbp).toBe(400_000);
				expect(pccColumn!.places.N54DUR).toBeGreaterThan(base!.places.N54DUR!);
				expect(c.differences.map((d) => d.pdu)).toContain('N54DUR');
				expect(c.columns[2]!.lots).toBeGreaterThan(0);
				expect(await compareScenarios(db, ['nope'], 'Accommodation')).toEqual({ missing: 'nope' });
			});

			it('export every table with a header and the dataset versions', async () => {
				const run = (await runSavedScenario(db, durham))!;
				for (const table of SCENARIO_TABLES) {
					const { header, rows } = scenarioCsv(run.result, table);
					expect(header.length).toBeGreaterThan(1);
					for (const row of rows) expect(row.length).toBe(header.length);
				}
				const funding = scenarioCsv(run.result, 'funding');
				expect(funding.rows.map((r) => r[6])).toEqual(['N54DUR']);
				expect(funding.rows[0]![5]).toBe(400_000);
				const pdus = scenarioCsv(run.result, 'pdus');
				expect(pdus.rows.filter((r) => r[12] === 'yes').map((r) => r[0])).toContain('N54DUR');
			});
		});
	},
	{ seed: true }
);
