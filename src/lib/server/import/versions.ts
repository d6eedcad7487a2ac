import { sql, type Transaction } from 'kysely';
import { collapseSpaces } from '$lib/domain/text';
import type { Provenance } from '$lib/domain/provenance';
import { quoteInput, suggestNearest } from '../api/suggest';
import { versionChangingTransaction, type DB } from '../db';
import type { Database } from '../db/schema';
import { engineOf } from '../db/engine';
import { createDatasetVersion, lockDatasetVersions } from './versioning';

/**
 * Dataset versions: history, comparison and rollback for every dataset, shipped or imported.
 *
 * A dataset's rows live in tables keyed by `dataset_version_id`. Each such table is described once
 * in VERSIONED_TABLES (its row key, the columns compared, the child tables folded into a row, the
 * columns that point at another versioned table); comparison and rollback work from those
 * descriptions alone, so a new per-version table needs one entry and no new code.
 */

type Executor = DB | Transaction<Database>;

/** Show a stored value as another table's column (an organisation id as its name). */
export interface Lookup {
	table: string;
	key: string;
	display: string;
}

export interface ComparedColumn {
	column: string;
	/** the field's name in a comparison */
	label: string;
	lookup?: Lookup;
}

/** Rows of another table that belong to one row (a service's categories), compared as one field. */
export interface ChildTable {
	field: string;
	table: string;
	/** the column holding the parent row's id */
	parentColumn: string;
	/** compared, and shown as the first value then `label value` for the rest */
	columns: readonly ComparedColumn[];
}

export interface VersionedTable {
	table: string;
	/** what one row is, for people: "service", "PDU caseload" */
	noun: string;
	versionColumn: string;
	/** the columns that identify a row across versions */
	key: readonly string[];
	/** the surrogate id child rows point at; a copy gets new ids, matched back by `key` */
	idColumn?: string;
	/** what names a row beside its key */
	label?: ComparedColumn;
	/**
	 * Compare only rows where this column is null: the others belong to a row of another table and
	 * are compared as its child (a service's delivery sites). Rollback copies every row.
	 */
	comparedWhereNull?: string;
	columns: readonly ComparedColumn[];
	children?: readonly ChildTable[];
	/** columns holding the id of a row of another versioned table, remapped when rows are copied */
	references?: readonly { column: string; table: string }[];
}

const ORGANISATION: Lookup = { table: 'organisations', key: 'id', display: 'name' };
const SERVICE_REFERENCE: Lookup = { table: 'services', key: 'id', display: 'reference' };
const PDU_NAME: ComparedColumn = {
	column: 'pdu_code',
	label: 'PDU',
	lookup: { table: 'pdus', key: 'code', display: 'name' }
};

const SITE_COLUMNS: readonly ComparedColumn[] = [
	{ column: 'kind', label: 'kind' },
	{ column: 'name', label: 'name' },
	{ column: 'address', label: 'address' },
	{ column: 'postcode', label: 'postcode' },
	{ column: 'lat', label: 'latitude' },
	{ column: 'lon', label: 'longitude' },
	{ column: 'location_precision', label: 'location precision' },
	{ column: 'region_code', label: 'region' },
	{ column: 'lad_code', label: 'local authority district' },
	{ column: 'gender_provision', label: 'gender provision' },
	{ column: 'source_url', label: 'source URL' },
	{ column: 'valid_from', label: 'valid from' },
	{ column: 'valid_to', label: 'valid to' },
	{ column: 'note', label: 'note' }
];

/**
 * Every table whose rows belong to a dataset version, in the order rollback copies them (a table
 * before the tables that point at it). A service's provenance note (it names its version) and
 * source record (the raw row, which may hold ignored columns) are copied but not compared.
 */
export const VERSIONED_TABLES: readonly VersionedTable[] = [
	{
		table: 'services',
		noun: 'service',
		versionColumn: 'dataset_version_id',
		key: ['reference'],
		idColumn: 'id',
		label: { column: 'name', label: 'name' },
		columns: [
			{ column: 'source', label: 'source' },
			{ column: 'record_type', label: 'record type' },
			{ column: 'name', label: 'name' },
			{ column: 'mechanism', label: 'mechanism' },
			{ column: 'funder', label: 'funder' },
			{ column: 'lead_organisation_id', label: 'lead provider', lookup: ORGANISATION },
			{ column: 'contract_type', label: 'contract type' },
			{ column: 'lot_level', label: 'lot level' },
			{ column: 'region_code', label: 'region' },
			{ column: 'sex', label: 'sex' },
			{ column: 'min_age', label: 'minimum age' },
			{ column: 'max_age', label: 'maximum age' },
			{ column: 'award_date', label: 'award date' },
			{ column: 'start_date', label: 'start date' },
			{ column: 'end_date', label: 'end date' },
			{ column: 'referral_from', label: 'referrals from' },
			{ column: 'referral_until', label: 'referrals until' },
			{ column: 'annual_value_gbp', label: 'annual value (£)' },
			{ column: 'total_value_gbp', label: 'total value (£)' },
			{ column: 'places_per_year', label: 'places a year' },
			{ column: 'provenance', label: 'provenance' },
			{ column: 'notes', label: 'notes' },
			{ column: 'delivery_locations', label: 'delivery locations' }
		],
		children: [
			{
				field: 'categories',
				table: 'service_categories',
				parentColumn: 'service_id',
				columns: [{ column: 'category', label: 'category' }]
			},
			{
				field: 'PCC areas',
				table: 'service_pcc_areas',
				parentColumn: 'service_id',
				columns: [
					{ column: 'pcc_area_id', label: 'PCC area' },
					{ column: 'until', label: 'until' }
				]
			},
			{
				field: 'PDUs',
				table: 'service_pdus',
				parentColumn: 'service_id',
				columns: [{ column: 'pdu_code', label: 'PDU' }]
			},
			{
				field: 'subcontractors',
				table: 'service_subcontractors',
				parentColumn: 'service_id',
				columns: [{ column: 'organisation_id', label: 'subcontractor', lookup: ORGANISATION }]
			},
			{
				field: 'linked to',
				table: 'service_links',
				parentColumn: 'service_id',
				columns: [
					{ column: 'linked_service_id', label: 'service', lookup: SERVICE_REFERENCE },
					{ column: 'basis', label: 'basis' }
				]
			},
			{
				field: 'linked from',
				table: 'service_links',
				parentColumn: 'linked_service_id',
				columns: [
					{ column: 'service_id', label: 'service', lookup: SERVICE_REFERENCE },
					{ column: 'basis', label: 'basis' }
				]
			},
			{ field: 'sites', table: 'sites', parentColumn: 'service_id', columns: SITE_COLUMNS }
		]
	},
	{
		table: 'sites',
		noun: 'site',
		versionColumn: 'dataset_version_id',
		key: ['reference'],
		idColumn: 'id',
		label: { column: 'name', label: 'name' },
		comparedWhereNull: 'service_id',
		columns: SITE_COLUMNS,
		references: [{ column: 'service_id', table: 'services' }]
	},
	{
		table: 'pdu_caseloads',
		noun: 'PDU caseload',
		versionColumn: 'dataset_version_id',
		key: ['pdu_code'],
		label: PDU_NAME,
		columns: [
			{ column: 'period', label: 'period' },
			{ column: 'caseload', label: 'caseload' },
			{ column: 'community', label: 'community' },
			{ column: 'post_release', label: 'post-release' },
			{ column: 'provenance', label: 'provenance' }
		]
	},
	{
		table: 'need_shares',
		noun: 'need share',
		versionColumn: 'dataset_version_id',
		key: ['scope', 'category'],
		columns: [
			{ column: 'share', label: 'share' },
			{ column: 'measure', label: 'measure' },
			{ column: 'provenance', label: 'provenance' },
			{ column: 'note', label: 'note' }
		]
	},
	{
		table: 'pdu_need_shares',
		noun: 'PDU need share',
		versionColumn: 'dataset_version_id',
		key: ['pdu_code', 'category'],
		label: PDU_NAME,
		columns: [
			{ column: 'share', label: 'share' },
			{ column: 'people', label: 'people' }
		]
	},
	{
		table: 'pdu_subgroup_shares',
		noun: 'PDU subgroup share',
		versionColumn: 'dataset_version_id',
		key: ['pdu_code', 'subgroup'],
		label: PDU_NAME,
		columns: [
			{ column: 'share', label: 'share' },
			{ column: 'people', label: 'people' }
		]
	},
	{
		// Keyed by the organisation matched; the file's row number and raw record are not compared.
		table: 'organisation_facts',
		noun: 'organisation',
		versionColumn: 'dataset_version_id',
		key: ['organisation_id'],
		label: { column: 'organisation_id', label: 'organisation', lookup: ORGANISATION },
		columns: [
			{ column: 'name', label: 'name as written' },
			{ column: 'matched_by', label: 'matched by' },
			{ column: 'charity_number', label: 'charity number' },
			{ column: 'company_number', label: 'company number' },
			{ column: 'org_type', label: 'type' },
			{ column: 'annual_income_gbp', label: 'annual income (£)' },
			{ column: 'by_and_for', label: '"by and for"' },
			{ column: 'df_registered', label: 'on the Dynamic Framework' },
			{ column: 'df_categories', label: 'Dynamic Framework categories' },
			{ column: 'regions', label: 'regions' }
		]
	}
];

/** Why a history, comparison or rollback could not be done; the message says so to a person. */
export type VersionProblem = 'unknown-dataset' | 'unknown-version' | 'current-version' | 'not-kept';

export class DatasetVersionError extends Error {
	constructor(
		readonly problem: VersionProblem,
		message: string
	) {
		super(message);
		this.name = 'DatasetVersionError';
	}
}

export interface DatasetSummary {
	key: string;
	title: string;
	description: string;
	source: string;
	sourceUrl: string | null;
	licence: string;
	vintage: string;
	provenance: Provenance;
	method: string | null;
}

export interface VersionInfo {
	version: number;
	/** ISO timestamp */
	createdAt: string;
	createdBy: string;
	fileName: string;
	rowCount: number;
	/** SHA-256 of the file (or folder) loaded */
	checksum: string;
	isCurrent: boolean;
	note: string | null;
}

/** The dataset, or a DatasetVersionError naming the nearest key. */
export async function findDataset(db: Executor, datasetKey: string): Promise<DatasetSummary> {
	const rows = await db.selectFrom('datasets').selectAll().orderBy('sort_order').execute();
	const row = rows.find((r) => r.key === datasetKey);
	if (!row) {
		const guess = suggestNearest(
			datasetKey,
			rows.map((r) => ({ value: r.key, spellings: [r.key, r.title] }))
		);
		throw new DatasetVersionError(
			'unknown-dataset',
			`${quoteInput(datasetKey)} is not a dataset.${guess ? ` Did you mean '${guess}'?` : ''} The datasets are listed on the Data sources page and by \`npm run landscape -- datasets list\``
		);
	}
	return {
		key: row.key,
		title: row.title,
		description: row.description,
		source: row.source,
		sourceUrl: row.source_url,
		licence: row.licence,
		vintage: row.vintage,
		provenance: row.provenance as Provenance,
		method: row.method
	};
}

/** Every version of a dataset, newest first. Throws a DatasetVersionError for an unknown key. */
export async function listVersions(db: Executor, datasetKey: string): Promise<VersionInfo[]> {
	await findDataset(db, datasetKey);
	return (await versionRows(db, datasetKey)).map(toVersionInfo);
}

/** How many versions each dataset has, by key. */
export async function countVersions(db: Executor): Promise<Record<string, number>> {
	const rows = await db
		.selectFrom('dataset_versions')
		.select(['dataset_key', (eb) => eb.fn.countAll<number>().as('n')])
		.groupBy('dataset_key')
		.execute();
	return Object.fromEntries(rows.map((r) => [r.dataset_key, Number(r.n)]));
}

interface VersionRow {
	id: number;
	version: number;
	created_at: string;
	created_by: string;
	file_name: string;
	row_count: number;
	checksum: string;
	is_current: 0 | 1;
	note: string | null;
}

function versionRows(db: Executor, datasetKey: string): Promise<VersionRow[]> {
	return db
		.selectFrom('dataset_versions')
		.where('dataset_key', '=', datasetKey)
		.selectAll()
		.orderBy('version', 'desc')
		.execute();
}

function toVersionInfo(r: VersionRow): VersionInfo {
	return {
		version: r.version,
		createdAt: r.created_at,
		createdBy: r.created_by,
		fileName: r.file_name,
		rowCount: r.row_count,
		checksum: r.checksum,
		isCurrent: r.is_current === 1,
		note: r.note
	};
}

function versionRange(rows: readonly VersionRow[]): string {
	const numbers = rows.map((r) => r.version).sort((a, b) => a - b);
	if (numbers.length === 0) return 'it has no versions';
	if (numbers.length === 1) return `its only version is ${numbers[0]}`;
	return `its versions are ${numbers[0]} to ${numbers.at(-1)}`;
}

function findVersion(
	rows: readonly VersionRow[],
	dataset: DatasetSummary,
	version: number
): VersionRow {
	const row = rows.find((r) => r.version === version);
	if (!row)
		throw new DatasetVersionError(
			'unknown-version',
			`${dataset.title} has no version ${version}: ${versionRange(rows)}`
		);
	return row;
}

/** A dataset with rows but none in VERSIONED_TABLES is reference data loaded once at seeding. */
async function assertRowsKept(db: Executor, dataset: DatasetSummary, row: VersionRow) {
	if (row.row_count === 0) return;
	const stored = await storedRowCounts(db, row.id);
	if (Object.values(stored).some((n) => n > 0)) return;
	throw new DatasetVersionError(
		'not-kept',
		`${dataset.title} is reference data loaded from data/ when the database is made; its rows are not kept per version, so versions cannot be compared or rolled back`
	);
}

/**
 * The versions whose rows are kept (so they can be compared and rolled back to): those with rows in
 * VERSIONED_TABLES, and those with none to keep. Reference geography has neither.
 */
export async function versionsKeepingRows(db: Executor, datasetKey: string): Promise<Set<number>> {
	const rows = await versionRows(db, datasetKey);
	const kept = new Set(rows.filter((r) => r.row_count === 0).map((r) => r.version));
	const byId = new Map(rows.map((r) => [r.id, r.version]));
	if (rows.length === 0) return kept;
	for (const t of VERSIONED_TABLES) {
		const { rows: found } = await sql<{
			id: number;
		}>`select distinct ${sql.ref(t.versionColumn)} as id
			from ${sql.table(t.table)} where ${sql.ref(t.versionColumn)} in (${sql.join([...byId.keys()])})`.execute(
			db
		);
		for (const f of found) kept.add(byId.get(f.id)!);
	}
	return kept;
}

/** Rows each versioned table holds for one version id. */
async function storedRowCounts(db: Executor, versionId: number): Promise<Record<string, number>> {
	const counts: Record<string, number> = {};
	for (const t of VERSIONED_TABLES) {
		const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(t.table)}
			where ${sql.ref(t.versionColumn)} = ${versionId}`.execute(db);
		counts[t.table] = Number(rows[0]?.n ?? 0);
	}
	return counts;
}

// ---------------------------------------------------------------------------------------------
// Comparison

export interface RowRef {
	/** the table the row is in */
	table: string;
	noun: string;
	/** the row key: a service's reference, a caseload's PDU code, a need share's scope / category */
	key: string;
	label: string | null;
}

export interface FieldChange {
	field: string;
	before: string | null;
	after: string | null;
}

export interface ChangedRow extends RowRef {
	changes: FieldChange[];
}

export interface VersionComparison {
	dataset: DatasetSummary;
	from: VersionInfo;
	to: VersionInfo;
	/** in `to`, not in `from` */
	added: RowRef[];
	changed: ChangedRow[];
	/** in `from`, not in `to` */
	removed: RowRef[];
	unchanged: RowRef[];
}

interface ComparedRow {
	ref: RowRef;
	/** per field (the table's columns, then its children): a value, or a child table's sorted values */
	values: unknown[];
	/** the values as one string: equal fingerprints, unchanged row */
	fingerprint: string;
}

const collator = new Intl.Collator('en-GB', { numeric: true });

/**
 * What changed from version `a` to version `b` of a dataset: the rows added, changed (with each
 * field's value before and after) and removed, and those unchanged, by row key. A row is compared by
 * a fingerprint of its stored columns and its child rows (categories, areas, subcontractors, sites),
 * so ids and the version a row was written in never count as a change.
 */
export async function compareVersions(
	db: Executor,
	datasetKey: string,
	a: number,
	b: number
): Promise<VersionComparison> {
	const dataset = await findDataset(db, datasetKey);
	const rows = await versionRows(db, datasetKey);
	const from = findVersion(rows, dataset, a);
	const to = findVersion(rows, dataset, b);
	await assertRowsKept(db, dataset, from);
	await assertRowsKept(db, dataset, to);
	const comparison: VersionComparison = {
		dataset,
		from: toVersionInfo(from),
		to: toVersionInfo(to),
		added: [],
		changed: [],
		removed: [],
		unchanged: []
	};
	const lookups = new LookupCache(db);
	for (const table of VERSIONED_TABLES) {
		const before = await loadComparedRows(db, table, from.id, lookups);
		const after = await loadComparedRows(db, table, to.id, lookups);
		const fields = fieldNames(table);
		const keys = [...new Set([...before.keys(), ...after.keys()])].sort(collator.compare);
		for (const key of keys) {
			const old = before.get(key);
			const now = after.get(key);
			if (!old) comparison.added.push(now!.ref);
			else if (!now) comparison.removed.push(old.ref);
			else if (old.fingerprint === now.fingerprint) comparison.unchanged.push(now.ref);
			else
				comparison.changed.push({
					...now.ref,
					changes: fields.flatMap((field, i) => {
						const was = old.values[i];
						const is = now.values[i];
						return JSON.stringify(was) === JSON.stringify(is)
							? []
							: [{ field, before: showField(was), after: showField(is) }];
					})
				});
		}
	}
	return comparison;
}

/** Values from lookup tables, fetched once per value. */
class LookupCache {
	private readonly values = new Map<string, Map<string, string>>();

	constructor(private readonly db: Executor) {}

	async load(lookup: Lookup, keys: Iterable<unknown>): Promise<void> {
		const id = `${lookup.table}.${lookup.key}`;
		const known = this.values.get(id) ?? new Map<string, string>();
		this.values.set(id, known);
		const missing = [...new Set([...keys].filter((k) => k !== null && k !== undefined))].filter(
			(k) => !known.has(String(k))
		);
		for (let i = 0; i < missing.length; i += 500) {
			const chunk = missing.slice(i, i + 500);
			const { rows } = await sql<{ k: unknown; d: unknown }>`select ${sql.ref(lookup.key)} as k,
				${sql.ref(lookup.display)} as d from ${sql.table(lookup.table)}
				where ${sql.ref(lookup.key)} in (${sql.join(chunk)})`.execute(this.db);
			for (const r of rows) known.set(String(r.k), r.d === null ? '' : String(r.d));
		}
	}

	/** The looked-up value, or the stored one when the other row is gone. */
	display(lookup: Lookup, value: unknown): unknown {
		if (value === null || value === undefined) return null;
		return this.values.get(`${lookup.table}.${lookup.key}`)?.get(String(value)) ?? value;
	}
}

type StoredRow = Record<string, unknown>;

function show(value: unknown): string | null {
	return value === null || value === undefined ? null : String(value);
}

/** The rows of one table in one version, by key, each with its fields and fingerprint. */
async function loadComparedRows(
	db: Executor,
	table: VersionedTable,
	versionId: number,
	lookups: LookupCache
): Promise<Map<string, ComparedRow>> {
	const columns = new Set<string>([
		...(table.idColumn ? [table.idColumn] : []),
		...table.key,
		...(table.label ? [table.label.column] : []),
		...table.columns.map((c) => c.column)
	]);
	const onlyOwn = table.comparedWhereNull
		? sql` and ${sql.ref(table.comparedWhereNull)} is null`
		: sql``;
	const { rows } = await sql<StoredRow>`select ${sql.join([...columns].map((c) => sql.ref(c)))}
		from ${sql.table(table.table)} where ${sql.ref(table.versionColumn)} = ${versionId}${onlyOwn}
		order by ${sql.join(table.key.map((c) => sql.ref(c)))}`.execute(db);
	if (rows.length === 0) return new Map();

	// Child rows as text, by parent id: the first column's value, then `label value` for the rest.
	const children: Map<unknown, string[]>[] = [];
	for (const child of table.children ?? []) {
		const { rows: childRows } =
			await sql<StoredRow>`select ${sql.ref(child.parentColumn)} as parent__,
			${sql.join(child.columns.map((c) => sql.ref(c.column)))} from ${sql.table(child.table)}
			where ${sql.ref(child.parentColumn)} in (select ${sql.ref(table.idColumn!)}
				from ${sql.table(table.table)} where ${sql.ref(table.versionColumn)} = ${versionId})`.execute(db);
		for (const c of child.columns)
			if (c.lookup)
				await lookups.load(
					c.lookup,
					childRows.map((r) => r[c.column])
				);
		const byParent = new Map<unknown, string[]>();
		for (const r of childRows) {
			let text = '';
			child.columns.forEach((c, i) => {
				const value = show(c.lookup ? lookups.display(c.lookup, r[c.column]) : r[c.column]);
				if (i === 0) text = value ?? '(none)';
				else if (value !== null) text += ` ${c.label} ${value}`;
			});
			const list = byParent.get(r.parent__);
			if (list) list.push(text);
			else byParent.set(r.parent__, [text]);
		}
		children.push(byParent);
	}
	for (const c of [...table.columns, ...(table.label ? [table.label] : [])])
		if (c.lookup)
			await lookups.load(
				c.lookup,
				rows.map((r) => r[c.column])
			);

	const result = new Map<string, ComparedRow>();
	for (const r of rows) {
		let key = table.key.map((c) => String(r[c] ?? '')).join(' / ');
		// Keys are unique in every shipped table; should one repeat, keep both rows apart.
		for (let n = 2; result.has(key); n++) key = `${key.replace(/ \(\d+\)$/, '')} (${n})`;
		const values: unknown[] = table.columns.map(
			(c) => (c.lookup ? lookups.display(c.lookup, r[c.column]) : r[c.column]) ?? null
		);
		for (const byParent of children) {
			const list = byParent.get(r[table.idColumn!]) ?? [];
			// A set: the same link reached through two copies of the other dataset's row counts once.
			values.push(list.length > 1 ? [...new Set(list)].sort(collator.compare) : list);
		}
		const label = table.label
			? show(
					table.label.lookup
						? lookups.display(table.label.lookup, r[table.label.column])
						: r[table.label.column]
				)
			: null;
		result.set(key, {
			ref: { table: table.table, noun: table.noun, key, label },
			values,
			fingerprint: JSON.stringify(values)
		});
	}
	return result;
}

/** The names of a table's compared fields, in the order of ComparedRow.values. */
function fieldNames(table: VersionedTable): string[] {
	return [...table.columns.map((c) => c.label), ...(table.children ?? []).map((c) => c.field)];
}

/** A field's value for people: a child table's values joined with '; ', null when there are none. */
function showField(value: unknown): string | null {
	if (Array.isArray(value)) return value.length ? value.join('; ') : null;
	return show(value);
}

// ---------------------------------------------------------------------------------------------
// Rollback

export interface RollbackOptions {
	/** who asked, for the history */
	createdBy: string;
	now?: Date;
}

export interface RollbackResult {
	datasetKey: string;
	title: string;
	/** the new current version */
	version: number;
	/** the version whose rows it copies */
	rolledBackTo: number;
	/** the version that was current before */
	previousVersion: number;
	rowCount: number;
	/** rows copied, by table */
	copied: Record<string, number>;
	note: string;
}

/** At most this many characters of a name are kept in the history. */
export const MAX_USER_NAME = 100;

/**
 * Make version `version` current again by adding a new version (N+1) whose rows are a copy of
 * it: the file name, row count and checksum are version k's, so re-importing its file is a no-op.
 * Child rows point at the copies. All in one transaction; no version or row is changed or
 * removed, so history stays append-only and a rollback can itself be rolled back.
 */
export async function rollbackTo(
	db: DB,
	datasetKey: string,
	version: number,
	options: RollbackOptions
): Promise<RollbackResult> {
	const who = collapseSpaces(options.createdBy).slice(0, MAX_USER_NAME);
	if (!who) throw new Error('Say who is rolling back, for the version history');
	const now = (options.now ?? new Date()).toISOString();
	return versionChangingTransaction(db, async (trx) => {
		// Before reading which version is current: another instance may be importing.
		await lockDatasetVersions(trx);
		const dataset = await findDataset(trx, datasetKey);
		const rows = await versionRows(trx, datasetKey);
		const target = findVersion(rows, dataset, version);
		const current = rows.find((r) => r.is_current === 1);
		if (target.is_current === 1)
			throw new DatasetVersionError(
				'current-version',
				`Version ${version} is already the current version of ${dataset.title}, so there is nothing to roll back. Choose an earlier version`
			);
		await assertRowsKept(trx, dataset, target);
		await assertUniqueKeys(trx, dataset, target.id);
		const stored = await storedRowCounts(trx, target.id);
		const note = `Rolled back to version ${version} by ${who}`;
		const created = await createDatasetVersion(trx, {
			datasetKey,
			datasetTitle: dataset.title,
			description: dataset.description,
			provenance: dataset.provenance,
			fileName: target.file_name,
			checksum: target.checksum,
			rowCount: target.row_count,
			createdBy: who,
			createdAt: now,
			note
		});
		const copied = await copyRows(trx, target.id, created.id);
		await copySharedByRows(trx, target.id, created.id);
		for (const t of VERSIONED_TABLES)
			if ((copied[t.table] ?? 0) !== (stored[t.table] ?? 0))
				throw new Error(
					`Rollback copied ${copied[t.table]} of ${stored[t.table]} rows of ${t.table}; nothing was changed`
				);
		return {
			datasetKey,
			title: dataset.title,
			version: created.version,
			rolledBackTo: version,
			previousVersion: current?.version ?? 0,
			rowCount: target.row_count,
			copied,
			note
		};
	});
}

/**
 * What the copied rows share, kept on their version: imported services store '' for the provenance
 * note they share and their source records as values in the order of the version's source columns.
 */
async function copySharedByRows(trx: Transaction<Database>, fromId: number, toId: number) {
	const shared = await trx
		.selectFrom('dataset_versions')
		.where('id', '=', fromId)
		.select(['provenance_note', 'source_columns'])
		.executeTakeFirstOrThrow();
	await trx.updateTable('dataset_versions').set(shared).where('id', '=', toId).execute();
}

/** Child rows are matched to the copies by key, so a key must not repeat within a version. */
async function assertUniqueKeys(trx: Executor, dataset: DatasetSummary, versionId: number) {
	for (const t of VERSIONED_TABLES) {
		if (!t.idColumn) continue;
		const keys = sql.join(t.key.map((c) => sql.ref(c)));
		const { rows } = await sql<StoredRow>`select ${keys} from ${sql.table(t.table)}
			where ${sql.ref(t.versionColumn)} = ${versionId} group by ${keys} having count(*) > 1
			limit 1`.execute(trx);
		if (rows[0])
			throw new DatasetVersionError(
				'not-kept',
				`${dataset.title} cannot be rolled back to this version: two ${t.noun} rows share the key '${t.key.map((c) => String(rows[0]![c])).join(' / ')}'`
			);
	}
}

async function columnsOf(trx: Executor, table: string): Promise<string[]> {
	const { rows } =
		engineOf(trx) === 'postgres'
			? await sql<{ name: string }>`select column_name as name from information_schema.columns
				where table_schema = current_schema() and table_name = ${table}
				order by ordinal_position`.execute(trx)
			: await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(trx);
	if (rows.length === 0) throw new Error(`No table ${table}`);
	return rows.map((r) => r.name);
}

/** Tables with no version column of their own, copied with their parent rows (a service's categories). */
function childTablesToCopy(): Map<string, { column: string; parent: VersionedTable }[]> {
	const versioned = new Set(VERSIONED_TABLES.map((t) => t.table));
	const copies = new Map<string, { column: string; parent: VersionedTable }[]>();
	for (const parent of VERSIONED_TABLES)
		for (const child of parent.children ?? []) {
			if (versioned.has(child.table)) continue;
			const list = copies.get(child.table) ?? [];
			if (!list.some((c) => c.column === child.parentColumn))
				list.push({ column: child.parentColumn, parent });
			copies.set(child.table, list);
		}
	return copies;
}

/**
 * The id of the copy of the row `src.<column>` points at, when that row is in the old version of
 * `parent`; else the stored id (a row of another dataset, or null).
 */
function remapped(column: string, parent: VersionedTable, oldId: number, newId: number) {
	const id = parent.idColumn!;
	const sameKey = sql.join(
		parent.key.map((k) => sql`n.${sql.ref(k)} = o.${sql.ref(k)}`),
		sql` and `
	);
	return sql`coalesce((select n.${sql.ref(id)} from ${sql.table(parent.table)} as o
		join ${sql.table(parent.table)} as n on ${sameKey} and n.${sql.ref(parent.versionColumn)} = ${newId}
		where o.${sql.ref(id)} = src.${sql.ref(column)} and o.${sql.ref(parent.versionColumn)} = ${oldId}),
		src.${sql.ref(column)})`;
}

/** Copy every row of version `oldId` into version `newId` with INSERT … SELECT; rows per table. */
async function copyRows(
	trx: Transaction<Database>,
	oldId: number,
	newId: number
): Promise<Record<string, number>> {
	const byName = new Map(VERSIONED_TABLES.map((t) => [t.table, t]));
	const copied: Record<string, number> = {};
	for (const t of VERSIONED_TABLES) {
		const columns = (await columnsOf(trx, t.table)).filter((c) => c !== t.idColumn);
		const values = columns.map((c) => {
			if (c === t.versionColumn) return sql`${newId}`;
			const ref = t.references?.find((r) => r.column === c);
			return ref ? remapped(c, byName.get(ref.table)!, oldId, newId) : sql`src.${sql.ref(c)}`;
		});
		const order = t.idColumn ? sql` order by src.${sql.ref(t.idColumn)}` : sql``;
		const result = await sql`insert into ${sql.table(t.table)}
			(${sql.join(columns.map((c) => sql.ref(c)))})
			select ${sql.join(values)} from ${sql.table(t.table)} as src
			where src.${sql.ref(t.versionColumn)} = ${oldId}${order}`.execute(trx);
		copied[t.table] = Number(result.numAffectedRows ?? 0);
	}
	for (const [table, parents] of childTablesToCopy()) {
		const columns = await columnsOf(trx, table);
		const values = columns.map((c) => {
			const p = parents.find((x) => x.column === c);
			return p ? remapped(c, p.parent, oldId, newId) : sql`src.${sql.ref(c)}`;
		});
		const inOldVersion = sql.join(
			parents.map(
				({ column, parent }) => sql`src.${sql.ref(column)} in (select ${sql.ref(parent.idColumn!)}
					from ${sql.table(parent.table)} where ${sql.ref(parent.versionColumn)} = ${oldId})`
			),
			sql` or `
		);
		const result = await sql`insert into ${sql.table(table)}
			(${sql.join(columns.map((c) => sql.ref(c)))})
			select ${sql.join(values)} from ${sql.table(table)} as src where ${inOldVersion}`.execute(trx);
		copied[table] = Number(result.numAffectedRows ?? 0);
	}
	return copied;
}
