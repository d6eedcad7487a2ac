import { z } from 'zod';
import { toCsv } from '$lib/csv';
import type { DB } from '../db';

/**
 * The audit log: who did what, when, to what, with the before and after. Append-only: there is
 * no function here to change or delete an entry, and on SQLite triggers refuse UPDATE and DELETE.
 */

/** Where an audited change came from: who made it, and the request's id and address if any. */
export interface AuditContext {
	actor: string;
	requestId?: string | null;
	ip?: string | null;
}

export interface AuditInput extends AuditContext {
	/** dotted: sign-in, sign-in.failed, user.create, scenario.save, import.confirm, dataset.rollback … */
	action: string;
	/** what it was done to: `user:someone@example.org`, `scenario:abc`, `dataset:services-x` */
	target?: string | null;
	before?: unknown;
	after?: unknown;
	at?: Date;
}

export interface AuditEntry {
	id: number;
	at: string;
	actor: string;
	action: string;
	target: string | null;
	before: unknown;
	after: unknown;
	requestId: string | null;
	ip: string | null;
}

const asJson = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/** Append one entry. Pass a transaction to record it with the change it describes. */
export async function recordAudit(db: DB, entry: AuditInput): Promise<void> {
	await db
		.insertInto('audit_log')
		.values({
			at: (entry.at ?? new Date()).toISOString(),
			actor: entry.actor,
			action: entry.action,
			target: entry.target ?? null,
			before: asJson(entry.before),
			after: asJson(entry.after),
			request_id: entry.requestId ?? null,
			ip: entry.ip ?? null
		})
		.execute();
}

const isoDay = z
	.string()
	.trim()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a date as YYYY-MM-DD, for example 2026-11-29')
	.refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'Enter a real date');
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** The audit page's filter, from its query string: every field optional, dates inclusive (UTC). */
export const auditFilterSchema = z
	.object({
		actor: z.preprocess(blankToUndefined, z.string().trim().max(200).optional()),
		action: z.preprocess(blankToUndefined, z.string().trim().max(100).optional()),
		from: z.preprocess(blankToUndefined, isoDay.optional()),
		to: z.preprocess(blankToUndefined, isoDay.optional())
	})
	.refine((f) => !f.from || !f.to || f.from <= f.to, {
		message: 'The end date must be the same as or after the start date',
		path: ['to']
	});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

function dayAfter(day: string): string {
	const d = new Date(`${day}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + 1);
	return d.toISOString();
}

/**
 * Entries matching `filter`, newest first, with how many match in all. The actor matches anywhere
 * in the name, ignoring case; an action matches itself and its family (`scenario` finds
 * `scenario.save` and `scenario.create`).
 */
export async function listAudit(
	db: DB,
	filter: AuditFilter,
	limit = 200
): Promise<{ entries: AuditEntry[]; total: number }> {
	let query = db.selectFrom('audit_log');
	if (filter.actor) {
		const pattern = `%${filter.actor.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
		query = query.where((eb) => eb(eb.fn('lower', ['actor']), 'like', eb.val(pattern)));
	}
	if (filter.action) {
		const action = filter.action;
		query = query.where((eb) =>
			eb.or([
				eb('action', '=', action),
				eb(eb.fn('substr', ['action', eb.val(1), eb.val(action.length + 1)]), '=', `${action}.`)
			])
		);
	}
	if (filter.from) query = query.where('at', '>=', `${filter.from}T00:00:00.000Z`);
	if (filter.to) query = query.where('at', '<', dayAfter(filter.to));
	const [rows, count] = await Promise.all([
		query.selectAll().orderBy('id', 'desc').limit(limit).execute(),
		query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
	]);
	return {
		total: Number(count.n),
		entries: rows.map((r) => ({
			id: r.id,
			at: r.at,
			actor: r.actor,
			action: r.action,
			target: r.target,
			before: r.before === null ? null : JSON.parse(r.before),
			after: r.after === null ? null : JSON.parse(r.after),
			requestId: r.request_id,
			ip: r.ip
		}))
	};
}

/** Every action recorded so far, for the filter's choices. */
export async function listAuditActions(db: DB): Promise<string[]> {
	const rows = await db
		.selectFrom('audit_log')
		.select('action')
		.distinct()
		.orderBy('action')
		.execute();
	return rows.map((r) => r.action);
}

/** The entries as CSV (formula injection neutralised by toCsv), before and after as JSON text. */
export function auditCsv(entries: readonly AuditEntry[]): string {
	return toCsv(
		['id', 'at', 'actor', 'action', 'target', 'before', 'after', 'request_id', 'ip'],
		entries.map((e) => [
			e.id,
			e.at,
			e.actor,
			e.action,
			e.target,
			e.before === null ? null : JSON.stringify(e.before),
			e.after === null ? null : JSON.stringify(e.after),
			e.requestId,
			e.ip
		])
	);
}
