import path from 'node:path';
import type SQLite from 'better-sqlite3';
import type { Insertable, Transaction } from 'kysely';
import { normaliseOrganisationName } from '$lib/domain/organisations';
import { sqliteConnectionOf, type DB } from '../db';
import type { Database } from '../db/schema';
import { detach } from './read';
import { SourceRecord } from './source-record';
import type { ImportedService, ServiceReferenceData } from './services';
import type { ImportOptions } from './types';
import { createDatasetVersion } from './versioning';

type Trx = Transaction<Database>;

/** One valid row of a supply file: `row` numbers it as messages do; `raw` is kept as its source record. */
export interface SupplyRow {
	row: number;
	service: ImportedService;
	raw: unknown;
}

/** Organisation names resolved to canonical ones (aliases, then normalised names), else new. */
export class OrganisationResolver {
	// A file names the same few organisations on many rows: resolve each spelling once.
	private readonly canonicalOf = new Map<string, string>();
	/** each spelling's normalised canonical name, and whether `note` has met it */
	private readonly keyOf = new Map<string, { key: string; noted: boolean }>();
	/** as resolveOrganisationName: an alias first, then a canonical name; the first listed wins */
	private readonly byAlias = new Map<string, string>();
	private readonly byName = new Map<string, string>();
	private readonly fresh = new Set<string>();

	constructor(ref: ServiceReferenceData) {
		for (const a of ref.aliases) {
			const key = normaliseOrganisationName(a.alias);
			if (!this.byAlias.has(key)) this.byAlias.set(key, a.canonical);
		}
		for (const name of ref.organisationNames) {
			const key = normaliseOrganisationName(name);
			if (!this.byName.has(key)) this.byName.set(key, name);
		}
	}

	canonical(name: string): string {
		let canonical = this.canonicalOf.get(name);
		if (canonical === undefined) {
			const key = normaliseOrganisationName(name);
			canonical = this.byAlias.get(key) ?? this.byName.get(key) ?? detach(name);
			this.canonicalOf.set(detach(name), canonical);
		}
		return canonical;
	}

	/** The normalised canonical name: what organisations are stored and compared by. */
	key(name: string): string {
		return this.keyEntry(name).key;
	}

	private keyEntry(name: string): { key: string; noted: boolean } {
		let entry = this.keyOf.get(name);
		if (entry === undefined) {
			entry = { key: normaliseOrganisationName(this.canonical(name)), noted: false };
			this.keyOf.set(detach(name), entry);
		}
		return entry;
	}

	/** Note a service's organisations, counting those not known before. */
	note(service: ImportedService): void {
		if (service.leadProvider !== null) this.noteName(service.leadProvider);
		for (const name of service.subcontractors) this.noteName(name);
	}

	private noteName(name: string): void {
		// A name met before is counted already: one lookup for each of a file's many repeats.
		const entry = this.keyEntry(name);
		if (entry.noted) return;
		entry.noted = true;
		if (!this.byName.has(entry.key)) this.fresh.add(entry.key);
	}

	/** Organisations named in the services noted that were not known before. */
	get newCount(): number {
		return this.fresh.size;
	}
}

/** A service's lead organisation and subcontractors, by organisation id. */
interface ServiceOrganisations {
	lead: number | null;
	subcontractors: number[];
}

export interface WriteInput {
	datasetKey: string;
	datasetName: string;
	file: string;
	checksum: string;
	organisations: OrganisationResolver;
	options: ImportOptions;
}

/**
 * Writes a new current version of a supply dataset, a batch of services at a time, inside the
 * import's transaction. The previous version stays, marked not current, so its rows remain for
 * history and rollback. On SQLite the rows go through better-sqlite3 prepared statements on the
 * transaction's own connection (kysely builds and binds SQL per statement, which for 100,000
 * services and their child rows is most of an import's time); on any other database, through
 * kysely in multi-row inserts.
 */
export abstract class ServiceWriter {
	private readonly organisationIdOf = new Map<string, number>();
	/** the column keys of the services CSV rows written, kept once on the version */
	private sourceColumns?: readonly string[];

	protected constructor(
		protected readonly trx: Trx,
		protected readonly input: WriteInput,
		readonly versionId: number,
		readonly version: number,
		protected readonly provenance: string,
		protected readonly note: string
	) {}

	/** Add the version (row count and note are set by `finish`) and a writer for its services. */
	static async open(db: DB, trx: Trx, input: WriteInput): Promise<ServiceWriter> {
		const { datasetKey, file, options } = input;
		const now = (options.now ?? new Date()).toISOString();
		const createdBy = options.createdBy ?? 'command line';
		const provenance = options.provenance ?? 'published';
		const fileName = path.basename(file);
		const { id, version } = await createDatasetVersion(trx, {
			datasetKey,
			datasetTitle: input.datasetName,
			description: `Services imported from ${fileName}.`,
			provenance,
			fileName,
			checksum: input.checksum,
			rowCount: 0,
			createdBy,
			createdAt: now,
			note: null
		});
		const note = `Imported from ${fileName} by ${createdBy} on ${now.slice(0, 10)} (dataset ${datasetKey} version ${version}); values as given in the file.`;
		const sqlite = sqliteConnectionOf(db);
		const writer = sqlite
			? new SqliteServiceWriter(sqlite, trx, input, id, version, provenance, note)
			: new KyselyServiceWriter(trx, input, id, version, provenance, note);
		for (const o of await trx
			.selectFrom('organisations')
			.select(['id', 'normalised_name'])
			.execute())
			writer.organisationIdOf.set(o.normalised_name, o.id);
		return writer;
	}

	/** Write a batch of valid rows (new organisations first). */
	async write(rows: readonly SupplyRow[]): Promise<void> {
		const organisations: ServiceOrganisations[] = [];
		for (const { service: s } of rows) {
			const lead =
				s.leadProvider === null
					? null
					: (this.knownId(s.leadProvider) ?? (await this.addOrganisation(s.leadProvider)));
			const subcontractors: number[] = [];
			for (const name of s.subcontractors) {
				const id = this.knownId(name) ?? (await this.addOrganisation(name));
				if (!subcontractors.includes(id)) subcontractors.push(id);
			}
			organisations.push({ lead, subcontractors });
		}
		await this.insertServices(rows, organisations);
	}

	private knownId(name: string): number | undefined {
		return this.organisationIdOf.get(this.input.organisations.key(name));
	}

	private async addOrganisation(name: string): Promise<number> {
		const { organisations } = this.input;
		const key = organisations.key(name);
		const id = await this.insertOrganisation(organisations.canonical(name), key);
		this.organisationIdOf.set(key, id);
		return id;
	}

	/**
	 * The version's row count, a note when the user chose to leave invalid rows out, and what its
	 * services share: their provenance note and their source records' column keys.
	 */
	async finish(accepted: number, rejected: number): Promise<void> {
		await this.trx
			.updateTable('dataset_versions')
			.set({
				row_count: accepted,
				note:
					rejected > 0
						? `Imported with ${rejected} invalid row${rejected === 1 ? '' : 's'} left out, as the user chose`
						: null,
				provenance_note: this.note,
				source_columns: this.sourceColumns ? JSON.stringify(this.sourceColumns) : null
			})
			.where('id', '=', this.versionId)
			.execute();
	}

	protected serviceRecord(
		s: ImportedService,
		raw: unknown,
		leadId: number | null
	): Insertable<Database['services']> {
		return {
			dataset_version_id: this.versionId,
			reference: s.reference,
			source: s.source,
			record_type:
				s.mechanism === 'grant' ? 'grant' : s.lotLevel === 'site' ? 'site-service' : 'service',
			name: s.name,
			mechanism: s.mechanism,
			funder: s.funder,
			lead_organisation_id: leadId,
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
			provenance: this.provenance,
			// the version's note (set by `finish`), the same for every service it has
			provenance_note: '',
			notes: null,
			delivery_locations: s.site?.postcode ?? null,
			source_record: this.sourceRecordJson(raw)
		};
	}

	/** A services CSV row as its values alone (its columns go on the version); any other as JSON. */
	private sourceRecordJson(raw: unknown): string {
		if (!(raw instanceof SourceRecord)) return JSON.stringify(raw);
		this.sourceColumns ??= raw.columns;
		return raw.columns === this.sourceColumns ? raw.valuesJson() : JSON.stringify(raw);
	}

	protected siteRecord(
		s: ImportedService,
		serviceId: number
	): Insertable<Database['sites']> | null {
		if (!s.site) return null;
		return {
			dataset_version_id: this.versionId,
			reference: s.reference,
			kind: 'service-site',
			name: s.name,
			service_id: serviceId,
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
		};
	}

	protected abstract insertOrganisation(name: string, key: string): Promise<number> | number;
	protected abstract insertServices(
		rows: readonly SupplyRow[],
		organisations: readonly ServiceOrganisations[]
	): Promise<void>;
}

/**
 * Link rows (a service's categories, PCC areas, PDUs, subcontractors) put in one statement: SQLite
 * spends less per row in one multi-row INSERT than in as many one-row ones. 250 pairs are 500 bound
 * values, far within SQLite's limit (32,766).
 */
const LINK_ROWS_PER_INSERT = 250;

/** A link table's insert: the two columns, a statement for a full slice and one for a single row. */
interface LinkInsert {
	many: SQLite.Statement;
	one: SQLite.Statement;
}

/**
 * SQLite: prepared statements on the connection the kysely transaction holds: a service and its
 * site a row at a time (each service's id is needed for its link rows), the link rows of a batch
 * of services in multi-row inserts.
 */
class SqliteServiceWriter extends ServiceWriter {
	private readonly category: LinkInsert;
	private readonly pccArea: LinkInsert;
	private readonly pdu: LinkInsert;
	private readonly subcontractor: LinkInsert;
	private readonly organisation: SQLite.Statement;
	// Prepared from the first record of each: the records' columns never vary.
	private service?: SQLite.Statement;
	private site?: SQLite.Statement;

	constructor(
		private readonly sqlite: SQLite.Database,
		trx: Trx,
		input: WriteInput,
		versionId: number,
		version: number,
		provenance: string,
		note: string
	) {
		super(trx, input, versionId, version, provenance, note);
		this.category = this.linkInsert('service_categories (service_id, category)', '(?, ?)');
		this.pccArea = this.linkInsert(
			'service_pcc_areas (service_id, pcc_area_id, until)',
			'(?, ?, NULL)'
		);
		this.pdu = this.linkInsert('service_pdus (service_id, pdu_code)', '(?, ?)');
		this.subcontractor = this.linkInsert(
			'service_subcontractors (service_id, organisation_id)',
			'(?, ?)'
		);
		this.organisation = sqlite.prepare(
			'INSERT INTO organisations (name, normalised_name) VALUES (?, ?)'
		);
	}

	private linkInsert(into: string, row: string): LinkInsert {
		return {
			many: this.sqlite.prepare(
				`INSERT INTO ${into} VALUES ${Array<string>(LINK_ROWS_PER_INSERT).fill(row).join(', ')}`
			),
			one: this.sqlite.prepare(`INSERT INTO ${into} VALUES ${row}`)
		};
	}

	/** `INSERT INTO table (a, b) VALUES (?, ?)` for a record's columns, in their order. */
	private insertOf(table: string, record: object): SQLite.Statement {
		const columns = Object.keys(record);
		return this.sqlite.prepare(
			`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`
		);
	}

	protected insertOrganisation(name: string, key: string): number {
		return Number(this.organisation.run(name, key).lastInsertRowid);
	}

	protected async insertServices(
		rows: readonly SupplyRow[],
		organisations: readonly ServiceOrganisations[]
	): Promise<void> {
		// Service id and value, pair after pair, per link table.
		const categories: (number | string)[] = [];
		const pccAreas: (number | string)[] = [];
		const pdus: (number | string)[] = [];
		const subcontractors: number[] = [];
		rows.forEach(({ service: s, raw }, i) => {
			const { lead, subcontractors: subs } = organisations[i]!;
			const record = this.serviceRecord(s, raw, lead);
			this.service ??= this.insertOf('services', record);
			const id = Number(this.service.run(Object.values(record)).lastInsertRowid);
			for (const c of s.categories) categories.push(id, c);
			for (const a of s.pccAreaIds) pccAreas.push(id, a);
			for (const p of s.pduCodes) pdus.push(id, p);
			for (const o of subs) subcontractors.push(id, o);
			const site = this.siteRecord(s, id);
			if (site) {
				this.site ??= this.insertOf('sites', site);
				this.site.run(Object.values(site));
			}
		});
		insertLinks(this.category, categories);
		insertLinks(this.pccArea, pccAreas);
		insertLinks(this.pdu, pdus);
		insertLinks(this.subcontractor, subcontractors);
	}
}

/** Insert link rows given as pairs, in full slices of LINK_ROWS_PER_INSERT and then one by one. */
function insertLinks(insert: LinkInsert, pairs: readonly (number | string)[]): void {
	const slice = 2 * LINK_ROWS_PER_INSERT;
	let i = 0;
	for (; i + slice <= pairs.length; i += slice) insert.many.run(pairs.slice(i, i + slice));
	for (; i < pairs.length; i += 2) insert.one.run(pairs[i], pairs[i + 1]);
}

/** Any other database: kysely multi-row inserts, each within the limit on bound parameters. */
class KyselyServiceWriter extends ServiceWriter {
	constructor(
		trx: Trx,
		input: WriteInput,
		versionId: number,
		version: number,
		provenance: string,
		note: string
	) {
		super(trx, input, versionId, version, provenance, note);
	}

	protected async insertOrganisation(name: string, key: string): Promise<number> {
		const { id } = await this.trx
			.insertInto('organisations')
			.values({ name, normalised_name: key })
			.returning('id')
			.executeTakeFirstOrThrow();
		return id;
	}

	protected async insertServices(
		rows: readonly SupplyRow[],
		organisations: readonly ServiceOrganisations[]
	): Promise<void> {
		if (rows.length === 0) return;
		const records = rows.map(({ service, raw }, i) =>
			this.serviceRecord(service, raw, organisations[i]!.lead)
		);
		const ids = new Map<string, number>();
		for (const chunk of chunksFor(records))
			for (const r of await this.trx
				.insertInto('services')
				.values(chunk)
				.returning(['id', 'reference'])
				.execute())
				ids.set(r.reference, r.id);
		// References are unique within a version, so they find the ids just given.
		const services = rows.map(({ service: s }, i) => ({
			id: ids.get(s.reference)!,
			s,
			subcontractors: organisations[i]!.subcontractors
		}));
		await insertChunked(
			this.trx,
			'service_categories',
			services.flatMap(({ id, s }) =>
				s.categories.map((category) => ({ service_id: id, category }))
			)
		);
		await insertChunked(
			this.trx,
			'service_pcc_areas',
			services.flatMap(({ id, s }) =>
				s.pccAreaIds.map((a) => ({ service_id: id, pcc_area_id: a, until: null }))
			)
		);
		await insertChunked(
			this.trx,
			'service_pdus',
			services.flatMap(({ id, s }) =>
				s.pduCodes.map((code) => ({ service_id: id, pdu_code: code }))
			)
		);
		await insertChunked(
			this.trx,
			'service_subcontractors',
			services.flatMap(({ id, subcontractors }) =>
				subcontractors.map((o) => ({ service_id: id, organisation_id: o }))
			)
		);
		await insertChunked(
			this.trx,
			'sites',
			services.flatMap(({ id, s }) => this.siteRecord(s, id) ?? [])
		);
	}
}

/**
 * Rows in slices of at most 30,000 bound values, so each multi-row insert is within SQLite's limit
 * on bound parameters (32,766) and PostgreSQL's (65,535).
 */
function chunksFor<T extends object>(rows: readonly T[]): T[][] {
	if (rows.length === 0) return [];
	const size = Math.max(1, Math.floor(30_000 / Object.keys(rows[0]!).length));
	const chunks: T[][] = [];
	for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
	return chunks;
}

/** Insert rows in multi-row statements, each within the limit on bound parameters. */
async function insertChunked<T extends keyof Database & string>(
	trx: Trx,
	table: T,
	rows: readonly Insertable<Database[T]>[]
): Promise<void> {
	for (const chunk of chunksFor(rows))
		await trx
			.insertInto(table)
			.values(chunk as never)
			.execute();
}
