import { expect, it } from 'vitest';
import { generateServicesCsv } from '../../../../scripts/bench/services-csv.js';
import type { DB } from '../db';
import { describeEachEngine } from '../testing/engines';
import { importServices } from './commit';
import { rollbackTo } from './versions';

/**
 * Imports and rollbacks that overlap, as two app instances sharing one database (or two requests to
 * one) can start them: they write one at a time, so each version holds one file's rows and exactly
 * one version is current. On PostgreSQL the pool gives each its own connection, so they really do
 * overlap; on SQLite one writer at a time is the engine's own rule.
 */

const encode = (text: string) => new TextEncoder().encode(text);
const fileA = encode(generateServicesCsv({ rows: 150, prefix: 'FILEA', seed: 1 }));
const fileB = encode(generateServicesCsv({ rows: 230, prefix: 'FILEB', seed: 2 }));
const fileA2 = encode(generateServicesCsv({ rows: 150, prefix: 'FILEA', seed: 3 }));

async function versionsOf(db: DB, datasetKey: string) {
	const versions = await db
		.selectFrom('dataset_versions')
		.where('dataset_key', '=', datasetKey)
		.select(['id', 'version', 'file_name', 'row_count', 'is_current'])
		.orderBy('version')
		.execute();
	return Promise.all(
		versions.map(async (v) => {
			const refs = await db
				.selectFrom('services')
				.where('dataset_version_id', '=', v.id)
				.select('reference')
				.execute();
			return {
				version: v.version,
				file: v.file_name,
				rows: v.row_count,
				current: v.is_current === 1,
				prefixes: [...new Set(refs.map((r) => r.reference.split('-')[0]))],
				services: refs.length
			};
		})
	);
}

describeEachEngine('two imports into one dataset at once', (engine) => {
	it('write one after the other: two versions, each wholly one file, the later one current', async () => {
		const db = await engine.freshDatabase({ seed: true });
		const options = { datasetName: 'Local services', createdBy: 'test' };
		const [a, b] = await Promise.all([
			importServices(db, fileA, { ...options, fileName: 'a.csv' }),
			importServices(db, fileB, { ...options, fileName: 'b.csv' })
		]);
		expect([a.status, b.status]).toEqual(['imported', 'imported']);
		expect([a.version, b.version].sort()).toEqual([1, 2]);

		const versions = await versionsOf(db, a.datasetKey);
		expect(versions).toHaveLength(2);
		for (const v of versions) {
			const expected =
				v.file === 'a.csv' ? { prefix: 'FILEA', rows: 150 } : { prefix: 'FILEB', rows: 230 };
			expect(v).toMatchObject({
				prefixes: [expected.prefix],
				rows: expected.rows,
				services: expected.rows
			});
		}
		expect(versions.filter((v) => v.current).map((v) => v.version)).toEqual([2]);
	});

	it('an import and a rollback at once leave one current version and lose neither', async () => {
		const db = await engine.freshDatabase({ seed: true });
		const options = { datasetName: 'Partner services', createdBy: 'test' };
		const first = await importServices(db, fileA, { ...options, fileName: 'a.csv' });
		await importServices(db, fileB, { ...options, fileName: 'b.csv' });
		const [imported, rolledBack] = await Promise.all([
			importServices(db, fileA2, { ...options, fileName: 'a2.csv' }),
			rollbackTo(db, first.datasetKey, 1, { createdBy: 'test' })
		]);
		expect(imported.status).toBe('imported');
		expect(rolledBack).toBeTruthy();
		const versions = await versionsOf(db, first.datasetKey);
		expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4]);
		expect(versions.filter((v) => v.current)).toHaveLength(1);
		expect(versions.at(-1)!.current).toBe(true);
	});
});
