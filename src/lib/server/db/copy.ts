import crypto from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { checkReadiness } from '../health';
import { engineOf } from './engine';
import { migrateToLatest, type DB } from './index';

/**
 * `landscape db copy --from A --to B`: every row of every table of one Landscape database into a new,
 * empty one, on either engine (a local planner's SQLite file into a shared PostgreSQL deployment,
 * or back): data, dataset versions, scenarios and their versions, people, sessions and the audit
 * log. The target is migrated first and must hold nothing; the copy is one transaction on it, so
 * it is all or nothing; the source is read in one transaction too, so a running app's writes never
 * give a half-old copy. Then it is verified: each table's row count and a checksum of its rows,
 * taken of what was read from the source and of what the target holds after the commit, must agree.
 */

export class CopyError extends Error {
	override name = 'CopyError';
}

export interface CopiedTable {
	table: string;
	rows: number;
	/** sha256 of the sorted row digests: independent of row order, which the engines may differ on */
	checksum: string;
}

export interface CopyReport {
	tables: CopiedTable[];
	rows: number;
}

export interface CopyOptions {
	/** rows read (and written) at a time */
	pageRows?: number;
	/** after each table */
	onTable?: (table: CopiedTable) => void;
}

type AnyDb = Kysely<Record<string, Record<string, unknown>>>;
type Row = Record<string, unknown>;

/** Bound parameters one INSERT may carry: within SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMETERS = 30_000;

/** Copy `source` into `target` (see the module comment); throws CopyError, naming what is wrong. */
export async function copyDatabase(
	source: DB,
	target: DB,
	options: CopyOptions = {}
): Promise<CopyReport> {
	const pageRows = options.pageRows ?? 5000;
	const from = source as unknown as AnyDb;
	const to = target as unknown as AnyDb;

	const readiness = await checkReadiness(source);
	if (readiness.database !== 'reachable')
		throw new CopyError(`The source database cannot be read: ${readiness.detail ?? 'unreachable'}`);
	if (readiness.pendingMigrations.length > 0)
		throw new CopyError(
			`The source database is not up to date (migrations not yet run: ${readiness.pendingMigrations.join(', ')}). ` +
				'Run `npm run landscape -- db migrate --database <source>` first, then copy again'
		);
	await migrateToLatest(target);

	const tables = await tablesOf(from);
	const targetTables = await tablesOf(to);
	const differences = schemaDifferences(tables, targetTables);
	if (differences.length)
		throw new CopyError(`The two databases' tables differ: ${differences.join('; ')}`);
	const occupied: string[] = [];
	for (const table of tables.keys()) if ((await countRows(to, table)) > 0) occupied.push(table);
	if (occupied.length)
		throw new CopyError(
			`The target database already holds data (in ${occupied.join(', ')}). Copy into a new, empty database: nothing already there is overwritten`
		);

	const order = dependencyOrder([...tables.keys()], await foreignKeysOf(from));
	const keys = new Map<string, string[]>();
	for (const table of order) keys.set(table, await primaryKeyOf(from, table));

	const copied: CopiedTable[] = [];
	await to.transaction().execute(async (write) => {
		// Loaded as pg_restore loads: rows first, then the indexes and foreign keys, each built once
		// over the whole table (and checked, for the keys) rather than row by row.
		const rebuild = await setAsideIndexesAndForeignKeys(write as unknown as AnyDb);
		await readSnapshot(from, async (read) => {
			for (const table of order) {
				const columns = tables.get(table)!;
				const digests: string[] = [];
				for await (const page of pages(read, table, columns, keys.get(table)!, pageRows)) {
					for (const row of page) digests.push(rowDigest(row, columns));
					await insertRows(write, table, columns, page);
				}
				const result = { table, rows: digests.length, checksum: checksumOf(digests) };
				copied.push(result);
				options.onTable?.(result);
			}
			await restartKeyNumbering(write as unknown as Transaction<never>, order, keys);
		});
		await rebuild();
	});

	// Verified against what the target holds once committed.
	const mismatched: string[] = [];
	for (const expected of copied) {
		const columns = tables.get(expected.table)!;
		const digests: string[] = [];
		for await (const page of pages(
			to,
			expected.table,
			columns,
			keys.get(expected.table)!,
			pageRows
		))
			for (const row of page) digests.push(rowDigest(row, columns));
		const actual = checksumOf(digests);
		if (digests.length !== expected.rows || actual !== expected.checksum)
			mismatched.push(
				`${expected.table} (${expected.rows} rows read, ${digests.length} in the target${actual === expected.checksum ? '' : ', checksums differ'})`
			);
	}
	if (mismatched.length)
		throw new CopyError(
			`The copy does not match its source: ${mismatched.join('; ')}. Drop the target database and copy again`
		);
	return { tables: copied, rows: copied.reduce((n, t) => n + t.rows, 0) };
}

/** Table name → column names (sorted), leaving out kysely's migration bookkeeping. */
async function tablesOf(db: AnyDb): Promise<Map<string, string[]>> {
	const tables = await db.introspection.getTables();
	return new Map(
		tables
			.filter((t) => !t.isView && !t.name.startsWith('kysely_'))
			.map((t) => [t.name, t.columns.map((c) => c.name).sort()] as const)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
	);
}

function schemaDifferences(a: Map<string, string[]>, b: Map<string, string[]>): string[] {
	const problems: string[] = [];
	for (const [table, columns] of a) {
		const other = b.get(table);
		if (!other) problems.push(`${table} is only in the source`);
		else if (columns.join() !== other.join())
			problems.push(
				`${table} has columns ${columns.join(', ')} in the source but ${other.join(', ')} in the target`
			);
	}
	for (const table of b.keys()) if (!a.has(table)) problems.push(`${table} is only in the target`);
	return problems;
}

async function countRows(db: AnyDb, table: string): Promise<number> {
	const { n } = await db
		.selectFrom(table)
		.select((eb) => eb.fn.countAll().as('n'))
		.executeTakeFirstOrThrow();
	return Number(n);
}

/** [child, parent] for every foreign key. */
async function foreignKeysOf(db: AnyDb): Promise<[string, string][]> {
	if (engineOf(db) === 'postgres') {
		const { rows } = await sql<{ child: string; parent: string }>`
			select distinct tc.table_name as child, ccu.table_name as parent
			from information_schema.table_constraints tc
			join information_schema.constraint_column_usage ccu
				on ccu.constraint_name = tc.constraint_name and ccu.constraint_schema = tc.constraint_schema
			where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema()`.execute(db);
		return rows.map((r) => [r.child, r.parent]);
	}
	const { rows } = await sql<{ child: string; parent: string }>`
		select distinct m.name as child, f."table" as parent
		from sqlite_master m, pragma_foreign_key_list(m.name) f
		where m.type = 'table'`.execute(db);
	return rows.map((r) => [r.child, r.parent]);
}

/** Tables ordered so each comes after the tables it refers to (then by name). */
export function dependencyOrder(tables: string[], foreignKeys: [string, string][]): string[] {
	const parents = new Map(tables.map((t) => [t, new Set<string>()]));
	for (const [child, parent] of foreignKeys)
		if (child !== parent && parents.has(child) && parents.has(parent))
			parents.get(child)!.add(parent);
	const order: string[] = [];
	const placed = new Set<string>();
	while (order.length < tables.length) {
		const ready = [...parents.keys()]
			.filter((t) => !placed.has(t) && [...parents.get(t)!].every((p) => placed.has(p)))
			.sort();
		if (ready.length === 0)
			throw new CopyError(
				`The tables refer to each other in a circle (${[...parents.keys()].filter((t) => !placed.has(t)).join(', ')}), so they cannot be copied in order`
			);
		for (const t of ready) {
			order.push(t);
			placed.add(t);
		}
	}
	return order;
}

/** The primary key's columns, in key order; empty when the table has none. */
async function primaryKeyOf(db: AnyDb, table: string): Promise<string[]> {
	if (engineOf(db) === 'postgres') {
		const { rows } = await sql<{ name: string }>`
			select kcu.column_name as name
			from information_schema.table_constraints tc
			join information_schema.key_column_usage kcu
				on kcu.constraint_name = tc.constraint_name and kcu.constraint_schema = tc.constraint_schema
			where tc.constraint_type = 'PRIMARY KEY' and tc.table_schema = current_schema()
				and tc.table_name = ${table}
			order by kcu.ordinal_position`.execute(db);
		return rows.map((r) => r.name);
	}
	const { rows } = await sql<{ name: string; pk: number }>`
		select name, pk from pragma_table_info(${table}) where pk > 0 order by pk`.execute(db);
	return rows.map((r) => r.name);
}

/**
 * On PostgreSQL, drop the target's foreign keys and its indexes other than primary keys and unique
 * constraints (all still empty), and return what puts them back exactly as they were. SQLite: none.
 */
async function setAsideIndexesAndForeignKeys(db: AnyDb): Promise<() => Promise<void>> {
	if (engineOf(db) !== 'postgres') return async () => {};
	const { rows: keys } = await sql<{ table: string; name: string; definition: string }>`
		select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as definition
		from pg_constraint
		where contype = 'f' and connamespace = current_schema()::regnamespace
		order by conname`.execute(db);
	const { rows: indexes } = await sql<{ name: string; definition: string }>`
		select i.indexname as name, i.indexdef as definition
		from pg_indexes i
		where i.schemaname = current_schema()
			and not exists (select 1 from pg_constraint c where c.conname = i.indexname
				and c.connamespace = current_schema()::regnamespace)
		order by i.indexname`.execute(db);
	for (const k of keys)
		await sql`alter table ${sql.raw(k.table)} drop constraint ${sql.ref(k.name)}`.execute(db);
	for (const i of indexes) await sql`drop index ${sql.ref(i.name)}`.execute(db);
	return async () => {
		for (const i of indexes) await sql.raw(i.definition).execute(db);
		for (const k of keys)
			await sql`alter table ${sql.raw(k.table)} add constraint ${sql.ref(k.name)} ${sql.raw(k.definition)}`.execute(
				db
			);
	};
}

/** Run `read` in a transaction that sees one moment of the source, whatever else writes to it. */
async function readSnapshot(db: AnyDb, read: (trx: Transaction<never>) => Promise<void>) {
	const transaction =
		engineOf(db) === 'postgres'
			? db.transaction().setIsolationLevel('repeatable read')
			: db.transaction();
	await transaction.execute((trx) => read(trx as unknown as Transaction<never>));
}

/**
 * A table's rows a page at a time: after the last key read when it has a primary key (any size of
 * table), else ordered by every column with an offset (small tables of facts).
 */
async function* pages(
	db: AnyDb | Transaction<never>,
	table: string,
	columns: string[],
	key: string[],
	pageRows: number
): AsyncGenerator<Row[]> {
	const q = db as unknown as AnyDb;
	let last: Row | undefined;
	for (let offset = 0; ; offset += pageRows) {
		let query = q.selectFrom(table).select(columns).limit(pageRows);
		if (key.length > 0) {
			for (const k of key) query = query.orderBy(k);
			if (last) {
				const after = last;
				query =
					key.length === 1
						? query.where(key[0]!, '>', after[key[0]!] as never)
						: query.where(({ eb, refTuple, tuple }) =>
								eb(
									refTuple(...(key as [string, string])),
									'>',
									tuple(...(key.map((k) => after[k]) as [never, never]))
								)
							);
			}
		} else {
			for (const c of columns) query = query.orderBy(c);
			query = query.offset(offset);
		}
		const rows = (await query.execute()) as Row[];
		if (rows.length === 0) return;
		yield rows;
		if (rows.length < pageRows) return;
		last = rows.at(-1);
	}
}

async function insertRows(
	write: AnyDb | Transaction<never>,
	table: string,
	columns: string[],
	rows: Row[]
) {
	const db = write as unknown as AnyDb;
	if (engineOf(db) === 'postgres') {
		// One parameter a page: PostgreSQL reads the rows out of JSON itself, far faster than it parses
		// an INSERT with tens of thousands of bound values (which kysely would first have to build).
		const list = sql.join(columns.map((c) => sql.ref(c)));
		const json = JSON.stringify(rows.map((r) => pick(r, columns)));
		await sql`insert into ${sql.table(table)} (${list})
			select ${list} from json_populate_recordset(null::${sql.table(table)}, ${json}::json)`.execute(db);
		return;
	}
	const per = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
	for (let i = 0; i < rows.length; i += per)
		await db
			.insertInto(table)
			.values(rows.slice(i, i + per).map((r) => pick(r, columns)))
			.execute();
}

function pick(row: Row, columns: string[]): Row {
	return Object.fromEntries(columns.map((c) => [c, portable(row[c])]));
}

/** Values as both engines store them: Buffers stay bytes, big integers become numbers. */
function portable(value: unknown): unknown {
	return typeof value === 'bigint' ? Number(value) : value;
}

/**
 * PostgreSQL numbers identity keys from a sequence, which an insert with explicit keys does not
 * move: restart each after the highest key copied, so the next new row gets a new number. (SQLite
 * moves its own `sqlite_sequence` as rows are inserted.)
 */
async function restartKeyNumbering(
	write: Transaction<never>,
	tables: string[],
	keys: Map<string, string[]>
) {
	const db = write as unknown as AnyDb;
	if (engineOf(db) !== 'postgres') return;
	for (const table of tables) {
		const key = keys.get(table)!;
		if (key.length !== 1) continue;
		const column = key[0]!;
		const { rows } = await sql<{
			seq: string | null;
		}>`select pg_get_serial_sequence(${table}, ${column}) as seq`.execute(db);
		const sequence = rows[0]?.seq;
		if (!sequence) continue; // not a numbered key (a region's code, say)
		await sql`select setval(${sequence}::regclass,
			coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 0) + 1, false)`.execute(db);
	}
}

/** A row's digest: its values by column name, numbers as numbers, so both engines agree. */
function rowDigest(row: Row, columns: string[]): string {
	const values = columns.map((c) => {
		const v = row[c];
		if (typeof v === 'bigint') return Number(v);
		if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('base64') };
		return v ?? null;
	});
	return crypto.createHash('sha1').update(JSON.stringify(values)).digest('base64');
}

function checksumOf(digests: string[]): string {
	const hash = crypto.createHash('sha256');
	for (const d of [...digests].sort()) hash.update(d);
	return hash.digest('hex');
}
