import fs from 'node:fs';
import path from 'node:path';
import { migrateToLatest, openDatabase, type DatabaseConfig } from '../db';
import { importServices } from './commit';

/**
 * A child process for kill.test.ts: `node import-child.js <database> <services.csv> <dataset>`
 * imports the file into the database (an SQLite file, or a postgres:// URL), writing each progress
 * report as a line `PROGRESS {…}` (the writing ones come from inside the write transaction, before
 * it commits) and at the end `DONE {…}`, so a test can kill it part-way through the write. The test
 * bundles this file with Vite, as vite.cli.config.ts bundles the command-line tool.
 */
const [database, file, dataset] = process.argv.slice(2);
if (!database || !file || !dataset)
	throw new Error('usage: import-child <database file or postgres:// URL> <csv> <dataset>');
const config: DatabaseConfig = /^postgres(ql)?:\/\//i.test(database)
	? { engine: 'postgres', url: database, poolSize: 2 }
	: { engine: 'sqlite', file: database };
const db = openDatabase(config);
await migrateToLatest(db);
const summary = await importServices(db, fs.readFileSync(file), {
	fileName: path.basename(file),
	datasetName: dataset,
	onProgress: (progress) => process.stdout.write(`PROGRESS ${JSON.stringify(progress)}\n`)
});
process.stdout.write(
	`DONE ${JSON.stringify({ status: summary.status, version: summary.version, errors: summary.errors.slice(0, 5) })}\n`
);
await db.destroy();
