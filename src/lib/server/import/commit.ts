import crypto from 'node:crypto';
import path from 'node:path';
import type { Insertable, Transaction } from 'kysely';
import { normaliseOrganisationName, resolveOrganisationName } from '$lib/domain/organisations';
import type { Provenance } from '$lib/domain/provenance';
import type { CellError } from '../csv';
import type { DB } from '../db';
import type { Database } from '../db/schema';
import { describePersonColumns, findPersonColumns } from './privacy';
import { decodeText, readHeader, readTable } from './read';
import {
	SERVICE_COLUMNS,
	loadServiceReferenceData,
	validateServices,
	type ImportedService,
	type ServiceReferenceData
} from './services';

type Trx = Transaction<Database>;

export interface ImportOptions {
	/** the file's name as the user gave it: used in messages and stored as the version's file name */
	fileName: string;
	/** the dataset to add a version to (default: the file's name without its extension) */
	datasetName?: string;
	/** validate and compare, but write nothing */
	dryRun?: boolean;
	/** write the valid rows even when some rows are invalid (the user chose so in a preview) */
	onlyValidRows?: boolean;
	/** who imports (default 'command line') */
	createdBy?: string;
	/** provenance of a new dataset and its services (default 'published') */
	provenance?: Provenance;
	now?: Date;
	/** regions, PDUs, postcodes…; loaded from the database and data/ when not given */
	reference?: ServiceReferenceData;
	dataDir?: string;
}

/**
 * What an import did, or (dry run, invalid file) would do. `added`, `changed` and `removed` compare
 * the file's valid rows with the dataset's current version, by reference.
 */
export interface ImportSummary {
	kind: 'services';
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
	ignoredColumns: string[];
	checksum: string;
	encoding: 'utf-8' | 'windows-1252';
}

/** `services-<slug>`: the key of the dataset a services import adds a version to. */
export function servicesDatasetKey(datasetName: string): string {
	const slug = datasetName
		.normalize('NFKD')
		.toLowerCase()
		.replace(/&/g, ' and ')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '');
	if (!slug) throw new Error(`'${datasetName}' cannot name a dataset: use letters or digits`);
	return `services-${slug}`;
}

/**
 * Import a services CSV as a new version of its dataset, in one transaction. Nothing is written
 * when the file is refused (person-level columns), has any invalid row (unless `onlyValidRows`),
 * is a dry run, or is byte for byte the dataset's current version.
 */
export async function importServices(
	db: DB,
	bytes: Uint8Array,
	options: ImportOptions
): Promise<ImportSummary> {
	const file = options.fileName;
	const datasetName = options.datasetName ?? path.parse(path.basename(file)).name;
	const datasetKey = servicesDatasetKey(datasetName);
	const checksum = crypto.createHash('sha256').update(bytes).digest('hex');
	const { text, encoding } = decodeText(bytes);
	const summary: ImportSummary = {
		kind: 'services',
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
		ignoredColumns: [],
		checksum,
		encoding
	};

	// Data minimisation: decided on the header alone, before any row is read.
	const person = findPersonColumns(readHeader(text), SERVICE_COLUMNS);
	if (person.length > 0)
		return {
			...summary,
			status: 'refused',
			errors: [{ file, row: 0, column: '-', message: describePersonColumns(person) }]
		};

	const current = await db
		.selectFrom('dataset_versions')
		.where('dataset_key', '=', datasetKey)
		.where('is_current', '=', 1)
		.select(['id', 'version', 'checksum', 'row_count'])
		.executeTakeFirst();
	summary.previousVersion = current?.version ?? null;
	const table = readTable(text, file);
	if (current && current.checksum === checksum)
		return {
			...summary,
			status: 'unchanged',
			version: current.version,
			rowsRead: table.rows.length,
			accepted: current.row_count,
			rejected: table.rows.length - current.row_count,
			unchanged: current.row_count
		};

	const ref = options.reference ?? (await loadServiceReferenceData(db, options.dataDir));
	const validated = validateServices(table, file, ref);
	summary.rowsRead = table.rows.length;
	summary.accepted = validated.rows.length;
	summary.rejected = validated.rejected;
	summary.errors = validated.errors;
	summary.ignoredColumns = validated.ignoredColumns;

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

	const version = await db.transaction().execute((trx) =>
		writeVersion(trx, {
			datasetKey,
			datasetName,
			file,
			checksum,
			rows: validated.rows.map((r) => ({ ...r, raw: table.rows[r.row - 1]! })),
			rejected: summary.rejected,
			organisations,
			options
		})
	);
	return { ...summary, status: 'imported', version };
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
	rows: { row: number; service: ImportedService; raw: Record<string, string> }[];
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

	const dataset = await trx
		.selectFrom('datasets')
		.where('key', '=', datasetKey)
		.select('key')
		.executeTakeFirst();
	if (!dataset) {
		const last = await trx
			.selectFrom('datasets')
			.select((eb) => eb.fn.max('sort_order').as('n'))
			.executeTakeFirst();
		await trx
			.insertInto('datasets')
			.values({
				key: datasetKey,
				title: input.datasetName,
				description: `Services imported from ${fileName}.`,
				source: fileName,
				source_url: null,
				licence: 'Not stated (imported file)',
				vintage: now.slice(0, 10),
				provenance,
				method: null,
				sort_order: Number(last?.n ?? 0) + 1
			})
			.execute();
	}
	const latest = await trx
		.selectFrom('dataset_versions')
		.where('dataset_key', '=', datasetKey)
		.select((eb) => eb.fn.max('version').as('n'))
		.executeTakeFirst();
	const version = Number(latest?.n ?? 0) + 1;
	await trx
		.updateTable('dataset_versions')
		.set({ is_current: 0 })
		.where('dataset_key', '=', datasetKey)
		.where('is_current', '=', 1)
		.execute();
	const { id: versionId } = await trx
		.insertInto('dataset_versions')
		.values({
			dataset_key: datasetKey,
			version,
			created_at: now,
			created_by: createdBy,
			file_name: fileName,
			row_count: input.rows.length,
			checksum: input.checksum,
			is_current: 1,
			note:
				input.rejected > 0
					? `Imported with ${input.rejected} invalid row${input.rejected === 1 ? '' : 's'} left out, as the user chose`
					: null
		})
		.returning('id')
		.executeTakeFirstOrThrow();

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
