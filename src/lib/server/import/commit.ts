import path from 'node:path';
import type { Insertable, Transaction } from 'kysely';
import { normaliseOrganisationName, resolveOrganisationName } from '$lib/domain/organisations';
import type { CellError } from '../csv';
import type { DB } from '../db';
import type { Database } from '../db/schema';
import { describePersonColumns, findPersonColumns, type PersonColumn } from './privacy';
import {
	ImportCancelled,
	datasetKeyFor,
	emptySummary,
	type ImportFile,
	type ImportKind,
	type ImportOptions,
	type ImportSummary
} from './types';
import { checksumOf, createDatasetVersion, findCurrentVersion } from './versioning';
import { decodeText, readHeader, readTable } from './read';
import {
	SERVICE_COLUMNS,
	loadServiceReferenceData,
	validateServices,
	type ImportedService,
	type ServiceReferenceData
} from './services';

type Trx = Transaction<Database>;

/** A supply file's rows, mapped onto the one supply model and checked. */
export interface SupplyRead {
	rowsRead: number;
	/** the valid rows; `row` numbers them as messages do; `raw` is kept as the service's source record */
	rows: { row: number; service: ImportedService; raw: unknown }[];
	rejected: number;
	errors: CellError[];
	warnings?: CellError[];
	ignoredColumns: string[];
}

/** A decoded file. */
export interface TextFile {
	name: string;
	text: string;
	encoding: 'utf-8' | 'windows-1252';
}

/** How one kind of supply file (services CSV, 360Giving, R&M JSON, ORUK…) maps onto services. */
export interface SupplyReader {
	kind: ImportKind;
	/** Person-identifying columns or fields, found before any row is read: the file is refused. */
	personFields(files: readonly TextFile[]): PersonColumn[];
	read(files: readonly TextFile[], ref: ServiceReferenceData): SupplyRead | Promise<SupplyRead>;
}

export interface SupplyImportOptions extends ImportOptions {
	/** regions, PDUs, postcodes…; loaded from the database and data/ when not given */
	reference?: ServiceReferenceData;
}

/** `services-<slug>`: the key of the dataset a supply import (of any supply kind) adds a version to. */
export function servicesDatasetKey(datasetName: string): string {
	return datasetKeyFor('services', datasetName);
}

/** The dataset name a file gives when the user names none: its name without the extension. */
export function defaultDatasetName(fileName: string): string {
	return path.parse(path.basename(fileName)).name;
}

/** Decode each file (UTF-8 with or without BOM, else Windows-1252). */
export function decodeFiles(files: readonly ImportFile[]): TextFile[] {
	return files.map((f) => ({ name: f.name, ...decodeText(f.bytes) }));
}

/**
 * Import supply files as a new version of their dataset, in one transaction. Nothing is written
 * when the files are refused (person-level fields), have any invalid row (unless `onlyValidRows`),
 * the import is a dry run or cancelled, or the files are byte for byte the dataset's current version.
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

	options.onProgress?.({ phase: 'reading', rowsDone: 0, rowsTotal: null });
	const ref = options.reference ?? (await loadServiceReferenceData(db, options.dataDir));
	const validated = await reader.read(texts, ref);
	checkCancelled();
	summary.rowsRead = validated.rowsRead;
	summary.accepted = validated.rows.length;
	summary.rejected = validated.rejected;
	summary.errors = validated.errors;
	summary.warnings = validated.warnings ?? [];
	summary.ignoredColumns = validated.ignoredColumns;
	options.onProgress?.({
		phase: 'checking',
		rowsDone: validated.rowsRead,
		rowsTotal: validated.rowsRead
	});

	const organisations = new OrganisationResolver(ref);
	const previous = current ? await fingerprintsOf(db, current.id) : new Map<string, string>();
	const seen = new Set<string>();
	for (const { service } of validated.rows) {
		seen.add(service.reference);
		const before = previous.get(service.reference);
		const after = fingerprint(service, (name) => organisations.canonical(name));
		if (before === undefined) summary.added++;
		else if (before === after) summary.unchanged++;
		else summary.changed++;
	}
	summary.removed = [...previous.keys()].filter((r) => !seen.has(r)).length;
	summary.newOrganisations = organisations.countNew(validated.rows.map((r) => r.service));

	const invalid = validated.errors.length > 0 && !(options.onlyValidRows && summary.accepted > 0);
	if (invalid) return { ...summary, status: 'invalid' };
	if (options.dryRun)
		return { ...summary, status: 'dry-run', version: (current?.version ?? 0) + 1 };

	checkCancelled();
	const version = await db.transaction().execute((trx) =>
		writeVersion(trx, {
			datasetKey,
			datasetName,
			file,
			checksum,
			rows: validated.rows,
			rejected: summary.rejected,
			organisations,
			options
		})
	);
	options.onProgress?.({
		phase: 'writing',
		rowsDone: validated.rows.length,
		rowsTotal: validated.rows.length
	});
	return { ...summary, status: 'imported', version };
}

/** The services CSV (the general template every supply source maps onto). */
export const servicesReader: SupplyReader = {
	kind: 'services',
	personFields(files) {
		return files.flatMap((f) => findPersonColumns(readHeader(f.text), SERVICE_COLUMNS));
	},
	read(files, ref) {
		const [only] = files;
		if (!only || files.length > 1)
			return {
				rowsRead: 0,
				rows: [],
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
		const table = readTable(only.text, only.name);
		const validated = validateServices(table, only.name, ref);
		return {
			rowsRead: table.rows.length,
			rows: validated.rows.map((r) => ({ ...r, raw: table.rows[r.row - 1]! })),
			rejected: validated.rejected,
			errors: validated.errors,
			ignoredColumns: validated.ignoredColumns
		};
	}
};

/** Import a services CSV as a new version of its dataset (see importSupply). */
export function importServices(
	db: DB,
	bytes: Uint8Array,
	options: SupplyImportOptions
): Promise<ImportSummary> {
	return importSupply(db, [{ name: options.fileName, bytes }], options, servicesReader);
}

/** Organisation names resolved to canonical ones (aliases, then normalised names), else new. */
class OrganisationResolver {
	// A file names the same few organisations on many rows: resolve each spelling once.
	private readonly resolved = new Map<string, string>();

	constructor(private readonly ref: ServiceReferenceData) {}

	canonical(name: string): string {
		let canonical = this.resolved.get(name);
		if (canonical === undefined) {
			canonical =
				resolveOrganisationName(name, this.ref.organisationNames, this.ref.aliases) ?? name;
			this.resolved.set(name, canonical);
		}
		return canonical;
	}

	countNew(services: readonly ImportedService[]): number {
		const known = new Set(this.ref.organisationNames.map(normaliseOrganisationName));
		const fresh = new Set<string>();
		for (const s of services)
			for (const name of [...(s.leadProvider ? [s.leadProvider] : []), ...s.subcontractors]) {
				const canonical = normaliseOrganisationName(this.canonical(name));
				if (!known.has(canonical)) fresh.add(canonical);
			}
		return fresh.size;
	}
}

/** What decides whether a service changed between versions, as comparable text. */
function fingerprint(
	s: Omit<ImportedService, 'site'> & {
		site: { postcode: string | null; lat: number; lon: number } | null;
	},
	canonical: (name: string) => string
): string {
	return JSON.stringify([
		s.source,
		s.name,
		s.mechanism,
		s.funder,
		s.leadProvider === null ? null : normaliseOrganisationName(canonical(s.leadProvider)),
		s.subcontractors.map((n) => normaliseOrganisationName(canonical(n))).sort(),
		[...s.categories].sort(),
		s.regionCode,
		[...s.pccAreaIds].sort(),
		[...s.pduCodes].sort(),
		s.lotLevel,
		s.startDate,
		s.endDate,
		s.annualValueGbp,
		s.totalValueGbp,
		s.placesPerYear,
		s.sex,
		s.minAge,
		s.maxAge,
		s.site ? [s.site.postcode, s.site.lat, s.site.lon] : null
	]);
}

/** The fingerprints of the services in one dataset version, by reference. */
async function fingerprintsOf(db: DB, versionId: number): Promise<Map<string, string>> {
	const services = await db
		.selectFrom('services as s')
		.leftJoin('organisations as o', 'o.id', 's.lead_organisation_id')
		.where('s.dataset_version_id', '=', versionId)
		.selectAll('s')
		.select('o.name as lead_name')
		.execute();
	if (services.length === 0) return new Map();
	const byId = <T extends { service_id: number | null }>(rows: T[]) => {
		const map = new Map<number, T[]>();
		for (const r of rows)
			if (r.service_id !== null) map.set(r.service_id, [...(map.get(r.service_id) ?? []), r]);
		return map;
	};
	const inVersion = db
		.selectFrom('services')
		.where('dataset_version_id', '=', versionId)
		.select('id');
	const [categories, areas, pdus, subs, sites] = await Promise.all([
		db.selectFrom('service_categories').where('service_id', 'in', inVersion).selectAll().execute(),
		db.selectFrom('service_pcc_areas').where('service_id', 'in', inVersion).selectAll().execute(),
		db.selectFrom('service_pdus').where('service_id', 'in', inVersion).selectAll().execute(),
		db
			.selectFrom('service_subcontractors as sc')
			.innerJoin('organisations as o', 'o.id', 'sc.organisation_id')
			.where('sc.service_id', 'in', inVersion)
			.select(['sc.service_id', 'o.name'])
			.execute(),
		db
			.selectFrom('sites')
			.where('dataset_version_id', '=', versionId)
			.select(['service_id', 'postcode', 'lat', 'lon'])
			.execute()
	]);
	const [cats, ars, pds, sbs, sts] = [
		byId(categories),
		byId(areas),
		byId(pdus),
		byId(subs),
		byId(sites)
	];
	const same = (name: string) => name;
	return new Map(
		services.map((s) => {
			const site = sts.get(s.id)?.[0];
			return [
				s.reference,
				fingerprint(
					{
						source: s.source as ImportedService['source'],
						reference: s.reference,
						name: s.name,
						mechanism: s.mechanism as ImportedService['mechanism'],
						funder: s.funder,
						leadProvider: s.lead_name,
						subcontractors: (sbs.get(s.id) ?? []).map((x) => x.name),
						categories: (cats.get(s.id) ?? []).map(
							(x) => x.category as ImportedService['categories'][number]
						),
						regionCode: s.region_code,
						pccAreaIds: (ars.get(s.id) ?? []).map((x) => x.pcc_area_id),
						pduCodes: (pds.get(s.id) ?? []).map((x) => x.pdu_code),
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
					same
				)
			];
		})
	);
}

interface WriteInput {
	datasetKey: string;
	datasetName: string;
	file: string;
	checksum: string;
	rows: { row: number; service: ImportedService; raw: unknown }[];
	rejected: number;
	organisations: OrganisationResolver;
	options: ImportOptions;
}

/**
 * Write a new current version of the dataset and its services. The previous version stays, marked
 * not current, so its rows remain for history and rollback. Returns the new version number.
 */
async function writeVersion(trx: Trx, input: WriteInput): Promise<number> {
	const { datasetKey, file, options } = input;
	const now = (options.now ?? new Date()).toISOString();
	const createdBy = options.createdBy ?? 'command line';
	const provenance = options.provenance ?? 'published';
	const fileName = path.basename(file);

	const { id: versionId, version } = await createDatasetVersion(trx, {
		datasetKey,
		datasetTitle: input.datasetName,
		description: `Services imported from ${fileName}.`,
		provenance,
		fileName,
		checksum: input.checksum,
		rowCount: input.rows.length,
		createdBy,
		createdAt: now,
		note:
			input.rejected > 0
				? `Imported with ${input.rejected} invalid row${input.rejected === 1 ? '' : 's'} left out, as the user chose`
				: null
	});

	const orgIds = new Map<string, number>();
	for (const o of await trx.selectFrom('organisations').select(['id', 'normalised_name']).execute())
		orgIds.set(o.normalised_name, o.id);
	const organisationId = async (name: string): Promise<number> => {
		const canonical = input.organisations.canonical(name);
		const k = normaliseOrganisationName(canonical);
		const known = orgIds.get(k);
		if (known !== undefined) return known;
		const { id } = await trx
			.insertInto('organisations')
			.values({ name: canonical, normalised_name: k })
			.returning('id')
			.executeTakeFirstOrThrow();
		orgIds.set(k, id);
		return id;
	};

	const note = `Imported from ${fileName} by ${createdBy} on ${now.slice(0, 10)} (dataset ${datasetKey} version ${version}); values as given in the file.`;
	// Organisations first (few), then services and their child rows in multi-row inserts.
	const leadIds = new Map<string, number>();
	const subIds = new Map<string, number[]>();
	for (const { service: s } of input.rows) {
		if (s.leadProvider) leadIds.set(s.reference, await organisationId(s.leadProvider));
		const subs = new Set<number>();
		for (const name of s.subcontractors) subs.add(await organisationId(name));
		subIds.set(s.reference, [...subs]);
	}
	await insertChunked(
		trx,
		'services',
		input.rows.map(({ service: s, raw }) => ({
			dataset_version_id: versionId,
			reference: s.reference,
			source: s.source,
			record_type:
				s.mechanism === 'grant' ? 'grant' : s.lotLevel === 'site' ? 'site-service' : 'service',
			name: s.name,
			mechanism: s.mechanism,
			funder: s.funder,
			lead_organisation_id: leadIds.get(s.reference) ?? null,
			contract_type: null,
			lot_level: s.lotLevel,
			region_code: s.regionCode,
			sex: s.sex,
			min_age: s.minAge,
			max_age: s.maxAge,
			award_date: null,
			start_date: s.startDate,
			end_date: s.endDate,
			referral_from: null,
			referral_until: null,
			annual_value_gbp: s.annualValueGbp,
			total_value_gbp: s.totalValueGbp,
			places_per_year: s.placesPerYear,
			provenance,
			provenance_note: note,
			notes: null,
			delivery_locations: s.site?.postcode ?? null,
			source_record: JSON.stringify(raw)
		}))
	);
	// References are unique within a version, so they find the ids just given.
	const ids = new Map(
		(
			await trx
				.selectFrom('services')
				.where('dataset_version_id', '=', versionId)
				.select(['id', 'reference'])
				.execute()
		).map((r) => [r.reference, r.id])
	);
	const services = input.rows.map(({ service }) => ({
		id: ids.get(service.reference)!,
		s: service
	}));
	await insertChunked(
		trx,
		'service_categories',
		services.flatMap(({ id, s }) => s.categories.map((category) => ({ service_id: id, category })))
	);
	await insertChunked(
		trx,
		'service_pcc_areas',
		services.flatMap(({ id, s }) =>
			s.pccAreaIds.map((a) => ({ service_id: id, pcc_area_id: a, until: null }))
		)
	);
	await insertChunked(
		trx,
		'service_pdus',
		services.flatMap(({ id, s }) => s.pduCodes.map((code) => ({ service_id: id, pdu_code: code })))
	);
	await insertChunked(
		trx,
		'service_subcontractors',
		services.flatMap(({ id, s }) =>
			(subIds.get(s.reference) ?? []).map((o) => ({ service_id: id, organisation_id: o }))
		)
	);
	await insertChunked(
		trx,
		'sites',
		services.flatMap(({ id, s }) =>
			s.site
				? [
						{
							dataset_version_id: versionId,
							reference: s.reference,
							kind: 'service-site',
							name: s.name,
							service_id: id,
							address: null,
							postcode: s.site.postcode,
							lat: s.site.lat,
							lon: s.site.lon,
							location_precision: s.site.precision,
							region_code: s.regionCode,
							lad_code: s.site.ladCode,
							gender_provision: null,
							source_url: null,
							valid_from: s.startDate,
							valid_to: s.endDate,
							note:
								s.site.precision === 'postcode-district'
									? `Placed at the centroid of postcode district ${s.site.postcode?.split(' ')[0] ?? ''}`
									: null
						}
					]
				: []
		)
	);
	return version;
}

/** Insert rows in multi-row statements, each within SQLite's limit on bound parameters. */
async function insertChunked<T extends keyof Database & string>(
	trx: Trx,
	table: T,
	rows: readonly Insertable<Database[T]>[]
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
