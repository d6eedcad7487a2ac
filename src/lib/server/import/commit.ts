import path from 'node:path';
import { normaliseOrganisationName } from '$lib/domain/organisations';
import type { CellError } from '../csv';
import type SQLite from 'better-sqlite3';
import { sqliteConnectionOf, versionChangingTransaction, type DB } from '../db';
import { describePersonColumns, findPersonColumns, type PersonColumn } from './privacy';
import {
	ImportCancelled,
	datasetKeyFor,
	emptySummary,
	type ImportFile,
	type ImportKind,
	type ImportOptions,
	type ImportProgress,
	type ImportSummary
} from './types';
import { checksumOf, findCurrentVersion } from './versioning';
import {
	countRows,
	decodeAs,
	decodeSlices,
	detectEncoding,
	headerKey,
	readHeader,
	streamTable,
	type TextEncoding,
	type TextSlices
} from './read';
import {
	SERVICE_COLUMNS,
	ServicesFileCheck,
	loadServiceReferenceData,
	type ImportedService,
	type ServiceReferenceData
} from './services';
import { OrganisationResolver, ServiceWriter, type SupplyRow } from './service-writer';
import { SourceRecord, sourceColumnsOf } from './source-record';

export type { SupplyRow } from './service-writer';

/** A supply file's rows, mapped onto the one supply model and checked. */
export interface SupplyRead {
	rowsRead: number;
	/** the valid rows, in file order, references unique */
	rows: SupplyRow[];
	rejected: number;
	errors: CellError[];
	warnings?: CellError[];
	ignoredColumns: string[];
}

/** How far a read in a stream has got. */
export interface SupplyReadProgress {
	rowsRead: number;
	/** rows in the files, when known (or counted before reading) */
	rowsTotal: number | null;
	rejected: number;
}

/**
 * Where a read in a stream hands its valid rows, a batch at a time, in file order. It is awaited:
 * it compares and writes the rows, reports progress, gives the event loop a turn, and throws
 * ImportCancelled when the import is cancelled.
 */
export type SupplyRowSink = (rows: SupplyRow[], progress: SupplyReadProgress) => Promise<void>;

/** A file and its text. */
export interface TextFile {
	name: string;
	/** the whole text (decodeFiles decodes it when it is first read) */
	text: string;
	encoding: TextEncoding;
	/** the bytes, when known: a large file can then be read a slice at a time, never whole */
	bytes?: Uint8Array;
}

/** How one kind of supply file (services CSV, 360Giving, R&M JSON, ORUK…) maps onto services. */
export interface SupplyReader {
	kind: ImportKind;
	/** Person-identifying columns or fields, found before any row is read: the file is refused. */
	personFields(files: readonly TextFile[]): PersonColumn[];
	read(files: readonly TextFile[], ref: ServiceReferenceData): SupplyRead | Promise<SupplyRead>;
	/**
	 * Optional, for large files: read in a stream, handing the valid rows to `sink` as they are
	 * read and checked instead of returning them all, so neither the rows nor their services are
	 * all held at once. Resolves with what `read` would return, less the rows. A reader without
	 * it has the rows `read` returns handed on in batches.
	 */
	stream?(
		files: readonly TextFile[],
		ref: ServiceReferenceData,
		sink: SupplyRowSink
	): Promise<Omit<SupplyRead, 'rows'>>;
}

export interface SupplyImportOptions extends ImportOptions {
	/** regions, PDUs, postcodes…; loaded from the database and data/ when not given */
	reference?: ServiceReferenceData;
}

/** Rows checked (and written) between two progress reports, turns of the event loop and checks for a cancellation. */
export const BATCH_ROWS = 2000;

/** `services-<slug>`: the key of the dataset a supply import (of any supply kind) adds a version to. */
export function servicesDatasetKey(datasetName: string): string {
	return datasetKeyFor('services', datasetName);
}

/** The dataset name a file gives when the user names none: its name without the extension. */
export function defaultDatasetName(fileName: string): string {
	return path.parse(path.basename(fileName)).name;
}

/**
 * Each file with its encoding (UTF-8 with or without BOM, else Windows-1252); its `text` is
 * decoded when first read, so a reader that reads the bytes in slices never holds it whole.
 */
export function decodeFiles(files: readonly ImportFile[]): TextFile[] {
	return files.map(({ name, bytes }) => {
		const encoding = detectEncoding(bytes);
		let text: string | undefined;
		return {
			name,
			encoding,
			bytes,
			get text() {
				return (text ??= decodeAs(bytes, encoding));
			}
		};
	});
}

/** The start of a file's text: at least its first `bytes` bytes' worth (headers, guessing). */
export function textStart(file: TextFile, bytes = 1 << 20): string {
	if (!file.bytes || file.bytes.length <= bytes) return file.text;
	// A character cut in two at the end decodes as U+FFFD; only the start is wanted.
	return decodeAs(file.bytes.subarray(0, bytes), file.encoding);
}

/** A file's text in slices, decoded from its bytes as they are read when it has them. */
function textSlices(file: TextFile): string | TextSlices {
	if (!file.bytes) return file.text;
	return { start: textStart(file), slices: decodeSlices(file.bytes, file.encoding) };
}

/** A turn of the event loop: lets progress be sent and a cancellation (a closed request) be seen. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Thrown inside the write transaction to roll it back when the file turns out not to be importable. */
class NothingWritten extends Error {}

/**
 * Import supply files as a new version of their dataset, in one transaction. Nothing is written
 * when the files are refused (person-level fields), have any invalid row (unless `onlyValidRows`),
 * the import is a dry run or cancelled, or the files are byte for byte the dataset's current version.
 *
 * Rows are checked as they are read (readers with `stream`), compared with the current version,
 * and, in an import, written as they come inside the transaction, which is rolled back if the file
 * turns out to have an invalid row; so a file is read once and its rows are never all held in
 * memory. Every BATCH_ROWS rows `onProgress` is called, the event loop gets a turn, and an aborted
 * `signal` stops the import with ImportCancelled (rolling back whatever the transaction wrote).
 */
export async function importSupply(
	db: DB,
	files: readonly ImportFile[],
	options: SupplyImportOptions,
	reader: SupplyReader
): Promise<ImportSummary> {
	const file = options.fileName;
	const datasetName = options.datasetName ?? defaultDatasetName(file);
	const datasetKey = servicesDatasetKey(datasetName);
	const checksum = checksumOf(files);
	const texts = decodeFiles(files);
	const summary = emptySummary(
		reader.kind,
		file,
		datasetKey,
		checksum,
		texts.some((t) => t.encoding === 'windows-1252') ? 'windows-1252' : 'utf-8'
	);
	const checkCancelled = () => {
		if (options.signal?.aborted) throw new ImportCancelled();
	};
	const progress = (phase: ImportProgress['phase'], rowsDone: number, rowsTotal: number | null) =>
		options.onProgress?.({ phase, rowsDone, rowsTotal });

	// Data minimisation: decided on the header (or field names) alone, before any row is read.
	const person = reader.personFields(texts);
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

	progress('reading', 0, null);
	const ref = options.reference ?? (await loadServiceReferenceData(db, options.dataDir));
	checkCancelled();
	const organisations = new OrganisationResolver(ref);
	const comparison = new Comparison(
		current ? await fingerprintsOf(db, current.id) : null,
		organisations
	);
	checkCancelled();

	/** Read every row, comparing each valid one and handing it to `write` (none in a dry run). */
	const readAll = async (
		write: ((rows: readonly SupplyRow[]) => Promise<void>) | null
	): Promise<Omit<SupplyRead, 'rows'>> => {
		let reported = 0;
		const sink: SupplyRowSink = async (rows, p) => {
			for (const { service } of rows) comparison.add(service);
			// Once a row is invalid the import can only write when the user chose the valid rows.
			if (write && (p.rejected === 0 || options.onlyValidRows)) await write(rows);
			if (p.rowsRead - reported < BATCH_ROWS) return;
			reported = p.rowsRead;
			progress(write ? 'writing' : 'checking', p.rowsRead, p.rowsTotal);
			await nextTurn();
			checkCancelled();
		};
		if (reader.stream) return reader.stream(texts, ref, sink);
		const { rows, ...read } = await reader.read(texts, ref);
		checkCancelled();
		for (let i = 0; i < rows.length || i === 0; i += BATCH_ROWS) {
			const done = Math.min(rows.length, i + BATCH_ROWS);
			await sink(rows.slice(i, done), {
				rowsRead: rows.length ? Math.round((read.rowsRead * done) / rows.length) : read.rowsRead,
				rowsTotal: read.rowsRead,
				rejected: read.rejected
			});
		}
		return read;
	};
	const conclude = (read: Omit<SupplyRead, 'rows'>) => {
		summary.rowsRead = read.rowsRead;
		summary.accepted = comparison.count;
		summary.rejected = read.rejected;
		summary.errors = read.errors;
		summary.warnings = read.warnings ?? [];
		summary.ignoredColumns = read.ignoredColumns;
		summary.added = comparison.added;
		summary.changed = comparison.changed;
		summary.unchanged = comparison.unchanged;
		summary.removed = comparison.removed;
		summary.newOrganisations = organisations.newCount;
		return summary.errors.length > 0 && !(options.onlyValidRows && summary.accepted > 0);
	};

	if (options.dryRun) {
		const invalid = conclude(await readAll(null));
		progress('checking', summary.rowsRead, summary.rowsRead);
		if (invalid) return { ...summary, status: 'invalid' };
		return { ...summary, status: 'dry-run', version: (current?.version ?? 0) + 1 };
	}

	try {
		const version = await versionChangingTransaction(db, async (trx) => {
			const writer = await ServiceWriter.open(db, trx, {
				datasetKey,
				datasetName,
				file,
				checksum,
				organisations,
				options
			});
			if (conclude(await readAll((rows) => writer.write(rows)))) throw new NothingWritten();
			await writer.finish(summary.accepted, summary.rejected);
			progress('writing', summary.rowsRead, summary.rowsRead);
			checkCancelled();
			return writer.version;
		});
		return { ...summary, status: 'imported', version };
	} catch (caught) {
		if (caught instanceof NothingWritten) return { ...summary, status: 'invalid' };
		throw caught;
	}
}

/** The services CSV (the general template every supply source maps onto). */
export const servicesReader: SupplyReader = {
	kind: 'services',
	personFields(files) {
		return files.flatMap((f) => findPersonColumns(readHeader(textStart(f)), SERVICE_COLUMNS));
	},
	async read(files, ref) {
		const rows: SupplyRow[] = [];
		const read = await streamServices(files, ref, async (batch) => {
			rows.push(...batch);
		});
		return { ...read, rows };
	},
	stream: streamServices
};

/** Read a services CSV in a stream (papaparse step mode): each row checked as it is parsed. */
async function streamServices(
	files: readonly TextFile[],
	ref: ServiceReferenceData,
	sink: SupplyRowSink
): Promise<Omit<SupplyRead, 'rows'>> {
	const [only] = files;
	if (!only || files.length > 1)
		return {
			rowsRead: 0,
			rejected: 0,
			errors: [
				{
					file: files[1]?.name ?? '-',
					row: 0,
					column: '-',
					message: 'import one services CSV at a time'
				}
			],
			ignoredColumns: []
		};
	const rowsTotal = countRows(only.bytes ?? only.text);
	let check: ServicesFileCheck | null = null;
	let columns: { columns: string[]; at: number[] } = { columns: [], at: [] };
	let batch: SupplyRow[] = [];
	const handOn = async () => {
		const rows = batch;
		batch = [];
		await sink(rows, {
			rowsRead: check?.rowsRead ?? 0,
			rowsTotal,
			rejected: check?.rejected ?? 0
		});
	};
	await streamTable(
		textSlices(only),
		only.name,
		{
			header(headers, errors) {
				check = new ServicesFileCheck(headers, only.name, ref, errors);
				columns = sourceColumnsOf(headers.map(headerKey));
			},
			row(fields, row, problems) {
				const service = check!.row(fields, row, problems);
				if (service)
					batch.push({ row, service, raw: new SourceRecord(columns.columns, columns.at, fields) });
			}
		},
		{ pause: handOn }
	);
	// An empty file has no header: every required column is missing.
	const checked: ServicesFileCheck = check ?? new ServicesFileCheck([], only.name, ref);
	await handOn();
	checked.finish();
	return {
		rowsRead: checked.rowsRead,
		rejected: checked.rejected,
		errors: checked.errors,
		ignoredColumns: checked.ignoredColumns
	};
}

/** Import a services CSV as a new version of its dataset (see importSupply). */
export function importServices(
	db: DB,
	bytes: Uint8Array,
	options: SupplyImportOptions
): Promise<ImportSummary> {
	return importSupply(db, [{ name: options.fileName, bytes }], options, servicesReader);
}

/**
 * The file's services compared with the current version's, by reference: added, changed (any
 * field that matters differs) or unchanged; the current version's references not met are removed.
 * References are unique among a read's valid rows.
 */
class Comparison {
	count = 0;
	added = 0;
	changed = 0;
	unchanged = 0;
	private met = 0;

	constructor(
		private readonly previous: ReadonlyMap<string, number> | null,
		private readonly organisations: OrganisationResolver
	) {}

	add(service: ImportedService): void {
		this.count++;
		this.organisations.note(service);
		const before = this.previous?.get(service.reference);
		if (before === undefined) {
			this.added++;
			return;
		}
		this.met++;
		if (before === fingerprint(service, (name) => this.organisations.key(name))) this.unchanged++;
		else this.changed++;
	}

	get removed(): number {
		return (this.previous?.size ?? 0) - this.met;
	}
}

/** What `fingerprint` reads of a service (a stored service has no site precision or district). */
type Fingerprinted = Omit<ImportedService, 'site' | 'reference'> & {
	site: { postcode: string | null; lat: number; lon: number } | null;
};

/**
 * What decides whether a service changed between versions, as a 53-bit hash of comparable text
 * (organisations by normalised canonical name, lists in order): equal services hash equal; two
 * that differ hash equal with a chance of 1 in 2^53, so the versions' hashes, not their rows, are
 * what a comparison keeps in memory.
 */
function fingerprint(s: Fingerprinted, organisationKey: (name: string) => string): number {
	const site = s.site;
	return hash53(
		[
			s.source,
			s.name,
			s.mechanism,
			field(s.funder),
			s.leadProvider === null ? NULL : organisationKey(s.leadProvider),
			sortedList(s.subcontractors.map(organisationKey)),
			sortedList(s.categories),
			field(s.regionCode),
			sortedList(s.pccAreaIds),
			sortedList(s.pduCodes),
			s.lotLevel,
			field(s.startDate),
			field(s.endDate),
			field(s.annualValueGbp),
			field(s.totalValueGbp),
			field(s.placesPerYear),
			s.sex,
			field(s.minAge),
			field(s.maxAge),
			site ? `${field(site.postcode)}${ITEM}${site.lat}${ITEM}${site.lon}` : NULL
		].join(FIELD)
	);
}

// Separators no cell holds (control characters), and a mark for null unlike any value.
const FIELD = '\u001f';
const ITEM = '\u001e';
const NULL = '\u0000';
const field = (value: string | number | null) => (value === null ? NULL : String(value));
const sortedList = (items: readonly string[]) =>
	items.length < 2 ? (items[0] ?? '') : [...items].sort().join(ITEM);

/** cyrb53 (public domain, bryc): a fast 53-bit string hash. */
function hash53(text: string): number {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ c, 2654435761);
		h2 = Math.imul(h2 ^ c, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The fingerprints of the services in one dataset version, by reference. On SQLite the version's
 * services are read a row at a time (their lists gathered by the query), so they are never all
 * held; on other databases, through kysely.
 */
async function fingerprintsOf(db: DB, versionId: number): Promise<Map<string, number>> {
	const sqlite = sqliteConnectionOf(db);
	// Hold the connection (as a transaction would): nothing else runs on it while the rows are read.
	if (sqlite) return db.connection().execute(async () => fingerprintsOnSqlite(sqlite, versionId));
	return fingerprintsThroughKysely(db, versionId);
}

/** Stored organisations carry their canonical names already: only normalise them (once each). */
function storedOrganisationKey(): (name: string) => string {
	const keys = new Map<string, string>();
	return (name) => {
		let key = keys.get(name);
		if (key === undefined) keys.set(name, (key = normaliseOrganisationName(name)));
		return key;
	};
}

const splitList = (text: string | null) => (text ? text.split(ITEM) : []);

function fingerprintsOnSqlite(sqlite: SQLite.Database, versionId: number): Map<string, number> {
	// A service's first site (the one a services import gives it), when it has a position.
	const sites = new Map<number, { postcode: string | null; lat: number; lon: number } | null>();
	for (const [serviceId, postcode, lat, lon] of sqlite
		.prepare(
			'SELECT service_id, postcode, lat, lon FROM sites WHERE dataset_version_id = ? ORDER BY id'
		)
		.raw()
		.iterate(versionId) as Iterable<[number | null, string | null, number | null, number | null]>)
		if (serviceId !== null && !sites.has(serviceId))
			sites.set(serviceId, lat !== null && lon !== null ? { postcode, lat, lon } : null);
	const list = (table: string, column: string, join = '') =>
		`(SELECT group_concat(${column}, char(30)) FROM ${table} x ${join} WHERE x.service_id = s.id)`;
	const rows = sqlite
		.prepare(
			`SELECT s.id, s.reference, s.source, s.name, s.mechanism, s.funder, o.name, s.region_code,
				s.lot_level, s.start_date, s.end_date, s.annual_value_gbp, s.total_value_gbp,
				s.places_per_year, s.sex, s.min_age, s.max_age,
				${list('service_subcontractors', 'so.name', 'JOIN organisations so ON so.id = x.organisation_id')},
				${list('service_categories', 'x.category')},
				${list('service_pcc_areas', 'x.pcc_area_id')},
				${list('service_pdus', 'x.pdu_code')}
			FROM services s LEFT JOIN organisations o ON o.id = s.lead_organisation_id
			WHERE s.dataset_version_id = ?`
		)
		.raw()
		.iterate(versionId) as Iterable<unknown[]>;
	const organisationKey = storedOrganisationKey();
	const fingerprints = new Map<string, number>();
	for (const r of rows) {
		const [id, reference, source, name, mechanism, funder, lead, region, lotLevel] = r as [
			number,
			string,
			ImportedService['source'],
			string,
			ImportedService['mechanism'],
			string | null,
			string | null,
			string | null,
			ImportedService['lotLevel']
		];
		const [start, end, annual, total, places, sex, minAge, maxAge] = r.slice(9, 17) as [
			string | null,
			string | null,
			number | null,
			number | null,
			number | null,
			ImportedService['sex'],
			number | null,
			number | null
		];
		const [subs, categories, areas, pdus] = r.slice(17) as (string | null)[];
		fingerprints.set(
			reference,
			fingerprint(
				{
					source,
					name,
					mechanism,
					funder,
					leadProvider: lead,
					subcontractors: splitList(subs ?? null),
					categories: splitList(categories ?? null) as ImportedService['categories'],
					regionCode: region,
					pccAreaIds: splitList(areas ?? null),
					pduCodes: splitList(pdus ?? null),
					lotLevel,
					startDate: start,
					endDate: end,
					annualValueGbp: annual,
					totalValueGbp: total,
					placesPerYear: places,
					sex,
					minAge,
					maxAge,
					site: sites.get(id) ?? null
				},
				organisationKey
			)
		);
	}
	return fingerprints;
}

async function fingerprintsThroughKysely(db: DB, versionId: number): Promise<Map<string, number>> {
	const inVersion = db
		.selectFrom('services')
		.where('dataset_version_id', '=', versionId)
		.select('id');
	const [services, categories, areas, pdus, subcontractors, sites] = await Promise.all([
		db
			.selectFrom('services as s')
			.leftJoin('organisations as o', 'o.id', 's.lead_organisation_id')
			.where('s.dataset_version_id', '=', versionId)
			.select([
				's.id',
				's.reference',
				's.source',
				's.name',
				's.mechanism',
				's.funder',
				'o.name as lead_name',
				's.region_code',
				's.lot_level',
				's.start_date',
				's.end_date',
				's.annual_value_gbp',
				's.total_value_gbp',
				's.places_per_year',
				's.sex',
				's.min_age',
				's.max_age'
			])
			.execute(),
		db
			.selectFrom('service_categories')
			.where('service_id', 'in', inVersion)
			.select(['service_id', 'category as value'])
			.execute(),
		db
			.selectFrom('service_pcc_areas')
			.where('service_id', 'in', inVersion)
			.select(['service_id', 'pcc_area_id as value'])
			.execute(),
		db
			.selectFrom('service_pdus')
			.where('service_id', 'in', inVersion)
			.select(['service_id', 'pdu_code as value'])
			.execute(),
		db
			.selectFrom('service_subcontractors as sc')
			.innerJoin('organisations as o', 'o.id', 'sc.organisation_id')
			.where('sc.service_id', 'in', inVersion)
			.select(['sc.service_id', 'o.name as value'])
			.execute(),
		db
			.selectFrom('sites')
			.where('dataset_version_id', '=', versionId)
			.select(['service_id', 'postcode', 'lat', 'lon'])
			// A service's first site, as on SQLite: PostgreSQL keeps no order unless asked.
			.orderBy('id')
			.execute()
	]);
	const byService = (rows: readonly { service_id: number; value: string }[]) => {
		const map = new Map<number, string[]>();
		for (const r of rows) {
			const list = map.get(r.service_id);
			if (list) list.push(r.value);
			else map.set(r.service_id, [r.value]);
		}
		return map;
	};
	const [cats, ars, pds, sbs] = [categories, areas, pdus, subcontractors].map(byService);
	const siteOf = new Map<number, (typeof sites)[number]>();
	for (const s of sites)
		if (s.service_id !== null && !siteOf.has(s.service_id)) siteOf.set(s.service_id, s);
	const organisationKey = storedOrganisationKey();
	const fingerprints = new Map<string, number>();
	for (const s of services) {
		const site = siteOf.get(s.id);
		fingerprints.set(
			s.reference,
			fingerprint(
				{
					source: s.source as ImportedService['source'],
					name: s.name,
					mechanism: s.mechanism as ImportedService['mechanism'],
					funder: s.funder,
					leadProvider: s.lead_name,
					subcontractors: sbs!.get(s.id) ?? [],
					categories: (cats!.get(s.id) ?? []) as ImportedService['categories'],
					regionCode: s.region_code,
					pccAreaIds: ars!.get(s.id) ?? [],
					pduCodes: pds!.get(s.id) ?? [],
					lotLevel: s.lot_level as ImportedService['lotLevel'],
					startDate: s.start_date,
					endDate: s.end_date,
					annualValueGbp: s.annual_value_gbp,
					totalValueGbp: s.total_value_gbp,
					placesPerYear: s.places_per_year,
					sex: s.sex as ImportedService['sex'],
					minAge: s.min_age,
					maxAge: s.max_age,
					site:
						site && site.lat !== null && site.lon !== null
							? { postcode: site.postcode, lat: site.lat, lon: site.lon }
							: null
				},
				organisationKey
			)
		);
	}
	return fingerprints;
}
