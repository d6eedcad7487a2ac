import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import fc from 'fast-check';
import { feature as topojsonFeature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateServicesCsv } from '../../../../scripts/bench/services-csv.js';
import { migrateToLatest, sqliteConnectionOf, type DB } from '../db';
import type { Database } from '../db/schema';
import { defaultDataDir, seedDatabase } from '../seed';
import { LadLocator } from '../seed/locate';
import { describeEachEngine } from '../testing/engines';
import { freshDatabase } from '../testing/fresh-db';
import { BATCH_ROWS, importServices } from './commit';
import {
	cleanCell,
	countRows,
	decodeAs,
	decodeSlices,
	detectEncoding,
	readTable,
	streamTable
} from './read';
import { loadServiceReferenceData, type ServiceReferenceData } from './services';
import { DATABASE_HOOK_TIMEOUT, databaseState, readFixture } from './testing';
import { ImportCancelled, type ImportProgress } from './types';

/** How long a test that imports 10,000 rows (twice) may take on a busy machine. */
const LONG_IMPORT = 120_000;

/** streamTable's rows, as readTable gives them (cells cleaned, keyed by header), and its problems. */
async function streamed(text: string, sliceChars?: number) {
	let keys: string[] = [];
	const rows: Record<string, string>[] = [];
	const problems: { row: number; message: string }[] = [];
	let pauses = 0;
	const { rowsRead } = await streamTable(
		text,
		'f.csv',
		{
			header(headers) {
				keys = headers.map((h) => h.toLowerCase());
			},
			row(fields, row, found) {
				problems.push(...found.map((p) => ({ row, message: p.message })));
				rows.push(Object.fromEntries(keys.map((k, j) => [k, cleanCell(fields[j] ?? '')])));
			}
		},
		{ sliceChars, pause: async () => void pauses++ }
	);
	return { rowsRead, rows, problems, pauses };
}

const cell = fc.oneof(
	fc.constantFrom(
		'',
		' ',
		'a',
		'Smith, Jones & Co',
		'line one\r\nline two',
		'say "hi"',
		'£1,234.50'
	),
	fc.string({ maxLength: 8 }).filter((s) => !/[\r\n"]/.test(s))
);
const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

describe('streamTable', () => {
	it('reads what readTable reads, in whatever slices the text comes (random CSVs)', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 30 }),
				fc.constantFrom('\n', '\r\n'),
				fc.boolean(),
				fc.integer({ min: 1, max: 64 }),
				async (data, eol, blankLines, sliceChars) => {
					const lines = ['A,B,C', ...data.map((r) => r.map(quote).join(','))];
					const text = lines.join(blankLines ? `${eol}${eol}` : eol) + eol;
					const table = readTable(text, 'f.csv');
					const stream = await streamed(text, sliceChars);
					expect(stream.rows).toEqual(table.rows);
					expect(stream.rowsRead).toBe(table.rows.length);
					expect(stream.problems).toEqual([]);
					// a pause after each slice that completed a row, and none after one that did not
					expect(stream.pauses).toBeLessThanOrEqual(Math.max(table.rows.length, 0));
					if (table.rows.length > 0) expect(stream.pauses).toBeGreaterThan(0);
				}
			),
			{ numRuns: 300 }
		);
	});

	it('reads bytes decoded a slice at a time as it reads the whole text (UTF-8 and Windows-1252)', async () => {
		const text = generateServicesCsv({ rows: 2000 });
		const utf8 = Buffer.from(text, 'utf8');
		const cp1252 = Buffer.from(text.replace(/\uFEFF/, '').replace(/’/g, "'"), 'latin1');
		for (const [bytes, encoding] of [
			[utf8, 'utf-8'],
			[cp1252, 'windows-1252']
		] as const) {
			expect(detectEncoding(bytes)).toBe(encoding);
			const whole = await streamed(decodeAs(bytes, encoding));
			let keys: string[] = [];
			const rows: Record<string, string>[] = [];
			await streamTable(
				{
					start: decodeAs(bytes.subarray(0, 1 << 20), encoding),
					slices: decodeSlices(bytes, encoding, 777)
				},
				'f.csv',
				{
					header: (headers) => (keys = headers.map((h) => h.toLowerCase())),
					row: (fields) =>
						rows.push(Object.fromEntries(keys.map((k, j) => [k, cleanCell(fields[j] ?? '')])))
				}
			);
			expect(rows).toHaveLength(2000);
			expect(rows).toEqual(whole.rows);
			expect(countRows(bytes)).toBe(2000);
		}
	});

	it('reads a quote never closed near the start of a long text once, not once a slice', async () => {
		const text = `a,b\n1,"never closed\n${'x,y\n'.repeat(200_000)}`;
		const started = performance.now();
		const stream = await streamed(text, 64);
		expect(stream.problems).toEqual([
			{ row: 1, message: 'a quoted field is never closed (the file may be cut short)' }
		]);
		// 12,500 slices: parsed over and over, the carried text would take minutes
		expect(performance.now() - started).toBeLessThan(20_000);
	});

	it('reports, on the row it belongs to, a row of the wrong width and a quote never closed', async () => {
		const stream = await streamed('a,b\n1,2\n\n3\n4,5,6\n7,"never closed\n', 2);
		expect(stream.problems).toEqual([
			{ row: 2, message: 'has 1 fields but the header has 2' },
			{ row: 3, message: 'has 3 fields but the header has 2' },
			{ row: 4, message: 'a quoted field is never closed (the file may be cut short)' }
		]);
		expect(stream.rowsRead).toBe(4);
	});

	it('stops, rejecting with its error, when a pause throws', async () => {
		const text = `a\n${'x\n'.repeat(10)}`;
		let rows = 0;
		await expect(
			streamTable(
				text,
				'f.csv',
				{ header() {}, row: () => void rows++ },
				{
					sliceChars: 6,
					pause: async () => {
						throw new ImportCancelled();
					}
				}
			)
		).rejects.toBeInstanceOf(ImportCancelled);
		// the rows of the first slice, and no more
		expect(rows).toBe(2);
	});
});

describe('countRows', () => {
	it.each([
		['a,b\n1,2\n3,4\n', 2],
		['a,b\r\n1,2\r\n\r\n3,4', 2],
		['a,b\n"x\ny",2\n"say ""hi""\n",4\n  \n', 2],
		['a,b\n', 0],
		['', 0]
	])('%j has %i rows', (text, rows) => expect(countRows(text)).toBe(rows));

	it('counts the rows of a generated file as they are read', () => {
		const text = generateServicesCsv({ rows: 3000 });
		expect(countRows(text)).toBe(3000);
		expect(readTable(text, 'f.csv').rows).toHaveLength(3000);
	});
});

describeEachEngine('importServices: progress, cancelling, and the kysely writer', (engine) => {
	let reference: ServiceReferenceData;
	const bigFile = Buffer.from(generateServicesCsv({ rows: 5 * BATCH_ROWS + 123, prefix: 'S' }));

	beforeAll(async () => {
		const db = await engine.freshDatabase({ seed: true });
		reference = await loadServiceReferenceData(db);
		await db.destroy();
	}, DATABASE_HOOK_TIMEOUT);

	it(
		'reports progress: reading, then writing about every 2,000 rows towards the counted total, then done',
		{ timeout: LONG_IMPORT },
		async () => {
			const db = await engine.freshDatabase({ seed: true });
			const seen: ImportProgress[] = [];
			const summary = await importServices(db, bigFile, {
				fileName: 'big.csv',
				reference,
				onProgress: (p) => seen.push(p)
			});
			expect(summary).toMatchObject({ status: 'imported', accepted: 10_123, rejected: 0 });
			expect(seen[0]).toEqual({ phase: 'reading', rowsDone: 0, rowsTotal: null });
			const done = seen.slice(1).map((p) => p.rowsDone);
			expect(done.length).toBeGreaterThanOrEqual(5);
			// each report at least 2,000 rows (a slice's worth more, at most) after the one before
			done.slice(1, -1).forEach((rows, i) => {
				expect(rows - done[i]!).toBeGreaterThanOrEqual(2000);
				expect(rows - done[i]!).toBeLessThan(2400);
			});
			expect(seen.slice(1).every((p) => p.phase === 'writing' && p.rowsTotal !== null)).toBe(true);
			expect(seen.at(-1)).toEqual({ phase: 'writing', rowsDone: 10_123, rowsTotal: 10_123 });
			const dry: ImportProgress[] = [];
			await importServices(db, bigFile, {
				fileName: 'big.csv',
				datasetName: 'other',
				dryRun: true,
				reference,
				onProgress: (p) => dry.push(p)
			});
			expect(dry.slice(1).every((p) => p.phase === 'checking')).toBe(true);
		}
	);

	it.each([2000, 6000])(
		'cancelled after %i rows were written, writes nothing (the transaction rolls back)',
		{ timeout: LONG_IMPORT },
		async (after) => {
			const db = await engine.freshDatabase({ seed: true });
			await importServices(db, readFixture('services-good.csv'), {
				fileName: 'good.csv',
				datasetName: 'big',
				reference
			});
			const before = await databaseState(db);
			const controller = new AbortController();
			await expect(
				importServices(db, bigFile, {
					fileName: 'big.csv',
					reference,
					signal: controller.signal,
					onProgress: (p) => {
						if (p.phase === 'writing' && p.rowsDone >= after) controller.abort();
					}
				})
			).rejects.toBeInstanceOf(ImportCancelled);
			expect(await databaseState(db)).toEqual(before);
			// The database is usable afterwards, and the same file then imports.
			const again = await importServices(db, bigFile, { fileName: 'big.csv', reference });
			expect(again).toMatchObject({ status: 'imported', version: 2, accepted: 10_123 });
		}
	);

	it('a signal aborted before the import starts stops it before any row is read', async () => {
		const db = await engine.freshDatabase({ seed: true });
		const before = await databaseState(db);
		await expect(
			importServices(db, bigFile, { fileName: 'big.csv', reference, signal: AbortSignal.abort() })
		).rejects.toBeInstanceOf(ImportCancelled);
		expect(await databaseState(db)).toEqual(before);
	});

	/** A seeded SQLite that kysely alone writes to (no better-sqlite3 handle: as for PostgreSQL). */
	async function kyselyOnly(): Promise<DB> {
		const db = new Kysely<Database>({
			dialect: new SqliteDialect({ database: new SQLite(':memory:') })
		});
		await migrateToLatest(db);
		await seedDatabase(db);
		return db;
	}

	/** Every imported row of the dataset, ids left out, in a comparable order. */
	async function imported(db: DB) {
		const rows = async (query: string) =>
			(await sql.raw(query).execute(db)).rows.map((r) => JSON.stringify(r)).sort();
		return {
			services: await rows(
				`SELECT s.reference, s.source, s.record_type, s.name, s.mechanism, s.funder, o.name AS lead, s.lot_level, s.region_code, s.sex, s.min_age, s.max_age, s.start_date, s.end_date, s.annual_value_gbp, s.total_value_gbp, s.places_per_year, s.provenance, s.provenance_note, s.delivery_locations, s.source_record FROM services s LEFT JOIN organisations o ON o.id = s.lead_organisation_id JOIN dataset_versions v ON v.id = s.dataset_version_id WHERE v.dataset_key = 'services-kysely'`
			),
			children: await rows(
				`SELECT s.reference, 'category' AS kind, c.category AS value FROM service_categories c JOIN services s ON s.id = c.service_id WHERE s.reference LIKE 'S-%'
				 UNION ALL SELECT s.reference, 'pcc', a.pcc_area_id FROM service_pcc_areas a JOIN services s ON s.id = a.service_id WHERE s.reference LIKE 'S-%'
				 UNION ALL SELECT s.reference, 'pdu', p.pdu_code FROM service_pdus p JOIN services s ON s.id = p.service_id WHERE s.reference LIKE 'S-%'
				 UNION ALL SELECT s.reference, 'sub', o.name FROM service_subcontractors x JOIN services s ON s.id = x.service_id JOIN organisations o ON o.id = x.organisation_id WHERE s.reference LIKE 'S-%'`
			),
			sites: await rows(
				`SELECT t.reference, t.kind, t.name, t.postcode, t.lat, t.lon, t.location_precision, t.region_code, t.lad_code, t.valid_from, t.valid_to, t.note, s.reference AS service FROM sites t JOIN services s ON s.id = t.service_id WHERE t.reference LIKE 'S-%'`
			)
		};
	}

	// On SQLite, a database opened without openSqlite; on PostgreSQL, the database itself.
	const withoutHandle =
		engine.engine === 'sqlite'
			? 'without a better-sqlite3 handle (another database), kysely writes the same rows'
			: 'PostgreSQL (kysely alone) writes the same rows as the SQLite fast path';
	it(withoutHandle, { timeout: LONG_IMPORT }, async () => {
		const now = new Date('2026-11-29T12:00:00Z');
		const file = Buffer.from(generateServicesCsv({ rows: 3000, prefix: 'S' }));
		const fast = (await freshDatabase({ seed: true })).db;
		const slow =
			engine.engine === 'sqlite' ? await kyselyOnly() : await engine.freshDatabase({ seed: true });
		expect(sqliteConnectionOf(fast)).toBeDefined();
		expect(sqliteConnectionOf(slow)).toBeUndefined();
		const options = { fileName: 'kysely.csv', now, reference };
		const [a, b] = [
			await importServices(fast, file, options),
			await importServices(slow, file, options)
		];
		expect(b).toEqual(a);
		expect(a).toMatchObject({ status: 'imported', accepted: 3000 });
		const [fastRows, slowRows] = [await imported(fast), await imported(slow)];
		expect(fastRows.services).toHaveLength(3000);
		expect(fastRows.children.length).toBeGreaterThan(3000);
		expect(fastRows.sites.length).toBeGreaterThan(100);
		expect(slowRows).toEqual(fastRows);
		// A second import is compared with the first alike, whether the rows are read back through
		// kysely or better-sqlite3: a tenth renamed, the rest unchanged.
		const renamed = Buffer.from(generateServicesCsv({ rows: 2900, prefix: 'S', changeEvery: 10 }));
		const second = { added: 0, changed: 290, removed: 100, unchanged: 2610 };
		expect(await importServices(slow, renamed, options)).toMatchObject({ version: 2, ...second });
		expect(await importServices(fast, renamed, options)).toMatchObject({ version: 2, ...second });
		await Promise.all([fast.destroy(), slow.destroy()]);
	});
});

describe('placing sites in districts', () => {
	it('finds the same district as LadLocator (seed/locate.ts) for 40,000 points, half near boundaries', async () => {
		const { db } = await freshDatabase({ seed: false });
		const reference = await loadServiceReferenceData(db);
		await db.destroy();
		const file = path.join(defaultDataDir(), 'geography/boundaries/lad_dec2024_uk_buc.topo.json');
		const locator = new LadLocator(file);
		let seed = 12345;
		const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
		// Boundary points moved a little: where the flat map and the sphere could disagree.
		const topology = JSON.parse(fs.readFileSync(file, 'utf8')) as Topology;
		const lads = topojsonFeature(topology, Object.values(topology.objects)[0]!) as unknown as {
			features: { geometry: { coordinates: unknown[] } }[];
		};
		const vertices = lads.features
			.flatMap((f) => f.geometry.coordinates.flat(2) as unknown[])
			.filter((p): p is [number, number] => Array.isArray(p) && typeof p[0] === 'number');
		expect(vertices.length).toBeGreaterThan(10_000);
		const points = [
			...[...reference.outcodes.values()].map((o) => [o.lon, o.lat] as const),
			...Array.from(
				{ length: 20_000 },
				() => [-5.8 + random() * 7.6, 49.9 + random() * 5.9] as const
			),
			...Array.from({ length: 20_000 }, () => {
				const [lon, lat] = vertices[Math.floor(random() * vertices.length)]!;
				return [lon + (random() - 0.5) * 0.004, lat + (random() - 0.5) * 0.004] as const;
			})
		];
		let found = 0;
		for (const [lon, lat] of points) {
			const expected = locator.findLad(lon, lat);
			expect(reference.locateLad(lon, lat), `${lon},${lat}`).toBe(expected);
			if (expected) found++;
		}
		expect(found).toBeGreaterThan(20_000); // the rest are at sea
	});
});
