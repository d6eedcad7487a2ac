import type { Provenance } from '$lib/domain/provenance';
import type { CellError } from '../csv';
import type { DB } from '../db';

/** Every kind of file Landscape imports (issue 5); the registry says which this build handles. */
export const IMPORT_KINDS = [
	'caseload',
	'services',
	'organisations',
	'cfo-sites',
	'grants-360giving',
	'rm-contracts',
	'oruk'
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** One file as given: its name (for messages and the version's history) and its bytes. */
export interface ImportFile {
	name: string;
	bytes: Uint8Array;
}

export interface ImportOptions {
	/** the file's (or folder's) name as the user gave it: used in messages and stored with the version */
	fileName: string;
	/** the dataset to add a version to (default: the file's name without its extension) */
	datasetName?: string;
	/** validate and compare, but write nothing */
	dryRun?: boolean;
	/** write the valid rows even when some rows are invalid (the user chose so in a preview) */
	onlyValidRows?: boolean;
	/**
	 * the user has seen and accepted the matches the preview asked them to confirm
	 * (`summary.needsConfirmation`), e.g. organisations matched by name alone
	 */
	confirmed?: boolean;
	/** who imports (default 'command line') */
	createdBy?: string;
	/** provenance of a new dataset and its rows (default: the kind's, usually 'published') */
	provenance?: Provenance;
	now?: Date;
	/** where the shipped reference data is (postcode districts, boundaries); default data/ */
	dataDir?: string;
	/** called now and then while rows are read and written, for a progress bar */
	onProgress?: (progress: ImportProgress) => void;
	/** aborting it stops the import; nothing is written */
	signal?: AbortSignal;
}

export interface ImportProgress {
	phase: 'reading' | 'checking' | 'writing';
	rowsDone: number;
	/** rows in the file, once known */
	rowsTotal: number | null;
}

/**
 * What an import did, or (dry run, invalid file) would do. `added`, `changed` and `removed`
 * compare the file's valid rows with the dataset's current version, by each kind's row key.
 */
export interface ImportSummary {
	kind: ImportKind;
	file: string;
	/**
	 * imported: a new version is current; dry-run: valid, nothing written; invalid or refused
	 * (person-level columns): nothing written; unchanged: the same file is already the current version
	 */
	status: 'imported' | 'dry-run' | 'invalid' | 'refused' | 'unchanged';
	datasetKey: string;
	/** the new version (imported), the version it would be (dry run), or the current one (unchanged) */
	version: number | null;
	previousVersion: number | null;
	rowsRead: number;
	accepted: number;
	rejected: number;
	added: number;
	changed: number;
	removed: number;
	unchanged: number;
	/** organisations not known before, created (or, in a dry run, to be created) for this file */
	newOrganisations: number;
	errors: CellError[];
	/** things worth knowing that do not stop the import (e.g. a match by name alone) */
	warnings: CellError[];
	/**
	 * what the user must confirm before the import writes (e.g. 'Confirm 3 organisations matched by
	 * name alone'); while it is set and `options.confirmed` is not, an import writes nothing and its
	 * status is 'invalid'. Null when nothing needs confirming.
	 */
	needsConfirmation: string | null;
	ignoredColumns: string[];
	checksum: string;
	encoding: 'utf-8' | 'windows-1252';
}

/** One column (or field) of a kind's template, as the field guide describes it. */
export interface FieldGuideEntry {
	column: string;
	required: boolean;
	format: string;
	example: string;
}

/** A kind of file: how to describe it, its template, and how to import it. */
export interface Importer {
	kind: ImportKind;
	/** short name shown in the list of kinds, e.g. 'Services (any supply source)' */
	title: string;
	/** one sentence: what the file holds and what importing it does */
	description: string;
	/** what one accepted row is, singular: 'service', 'PDU caseload', 'organisation' */
	rowNoun: string;
	/** how rows are matched with the current version's, for the preview: 'by reference' */
	matchedBy: string;
	/** file extensions accepted, with the dot, lower case */
	extensions: readonly string[];
	/** whether the CLI takes a folder of such files (imported together as one version) */
	acceptsFolder?: boolean;
	/** the fields the guide lists, in template order */
	guide: readonly FieldGuideEntry[];
	/** the downloadable template (or example file) */
	template(): { fileName: string; contentType: string; body: string };
	/** the key of the dataset a file of this kind named `datasetName` adds a version to */
	datasetKey(datasetName: string): string;
	/** import the files (one, or a folder's for kinds that take several) */
	run(db: DB, files: readonly ImportFile[], options: ImportOptions): Promise<ImportSummary>;
}

function csvCell(value: string): string {
	return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A CSV template: the header row and one illustrative row, from a field guide. */
export function templateCsvFrom(fields: readonly FieldGuideEntry[]): string {
	return (
		[fields.map((f) => f.column).join(','), fields.map((f) => csvCell(f.example)).join(',')].join(
			'\r\n'
		) + '\r\n'
	);
}

/** `<prefix>-<slug>`: a dataset key from the name a user gives; throws when it has no letters or digits. */
export function datasetKeyFor(prefix: string, datasetName: string): string {
	const slug = datasetName
		.normalize('NFKD')
		.toLowerCase()
		.replace(/&/g, ' and ')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
	if (!slug) throw new Error(`'${datasetName}' cannot name a dataset: use letters or digits`);
	return `${prefix}-${slug}`;
}

/** The summary an import starts from: nothing read, nothing decided. */
export function emptySummary(
	kind: ImportKind,
	file: string,
	datasetKey: string,
	checksum: string,
	encoding: ImportSummary['encoding'] = 'utf-8'
): ImportSummary {
	return {
		kind,
		file,
		status: 'invalid',
		datasetKey,
		version: null,
		previousVersion: null,
		rowsRead: 0,
		accepted: 0,
		rejected: 0,
		added: 0,
		changed: 0,
		removed: 0,
		unchanged: 0,
		newOrganisations: 0,
		errors: [],
		warnings: [],
		needsConfirmation: null,
		ignoredColumns: [],
		checksum,
		encoding
	};
}

/** Thrown when options.signal is aborted: the import stops and writes nothing. */
export class ImportCancelled extends Error {
	constructor() {
		super('the import was cancelled; nothing was written');
		this.name = 'ImportCancelled';
	}
}
