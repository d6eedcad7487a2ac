import { sql, type Kysely } from 'kysely';
import { serialKey } from '../dialect';
import { engineOf } from '../engine';

// Frozen: never edit a migration that has shipped; add a new one instead. (Column types go through
// ../dialect, which gives SQLite exactly the types written here before PostgreSQL was supported.)
//
// People, sessions and the audit log, for shared mode:
// - users: one account per email (stored lower-case), a role, a scrypt hash with its cost
//   parameters, and an active flag (accounts are deactivated, never deleted, so the audit log's
//   actors stay meaningful);
// - user_regions: the probation regions a commissioner, partner or viewer works in (admins: all);
// - sessions: server-side sessions keyed by the SHA-256 of the cookie's random id, so a copy of the
//   database does not hand out live cookies;
// - login_attempts: sign-in attempts by email and IP, for rate limiting across instances;
// - audit_log: append-only. Triggers refuse every UPDATE and DELETE.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('users')
		.addColumn('id', 'integer', serialKey(db))
		.addColumn('email', 'text', (c) => c.notNull().unique())
		.addColumn('role', 'text', (c) =>
			c.notNull().check(sql`role in ('admin', 'commissioner', 'partner', 'viewer')`)
		)
		.addColumn('password_hash', 'text', (c) => c.notNull())
		// 1 while the password is one an admin set (invite or reset): it must be changed on sign-in
		.addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('created_by', 'text', (c) => c.notNull())
		.addColumn('last_sign_in_at', 'text')
		.execute();

	await db.schema
		.createTable('user_regions')
		.addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('region_code', 'text', (c) => c.notNull().references('regions.code'))
		.addPrimaryKeyConstraint('user_regions_pk', ['user_id', 'region_code'])
		.execute();

	await db.schema
		.createTable('sessions')
		// hex SHA-256 of the 32 random bytes in the cookie
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('last_seen_at', 'text', (c) => c.notNull())
		// the absolute limit; the idle limit is counted from last_seen_at
		.addColumn('expires_at', 'text', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

	await db.schema
		.createTable('login_attempts')
		.addColumn('id', 'integer', serialKey(db))
		.addColumn('at', 'text', (c) => c.notNull())
		.addColumn('email', 'text', (c) => c.notNull())
		.addColumn('ip', 'text', (c) => c.notNull())
		.addColumn('succeeded', 'integer', (c) => c.notNull())
		.execute();
	await db.schema
		.createIndex('login_attempts_email')
		.on('login_attempts')
		.columns(['email', 'at'])
		.execute();
	await db.schema
		.createIndex('login_attempts_ip')
		.on('login_attempts')
		.columns(['ip', 'at'])
		.execute();

	await db.schema
		.createTable('audit_log')
		.addColumn('id', 'integer', serialKey(db))
		.addColumn('at', 'text', (c) => c.notNull())
		.addColumn('actor', 'text', (c) => c.notNull())
		.addColumn('action', 'text', (c) => c.notNull())
		.addColumn('target', 'text')
		// JSON, or null
		.addColumn('before', 'text')
		.addColumn('after', 'text')
		.addColumn('request_id', 'text')
		.addColumn('ip', 'text')
		.execute();
	await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
	await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor', 'at']).execute();
	await db.schema
		.createIndex('audit_log_action')
		.on('audit_log')
		.columns(['action', 'at'])
		.execute();
	if (engineOf(db) === 'postgres') {
		// The same refusals, with the same messages, through a PostgreSQL trigger function; TRUNCATE
		// (which SQLite does not have) is refused too.
		await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
			begin
				raise exception 'audit_log is append-only: entries cannot be %',
					case tg_op when 'UPDATE' then 'changed' else 'deleted' end;
			end $$`.execute(db);
		await sql`create trigger audit_log_no_update before update on audit_log
			for each row execute function audit_log_append_only()`.execute(db);
		await sql`create trigger audit_log_no_delete before delete on audit_log
			for each row execute function audit_log_append_only()`.execute(db);
		await sql`create trigger audit_log_no_truncate before truncate on audit_log
			for each statement execute function audit_log_append_only()`.execute(db);
		return;
	}
	await sql`create trigger audit_log_no_update before update on audit_log
		begin select raise(abort, 'audit_log is append-only: entries cannot be changed'); end`.execute(db);
	await sql`create trigger audit_log_no_delete before delete on audit_log
		begin select raise(abort, 'audit_log is append-only: entries cannot be deleted'); end`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	if (engineOf(db) === 'postgres') {
		// Dropping the table drops its triggers.
		await db.schema.dropTable('audit_log').execute();
		await sql`drop function if exists audit_log_append_only()`.execute(db);
	} else {
		await sql`drop trigger if exists audit_log_no_delete`.execute(db);
		await sql`drop trigger if exists audit_log_no_update`.execute(db);
		await db.schema.dropTable('audit_log').execute();
	}
	await db.schema.dropTable('login_attempts').execute();
	await db.schema.dropTable('sessions').execute();
	await db.schema.dropTable('user_regions').execute();
	await db.schema.dropTable('users').execute();
}
