import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../db';
import { listServices } from '../repositories/services';
import { forEachEngine } from '../testing/engines';
import { importServices } from './commit';
import { headerKey } from './read';
import { readSourceRecord } from './source-record';
import { DATABASE_HOOK_TIMEOUT } from './testing';
import { rollbackTo } from './versions';

// A services CSV with what a source record must keep as written: a column the template ignores, a
// blank header, CRLF, a quoted comma, a line break inside a quoted field, padding and a '£'.
const FILE_V1 = [
	'Source,Reference,Name,Mechanism,Categories,Region,Lead Provider,Our notes,,Annual Value GBP',
	'local,REC-1,"Housing, advice",grant,Accommodation,North East,Acme Trust, keep ,x,"£1,200"',
	'crs,REC-2,"Two\r\nlines",contract,"Finance, Benefits and Debt",N54,,,,',
	'local,REC-3,Plain,grant,Dependency and Recovery,North East,  The Acme Trust  ,"say ""hi""",,'
].join('\r\n');
const FILE_V2 =
	'Source,Reference,Name,Mechanism,Categories,Region\nlocal,REC-9,Other,grant,Accommodation,N54\n';

/** The record each row kept before records were stored as values: keyed by column, cells trimmed. */
function recordsAsWritten(text: string): Map<string, Record<string, string>> {
	const [header = [], ...rows] = Papa.parse<string[]>(text, { skipEmptyLines: 'greedy' }).data;
	const keys = header.map(headerKey);
	return new Map(
		rows.map((fields) => {
			const record: Record<string, string> = {};
			keys.forEach((k, j) => {
				if (k !== '') record[k] = (fields[j] ?? '').trim().replace(/\r\n?/g, '\n');
			});
			return [record.reference!, record];
		})
	);
}

async function storedRecords(db: DB, version: number): Promise<Map<string, unknown>> {
	const rows = await db
		.selectFrom('services as s')
		.innerJoin('dataset_versions as v', 'v.id', 's.dataset_version_id')
		.where('v.dataset_key', '=', 'services-records')
		.where('v.version', '=', version)
		.select(['s.reference', 's.source_record', 'v.source_columns'])
		.execute();
	return new Map(
		rows.map((r) => [r.reference, readSourceRecord(r.source_record, r.source_columns)])
	);
}

forEachEngine((engine) => {
	let db: DB;
	beforeEach(async () => {
		db = await engine.freshDatabase({ seed: true });
	}, DATABASE_HOOK_TIMEOUT);
	afterEach(() => db.destroy());

	const run = (text: string, day: number) =>
		importServices(db, Buffer.from(text), {
			fileName: 'records.csv',
			datasetName: 'records',
			createdBy: 'Priya',
			now: new Date(`2026-11-${day}T09:00:00Z`)
		});

	describe('source records kept as values, with their columns on the version', () => {
		it('reads every row back as the file gave it, and the shared provenance note', async () => {
			expect((await run(FILE_V1, 10)).status).toBe('imported');
			expect(Object.fromEntries(await storedRecords(db, 1))).toEqual(
				Object.fromEntries(recordsAsWritten(FILE_V1))
			);
			const services = await listServices(db, { source: 'local' });
			const rec1 = services.find((s) => s.reference === 'REC-1');
			expect(rec1?.provenanceNote).toBe(
				'Imported from records.csv by Priya on 2026-11-10 (dataset services-records version 1); values as given in the file.'
			);
		});

		it('a rollback keeps the records and note of the version it copies', async () => {
			await run(FILE_V1, 10);
			await run(FILE_V2, 11);
			const rolledBack = await rollbackTo(db, 'services-records', 1, { createdBy: 'Sam' });
			expect(rolledBack.version).toBe(3);
			expect(Object.fromEntries(await storedRecords(db, 3))).toEqual(
				Object.fromEntries(recordsAsWritten(FILE_V1))
			);
			const rec3 = (await listServices(db)).find((s) => s.reference === 'REC-3');
			expect(rec3?.datasetVersion).toBe(3);
			expect(rec3?.provenanceNote).toContain(
				'by Priya on 2026-11-10 (dataset services-records version 1)'
			);
		});
	});
});

describe('readSourceRecord', () => {
	it('zips values with their columns, passes an object record through, and gives null otherwise', () => {
		expect(readSourceRecord('["a","b"]', '["x","y"]')).toEqual({ x: 'a', y: 'b' });
		expect(readSourceRecord('{"contract_type":"T"}', null)).toEqual({ contract_type: 'T' });
		expect(readSourceRecord('["a"]', '["x","y"]')).toBeNull();
		expect(readSourceRecord('["a"]', null)).toBeNull();
		expect(readSourceRecord(null, '["x"]')).toBeNull();
		expect(readSourceRecord('not json', null)).toBeNull();
	});
});
