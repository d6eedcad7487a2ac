import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
	Kysely,
	PostgresDialect,
	sql,
	type PostgresPool,
	type PostgresPoolClient,
	type Transaction
} from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { checkReadiness } from '../health';
import { binaryCopy, UncopyableValue } from './copy-binary';
import { engineOf } from './engine';
import { migrateToLatest, postgresPoolOf, sqliteConnectionOf, type DB } from './index';

/**
 * `landscape db copy --from A --to B`: every row of every table of one Landscape database into a new,
 * empty one, on either engine (a local planner's SQLite file into a shared PostgreSQL deployment,
 * or back): data, dataset versions, scenarios and their versions, people, sessions and the audit
 * log. The target is migrated first and must hold nothing; the copy is one transaction on it, so
 * it is all or nothing; the source is read in one transaction too, so a running app's writes never
 * give a half-old copy. Before that transaction commits, the copy is verified: each table's row
 * count and a checksum of its rows, taken of what was read from the source and of what the target
 * then holds, must agree, else nothing is kept.
 *
 * Into PostgreSQL the rows go by COPY (what pg_restore does); the target's checksums are computed by
 * PostgreSQL itself, one aggregate query a table, so nothing is read back into Node.
 */

export class CopyError extends Error {
	override name = 'CopyError';
}

export interface CopiedTable {
	table: string;
	rows: number;
	/**
	 * The sum (per 32-bit lane, modulo 2^32) of the md5 digests of the rows, each as the target takes
	 * it: into PostgreSQL, its bytes in binary COPY; into SQLite, `canonicalRow`. A sum does not
	 * depend on row order, which the engines may differ on.
	 */
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

/** What a column holds, as far as copying and checksums go: both engines store each the same way. */
type Kind = 'integer' | 'float' | 'text';

interface Column {
	name: string;
	kind: Kind;
	/** as the engine names it (PostgreSQL's: int4, float8, text…) */
	type: string;
}

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
	await inTargetTransaction(target, async (write, loader) => {
		// Loaded as pg_restore loads: rows first, then the indexes and foreign keys, each built once
		// over the whole table (and checked, for the keys) rather than row by row. On PostgreSQL a
		// table's are built as soon as it holds its rows (the tables it refers to come before it), in
		// turn on the connection, while this process reads the next table.
		const rebuild = await setAsideIndexesAndForeignKeys(write);
		const rebuilt: Promise<void>[] = [];
		const checks: Promise<string | undefined>[] = [];
		await readSnapshot(from, async (read) => {
			for (const table of order) {
				const columns = tables.get(table)!;
				const key = keys.get(table)!;
				const checksum = new TableChecksum(columns);
				// (The target's columns: the same names and kinds, with the target's own types.)
				const into = targetTables.get(table)!;
				await loader.load(
					table,
					into,
					tableRows(source, read, table, columns, key, pageRows),
					checksum
				);
				const result = { table, rows: checksum.rows, checksum: checksum.value() };
				copied.push(result);
				options.onTable?.(result);
				rebuilt.push(unhandledUntilAwaited(rebuild.table(table)));
				// Checked in the same transaction, so a copy that does not match is never committed. On
				// PostgreSQL the check waits its turn on the connection, after the table's COPY, while the
				// next table is read; SQLite's is read back at once, on the connection the next is written on.
				const check = unhandledUntilAwaited(
					mismatchOf(result, targetChecksum(target, write, table, into, key, pageRows))
				);
				checks.push(check);
				if (engineOf(write) !== 'postgres') await check;
			}
		});
		await loader.written();
		await Promise.all(rebuilt);
		await rebuild.rest();
		await restartKeyNumbering(write, order, keys);
		const mismatched = (await Promise.all(checks)).filter((m) => m !== undefined);
		if (mismatched.length)
			throw new CopyError(
				`The copy does not match its source: ${mismatched.join('; ')}. Nothing was kept: the target is as empty as before`
			);
	});
	return { tables: copied, rows: copied.reduce((n, t) => n + t.rows, 0) };
}

/** How a table differs from what was read of it, or undefined. */
async function mismatchOf(
	expected: CopiedTable,
	target: Promise<{ rows: number; checksum: string }>
): Promise<string | undefined> {
	return target.then((actual) =>
		actual.rows === expected.rows && actual.checksum === expected.checksum
			? undefined
			: `${expected.table} (${expected.rows} rows read, ${actual.rows} in the target${actual.checksum === expected.checksum ? '' : ', checksums differ'})`
	);
}

/**
 * `promise`, awaited later: a failure meanwhile is not an unhandled rejection (the copy stops at the
 * first failure it awaits, and reports that one).
 */
function unhandledUntilAwaited<T>(promise: Promise<T>): Promise<T> {
	promise.catch(() => {});
	return promise;
}

/** Table name → its columns (sorted by name), leaving out kysely's migration bookkeeping. */
async function tablesOf(db: AnyDb): Promise<Map<string, Column[]>> {
	const engine = engineOf(db);
	const tables = (await db.introspection.getTables())
		.filter((t) => !t.isView && !t.name.startsWith('kysely_'))
		.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	const columns = new Map<string, Column[]>();
	for (const t of tables) {
		const sorted = t.columns.map((c) => c.name).sort();
		columns.set(
			t.name,
			sorted.map((name) => {
				const type = t.columns.find((c) => c.name === name)!.dataType;
				const kind = kindOf(engine, type);
				if (!kind)
					throw new CopyError(
						`${t.name}.${name} has type ${type}, which db copy does not know how to copy`
					);
				return { name, kind, type };
			})
		);
	}
	return columns;
}

/** PostgreSQL's type names as kysely gives them; SQLite by its type affinity rules. */
const POSTGRES_KINDS: Record<string, Kind> = {
	int2: 'integer',
	int4: 'integer',
	int8: 'integer',
	float4: 'float',
	float8: 'float',
	text: 'text',
	varchar: 'text'
};

function kindOf(engine: 'sqlite' | 'postgres', type: string): Kind | undefined {
	if (engine === 'postgres') return POSTGRES_KINDS[type];
	const t = type.toLowerCase();
	if (t.includes('int')) return 'integer';
	if (/char|clob|text/.test(t)) return 'text';
	if (/real|floa|doub/.test(t)) return 'float';
	return undefined;
}

function schemaDifferences(a: Map<string, Column[]>, b: Map<string, Column[]>): string[] {
	const problems: string[] = [];
	const describe = (columns: Column[]) => columns.map((c) => `${c.name} ${c.kind}`).join(', ');
	for (const [table, columns] of a) {
		const other = b.get(table);
		if (!other) problems.push(`${table} is only in the source`);
		else if (describe(columns) !== describe(other))
			problems.push(
				`${table} has columns ${describe(columns)} in the source but ${describe(other)} in the target`
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

/** Puts back what `setAsideIndexesAndForeignKeys` set aside. */
interface Rebuild {
	/** A table's indexes and foreign keys, once it and the tables it refers to hold their rows. */
	table(name: string): Promise<void>;
	/** Whatever is left. */
	rest(): Promise<void>;
}

/**
 * On PostgreSQL, drop the target's foreign keys and its indexes other than primary keys and unique
 * constraints (all still empty), and return what puts them back exactly as they were. SQLite: none.
 */
async function setAsideIndexesAndForeignKeys(db: AnyDb): Promise<Rebuild> {
	if (engineOf(db) !== 'postgres') return { table: async () => {}, rest: async () => {} };
	const { rows: keys } = await sql<{ table: string; name: string; definition: string }>`
		select c.relname as table, k.conname as name, pg_get_constraintdef(k.oid) as definition
		from pg_constraint k join pg_class c on c.oid = k.conrelid
		where k.contype = 'f' and k.connamespace = current_schema()::regnamespace
		order by k.conname`.execute(db);
	const { rows: indexes } = await sql<{ table: string; name: string; definition: string }>`
		select i.tablename as table, i.indexname as name, i.indexdef as definition
		from pg_indexes i
		where i.schemaname = current_schema()
			and not exists (select 1 from pg_constraint c where c.conname = i.indexname
				and c.connamespace = current_schema()::regnamespace)
		order by i.indexname`.execute(db);
	for (const k of keys)
		await sql`alter table ${sql.table(k.table)} drop constraint ${sql.ref(k.name)}`.execute(db);
	for (const i of indexes) await sql`drop index ${sql.ref(i.name)}`.execute(db);
	const restored = new Set<string>();
	const restore = async (table?: string) => {
		const mine = <T extends { table: string }>(all: T[]) =>
			all.filter((x) => (table === undefined || x.table === table) && !restored.has(x.table));
		for (const i of mine(indexes)) await sql.raw(i.definition).execute(db);
		for (const k of mine(keys))
			await sql`alter table ${sql.table(k.table)} add constraint ${sql.ref(k.name)} ${sql.raw(k.definition)}`.execute(
				db
			);
		if (table !== undefined) restored.add(table);
	};
	return { table: (name) => restore(name), rest: () => restore() };
}

/** Run `read` in a transaction that sees one moment of the source, whatever else writes to it. */
async function readSnapshot(db: AnyDb, read: (trx: Transaction<never>) => Promise<void>) {
	const transaction =
		engineOf(db) === 'postgres'
			? db.transaction().setIsolationLevel('repeatable read')
			: db.transaction();
	await transaction.execute((trx) => read(trx as unknown as Transaction<never>));
}

/** Rows in batches, each row its values in the order of the table's (sorted) columns. */
type Batches = AsyncIterable<unknown[][]>;

/** How a table's rows go into the target, within its transaction. */
interface Loader {
	/**
	 * Hand a table's rows to the target, each added to `checksum` as the target takes it; resolves
	 * once they have all been read. Into PostgreSQL they may still be on their way, and the next
	 * table's rows are read meanwhile.
	 */
	load(table: string, columns: Column[], rows: Batches, checksum: TableChecksum): Promise<void>;
	/** Resolves once every row handed over is written; rejects with the first failure. */
	written(): Promise<void>;
}

/**
 * Run `copy` in one transaction on the target, with the way to load a table's rows into it: COPY on
 * PostgreSQL, which needs the pg connection itself, so the transaction runs on one connection held
 * from the pool for it; batched INSERTs otherwise.
 */
async function inTargetTransaction(
	target: DB,
	copy: (write: AnyDb, loader: Loader) => Promise<void>
) {
	const pool = postgresPoolOf(target);
	if (!pool) {
		await (target as unknown as AnyDb).transaction().execute((trx) =>
			copy(trx, {
				load: (table, columns, rows, checksum) =>
					insertAll(trx, table, columns, checksum.tap(rows)),
				written: async () => {}
			})
		);
		return;
	}
	const client = await pool.connect();
	const onClient = new Kysely<Record<string, Record<string, unknown>>>({
		dialect: new PostgresDialect({ pool: heldConnection(client) })
	});
	let failure: Error | undefined;
	try {
		await onClient.transaction().execute((trx) => copy(trx, copyLoader(client)));
	} catch (caught) {
		failure = caught instanceof Error ? caught : new Error(String(caught));
		throw caught;
	} finally {
		await onClient.destroy();
		// A connection the copy failed on (perhaps in the middle of a COPY) is closed, not pooled again.
		client.release(failure);
	}
}

/**
 * Tables COPYed one after another on `client` (pg runs what is sent on a connection in turn): each
 * `load` returns once its rows are read, so reading the next overlaps PostgreSQL's writing the last.
 */
function copyLoader(client: pg.PoolClient): Loader {
	const copies: Promise<void>[] = [];
	let failure: unknown;
	return {
		async load(table, columns, rows, checksum) {
			if (failure) throw failure;
			let allRead!: () => void;
			const read = new Promise<void>((resolve) => (allRead = resolve));
			const copy = copyInto(client, table, columns, whenDone(rows, allRead), checksum);
			copy.catch((caught: unknown) => (failure ??= caught));
			copies.push(copy);
			// The first failure is the one to report: the COPYs after it fail only for following it.
			await Promise.race([read, copy]).catch((caught: unknown) => {
				throw failure ?? caught;
			});
		},
		async written() {
			await Promise.all(copies).catch((caught: unknown) => {
				throw failure ?? caught;
			});
		}
	};
}

async function* whenDone<T>(items: AsyncIterable<T>, done: () => void): AsyncGenerator<T> {
	try {
		yield* items;
	} finally {
		done();
	}
}

/** A "pool" that always hands kysely the one connection already checked out, and never releases it. */
function heldConnection(client: pg.PoolClient): PostgresPool {
	const held: PostgresPoolClient = {
		query: client.query.bind(client) as PostgresPoolClient['query'],
		release: () => {}
	};
	return { connect: async () => held, end: async () => {} };
}

/**
 * A table's rows (of `db`, read through `via`, a transaction on it). From SQLite straight from
 * better-sqlite3, as arrays and integers as bigints: kysely's row objects cost more than the rest of
 * the copy, and better-sqlite3 would round integers beyond 2^53 to the nearest number. (The query
 * runs on the connection's open transaction, so it sees the same snapshot.)
 */
async function* tableRows(
	db: DB,
	via: AnyDb | Transaction<never>,
	table: string,
	columns: Column[],
	key: string[],
	pageRows: number
): Batches {
	const sqlite = sqliteConnectionOf(db);
	if (sqlite) {
		const names = columns.map((c) => quoted(c.name)).join(', ');
		const statement = sqlite.prepare(`select ${names} from ${quoted(table)}`);
		yield* batches(
			statement.raw(true).safeIntegers(true).iterate() as Iterable<unknown[]>,
			pageRows
		);
		return;
	}
	const names = columns.map((c) => c.name);
	for await (const page of pages(via, table, names, key, pageRows))
		yield page.map((row) => names.map((name) => row[name]));
}

function* batches<T>(items: Iterable<T>, size: number): Generator<T[]> {
	let batch: T[] = [];
	for (const item of items) {
		batch.push(item);
		if (batch.length === size) {
			yield batch;
			batch = [];
		}
	}
	if (batch.length > 0) yield batch;
}

function quoted(name: string): string {
	return `"${name.replaceAll('"', '""')}"`;
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

/**
 * COPY a table's rows into PostgreSQL, in the binary format (see copy-binary.ts), as pg_restore
 * does: far cheaper for both sides than INSERTs, which PostgreSQL parses and plans batch by batch.
 */
async function copyInto(
	client: pg.PoolClient,
	table: string,
	columns: Column[],
	rows: Batches,
	checksum: TableChecksum
) {
	const list = columns.map((c) => quoted(c.name)).join(', ');
	try {
		await pipeline(
			Readable.from(binaryCopy(rows, columns, (bytes) => checksum.addBytes(bytes))),
			// Room for several batches ahead: this process makes the next while PostgreSQL reads the last.
			client.query(
				copyFrom(`copy ${quoted(table)} (${list}) from stdin (format binary)`, {
					highWaterMark: COPY_AHEAD_BYTES
				})
			)
		);
	} catch (caught) {
		if (caught instanceof UncopyableValue)
			throw new CopyError(`Cannot copy ${table}: ${caught.message}. Nothing was kept`);
		// PostgreSQL's own words, and where: "COPY organisations, line 3, column name".
		const { message, where } = caught as { message?: string; where?: string };
		throw new CopyError(
			`PostgreSQL refused the rows of ${table}: ${message ?? String(caught)}${where ? ` (${where})` : ''}. Nothing was kept`
		);
	}
}

/** How much COPY data may wait to be sent: a few batches' worth. */
const COPY_AHEAD_BYTES = 32 * 1024 * 1024;

async function insertAll(write: AnyDb, table: string, columns: Column[], rows: Batches) {
	const per = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
	for await (const batch of rows)
		for (let i = 0; i < batch.length; i += per)
			await write
				.insertInto(table)
				.values(
					batch
						.slice(i, i + per)
						.map((row) => Object.fromEntries(columns.map((c, j) => [c.name, row[j]])))
				)
				.execute();
}

/**
 * PostgreSQL numbers identity keys from a sequence, which an insert with explicit keys does not
 * move: restart each after the highest key copied, so the next new row gets a new number. (SQLite
 * moves its own `sqlite_sequence` as rows are inserted.)
 */
async function restartKeyNumbering(db: AnyDb, tables: string[], keys: Map<string, string[]>) {
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

/** The checksum of a table's rows (see CopiedTable), taken as they pass. */
class TableChecksum {
	rows = 0;
	/** Uint32: each addition wraps modulo 2^32, as PostgreSQL's sum is taken (`targetChecksum`). */
	readonly #lanes = new Uint32Array(4);

	constructor(private readonly columns: Column[]) {}

	/** A row going into SQLite. */
	add(row: unknown[]) {
		this.#addDigest(crypto.hash('md5', canonicalRow(row, this.columns), 'buffer'));
	}

	/** A row going into PostgreSQL: its bytes in binary COPY. */
	addBytes(bytes: Buffer) {
		this.#addDigest(crypto.hash('md5', bytes, 'buffer'));
	}

	#addDigest(digest: Buffer) {
		for (let i = 0; i < 4; i++) this.#lanes[i]! += digest.readUInt32BE(i * 4);
		this.rows++;
	}

	/** The same batches, each row added to the checksum on the way. */
	async *tap(rows: Batches): Batches {
		for await (const batch of rows) {
			for (const row of batch) this.add(row);
			yield batch;
		}
	}

	value(): string {
		return lanesHex([...this.#lanes]);
	}
}

function lanesHex(lanes: number[]): string {
	return lanes.map((n) => n.toString(16).padStart(8, '0')).join('');
}

const FLOAT_BYTES = Buffer.alloc(8);

/**
 * A row as text, for a copy into SQLite (read back as it is read from the source): each value in
 * column order, followed by `;`: `N` for null, an integer in decimal, a float as the hex of its 8
 * bytes (exact, where decimal text differs between the engines: 1e+20 or 100000000000000000000),
 * text after its length in UTF-8 bytes and a colon (so no text can pass for two values).
 */
function canonicalRow(row: unknown[], columns: Column[]): string {
	let text = '';
	for (let i = 0; i < columns.length; i++) {
		const value = row[i];
		if (value === null || value === undefined) text += 'N;';
		else if (columns[i]!.kind === 'integer') text += `${value as number | bigint};`;
		else if (columns[i]!.kind === 'float') {
			FLOAT_BYTES.writeDoubleBE(Number(value));
			text += `${FLOAT_BYTES.toString('hex')};`;
		} else {
			const s = String(value);
			text += `${Buffer.byteLength(s)}:${s};`;
		}
	}
	return text;
}

/**
 * A row's bytes in binary COPY (see copy-binary.ts), in PostgreSQL's SQL, from the row as stored:
 * the number of fields, then each as its length (-1 for null) and its type's binary form.
 */
function binaryRowSql(columns: Column[]) {
	const fields = columns.map((c) => {
		const value = sql.ref(c.name);
		const length = (n: number) => sql.lit(`\\x${n.toString(16).padStart(8, '0')}`);
		const bytes = {
			int2: sql`${length(2)}::bytea || int2send(${value})`,
			int4: sql`${length(4)}::bytea || int4send(${value})`,
			int8: sql`${length(8)}::bytea || int8send(${value})`,
			float4: sql`${length(4)}::bytea || float4send(${value})`,
			float8: sql`${length(8)}::bytea || float8send(${value})`,
			text: sql`int4send(octet_length(${value})) || textsend(${value})`,
			varchar: sql`int4send(octet_length(${value})) || textsend(${value}::text)`
		}[c.type];
		if (!bytes) throw new CopyError(`${c.name} has type ${c.type}, which db copy cannot check`);
		return sql`coalesce(${bytes}, '\\xffffffff'::bytea)`;
	});
	return sql.join([sql`int2send(${sql.lit(columns.length)}::int2)`, ...fields], sql` || `);
}

/**
 * What the target holds of a table, counted and checksummed as `TableChecksum` does: by one query
 * on PostgreSQL, which makes each row's binary COPY bytes again from what it stored, and sums their
 * digests itself; SQLite's rows are read back (cheaply: it is in this process).
 */
async function targetChecksum(
	target: DB,
	write: AnyDb,
	table: string,
	columns: Column[],
	key: string[],
	pageRows: number
): Promise<{ rows: number; checksum: string }> {
	if (engineOf(write) === 'postgres') {
		// Each lane: 8 hex digits of the digest as a signed int4, summed in an int8 (a sum of bigints
		// would go through numeric, far slower), modulo 2^32; made unsigned below.
		const lane = (i: number) =>
			sql<number>`coalesce(sum(('x' || substr(h, ${sql.lit(i * 8 + 1)}, 8))::bit(32)::int) % 4294967296, 0)`;
		// `offset 0` keeps the digests a subquery of their own: flattened into the aggregate, each row's
		// digest would be computed once for each lane.
		const { rows } = await sql<{ n: number; l0: number; l1: number; l2: number; l3: number }>`
			select count(*) as n, ${lane(0)} as l0, ${lane(1)} as l1, ${lane(2)} as l2, ${lane(3)} as l3
			from (select md5(${binaryRowSql(columns)}) as h from ${sql.table(table)} offset 0) as digests`.execute(
			write
		);
		const r = rows[0]!;
		const unsigned = (n: number) => (n + 2 ** 32) % 2 ** 32;
		return {
			rows: Number(r.n),
			checksum: lanesHex([r.l0, r.l1, r.l2, r.l3].map((n) => unsigned(Number(n))))
		};
	}
	const checksum = new TableChecksum(columns);
	for await (const batch of tableRows(target, write, table, columns, key, pageRows))
		for (const row of batch) checksum.add(row);
	return { rows: checksum.rows, checksum: checksum.value() };
}
