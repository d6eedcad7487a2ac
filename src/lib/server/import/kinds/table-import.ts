import path from 'node:path';
import type { Transaction } from 'kysely';
import type { Provenance } from '$lib/domain/provenance';
import { suggestNearest } from '../../api/suggest';
import type { CellError } from '../../csv';
import { versionChangingTransaction, type DB } from '../../db';
import type { Database } from '../../db/schema';
import { describePersonColumns, findPersonColumns } from '../privacy';
import { decodeText, headerKey, readHeader, readTable, type CsvTable } from '../read';
import {
	ImportCancelled,
	emptySummary,
	type ImportFile,
	type ImportKind,
	type ImportOptions,
	type ImportSummary
} from '../types';
import { checksumOf, createDatasetVersion, findCurrentVersion } from '../versioning';

/**
 * The pipeline of the non-supply kinds (caseload, organisations): one CSV whose rows each describe
 * one thing with a key (a PDU, an organisation), imported as a new version of its dataset, all or
 * nothing. The steps are those of importSupply: refuse person-level columns from the header alone;
 * do nothing when the file is byte for byte the current version; check every row; compare the valid
 * rows with the current version by key; then, unless it is a dry run, the file has errors (and the
 * user did not choose the valid rows only) or a match needs confirming, write the version in one
 * transaction.
 */

export type Trx = Transaction<Database>;

/** One valid row: its number in the file, its key, and a comparable fingerprint of its values. */
export interface KeyedRow<T> {
	row: number;
	key: string;
	fingerprint: string;
	value: T;
}

/** A file's rows, checked. */
export interface KeyedRead<T> {
	rowsRead: number;
	rows: KeyedRow<T>[];
	rejected: number;
	errors: CellError[];
	warnings: CellError[];
	ignoredColumns: string[];
	/** what the user must confirm before anything is written; null when nothing */
	needsConfirmation: string | null;
	newOrganisations: number;
}

/** What is known about the version being written. */
export interface WriteContext {
	versionId: number;
	version: number;
	datasetKey: string;
	fileName: string;
	provenance: Provenance;
}

/** One kind of keyed CSV: how to read it, compare it and write it. */
export interface KeyedKind<T, R> {
	kind: ImportKind;
	/** what one file is, singular, for messages: 'caseload CSV' */
	fileNoun: string;
	datasetKey(datasetName: string): string;
	/** every column the kind reads: these are never refused as person-identifying */
	columns: readonly string[];
	/** reference data the rows are checked against (PDUs, organisations…) */
	load(db: DB): Promise<R>;
	read(table: CsvTable, file: string, ref: R): KeyedRead<T>;
	/** the fingerprints of a stored version's rows, by key */
	fingerprints(db: DB, versionId: number): Promise<Map<string, string>>;
	/** the new dataset's description */
	describe(fileName: string): string;
	/** the dataset's provenance, from its rows (default: options.provenance, else 'published') */
	provenanceOf?(rows: readonly KeyedRow<T>[], fallback: Provenance): Provenance;
	write(trx: Trx, rows: readonly KeyedRow<T>[], context: WriteContext, ref: R): Promise<void>;
}

/** The dataset name a file gives when the user names none: its name without the extension. */
function defaultDatasetName(fileName: string): string {
	return path.parse(path.basename(fileName)).name;
}

/** Import one CSV of a keyed kind as a new version of its dataset (see the comment above). */
export async function importKeyed<T, R>(
	db: DB,
	files: readonly ImportFile[],
	options: ImportOptions,
	kind: KeyedKind<T, R>
): Promise<ImportSummary> {
	const [only] = files;
	if (!only || files.length > 1) throw new Error(`import one ${kind.fileNoun} at a time`);
	const file = options.fileName;
	const datasetName = options.datasetName ?? defaultDatasetName(file);
	const datasetKey = kind.datasetKey(datasetName);
	const checksum = checksumOf(files);
	const { text, encoding } = decodeText(only.bytes);
	const summary = emptySummary(kind.kind, file, datasetKey, checksum, encoding);
	const checkCancelled = () => {
		if (options.signal?.aborted) throw new ImportCancelled();
	};

	// Data minimisation: decided on the header alone, before any row is read.
	const person = findPersonColumns(readHeader(text), kind.columns);
	if (person.length > 0)
		return {
			...summary,
			status: 'refused',
			errors: [{ file, row: 0, column: '-', message: describePersonColumns(person) }]
		};

	const current = await findCurrentVersion(db, datasetKey);
	summary.previousVersion = current?.version ?? null;
	if (current && current.checksum === checksum)
		return {
			...summary,
			status: 'unchanged',
			version: current.version,
			accepted: current.rowCount,
			unchanged: current.rowCount
		};

	options.onProgress?.({ phase: 'reading', rowsDone: 0, rowsTotal: null });
	const ref = await kind.load(db);
	const read = kind.read(readTable(text, file), file, ref);
	checkCancelled();
	Object.assign(summary, {
		rowsRead: read.rowsRead,
		accepted: read.rows.length,
		rejected: read.rejected,
		errors: read.errors,
		warnings: read.warnings,
		ignoredColumns: read.ignoredColumns,
		needsConfirmation: read.needsConfirmation,
		newOrganisations: read.newOrganisations
	});
	options.onProgress?.({ phase: 'checking', rowsDone: read.rowsRead, rowsTotal: read.rowsRead });

	const previous = current ? await kind.fingerprints(db, current.id) : new Map<string, string>();
	const seen = new Set<string>();
	for (const { key, fingerprint } of read.rows) {
		seen.add(key);
		const before = previous.get(key);
		if (before === undefined) summary.added++;
		else if (before === fingerprint) summary.unchanged++;
		else summary.changed++;
	}
	summary.removed = [...previous.keys()].filter((k) => !seen.has(k)).length;

	const invalid = read.errors.length > 0 && !(options.onlyValidRows && summary.accepted > 0);
	if (invalid) return { ...summary, status: 'invalid' };
	if (options.dryRun)
		return { ...summary, status: 'dry-run', version: (current?.version ?? 0) + 1 };
	// Nothing is written until the user has confirmed what the preview asked them to.
	if (summary.needsConfirmation && !options.confirmed) return { ...summary, status: 'invalid' };

	checkCancelled();
	const fallback = options.provenance ?? 'published';
	const provenance = kind.provenanceOf?.(read.rows, fallback) ?? fallback;
	const fileName = path.basename(file);
	const version = await versionChangingTransaction(db, async (trx) => {
		const created = await createDatasetVersion(trx, {
			datasetKey,
			datasetTitle: datasetName,
			description: kind.describe(fileName),
			provenance,
			fileName,
			checksum,
			rowCount: read.rows.length,
			createdBy: options.createdBy ?? 'command line',
			createdAt: (options.now ?? new Date()).toISOString(),
			note:
				read.rejected > 0
					? `Imported with ${read.rejected} invalid row${read.rejected === 1 ? '' : 's'} left out, as the user chose`
					: null
		});
		await kind.write(
			trx,
			read.rows,
			{ versionId: created.id, version: created.version, datasetKey, fileName, provenance },
			ref
		);
		return created.version;
	});
	options.onProgress?.({
		phase: 'writing',
		rowsDone: read.rows.length,
		rowsTotal: read.rows.length
	});
	return { ...summary, status: 'imported', version };
}

/** The columns of a file, keyed, with each header as written (for messages). */
export function columnsOf(table: CsvTable): Map<string, string> {
	const columns = new Map<string, string>();
	for (const h of table.headers) columns.set(headerKey(h), h);
	return columns;
}

/**
 * File-level checks every keyed kind makes: a column near a template column is a misspelling (an
 * error suggesting the right one), other unknown columns are ignored, required columns must be
 * there, and the file must have rows. `known(key)` says whether the kind reads a column; `explain`
 * may give a specific message for a column it does not.
 */
export function checkColumns(
	table: CsvTable,
	file: string,
	options: {
		noun: string;
		known: (key: string) => boolean;
		suggestions: readonly string[];
		required: readonly string[];
		explain?: (key: string) => string | undefined;
	}
): { errors: CellError[]; ignoredColumns: string[]; columns: Map<string, string> } {
	const errors: CellError[] = [...table.errors];
	const columns = columnsOf(table);
	const ignoredColumns: string[] = [];
	for (const [k, header] of columns) {
		if (k === '' || options.known(k)) continue;
		const explained = options.explain?.(k);
		if (explained) {
			errors.push({ file, row: 0, column: header, message: explained });
			continue;
		}
		const guess = suggestNearest(
			k.replace(/_/g, ' '),
			options.suggestions.map((c) => ({ value: c, spellings: [c.replace(/_/g, ' ')] }))
		);
		if (guess)
			errors.push({
				file,
				row: 0,
				column: header,
				message: `is not a column of the ${options.noun} template. Did you mean '${guess}'?`
			});
		else ignoredColumns.push(header);
	}
	for (const c of options.required)
		if (!columns.has(c))
			errors.push({ file, row: 0, column: c, message: 'this column is missing' });
	if (table.rows.length === 0)
		errors.push({ file, row: 0, column: '-', message: 'the file has no rows after the header' });
	return { errors, ignoredColumns, columns };
}

/** A name lookup by normalised spelling, suggesting the nearest on a miss. */
export class NameLookup<T> {
	private readonly byKey = new Map<string, T>();
	private readonly candidates: { value: string; spellings: string[] }[] = [];

	constructor(items: readonly T[], display: (item: T) => string, spellings: (item: T) => string[]) {
		for (const item of items) {
			const all = [display(item), ...spellings(item)];
			for (const s of all) if (!this.byKey.has(lookupKey(s))) this.byKey.set(lookupKey(s), item);
			this.candidates.push({ value: display(item), spellings: all });
		}
	}

	get(raw: string): T | undefined {
		return this.byKey.get(lookupKey(raw));
	}

	nearest(raw: string): string | undefined {
		return suggestNearest(raw, this.candidates);
	}
}

/** Case, '&'/'and' and punctuation ignored. */
export function lookupKey(text: string): string {
	return text
		.trim()
		.toLowerCase()
		.replace(/&/g, 'and')
		.replace(/[^a-z0-9]+/g, ' ')
		.trim();
}

/**
 * Insert rows in multi-row statements of at most 30,000 bound values each: within SQLite's limit
 * (32,766) and PostgreSQL's (65,535).
 */
export async function insertChunked<K extends keyof Database & string>(
	trx: Trx,
	table: K,
	rows: readonly Record<string, unknown>[]
): Promise<void> {
	if (rows.length === 0) return;
	const perRow = Object.keys(rows[0]!).length;
	const size = Math.max(1, Math.floor(30_000 / perRow));
	for (let i = 0; i < rows.length; i += size)
		await trx
			.insertInto(table)
			.values(rows.slice(i, i + size) as never)
			.execute();
}
