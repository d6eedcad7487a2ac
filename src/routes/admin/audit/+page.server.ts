import { fieldErrors } from '$lib/server/auth/forms';
import { auditFilterSchema, listAudit, listAuditActions } from '$lib/server/auth/audit';
import { getDb } from '$lib/server/context';
import type { PageServerLoad } from './$types';

/** A before or after as `key: value` lines (nested values as JSON), for reading in a table. */
function lines(value: unknown): string[] {
	if (value === null || value === undefined) return [];
	if (typeof value !== 'object' || Array.isArray(value)) return [JSON.stringify(value)];
	return Object.entries(value).map(
		([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`
	);
}

/** Entries shown on the page; the CSV has every match. */
const SHOWN = 200;

export const load: PageServerLoad = async ({ url, locals }) => {
	const db = getDb();
	const raw = {
		actor: url.searchParams.get('actor') ?? '',
		action: url.searchParams.get('action') ?? '',
		from: url.searchParams.get('from') ?? '',
		to: url.searchParams.get('to') ?? ''
	};
	const filter = auditFilterSchema.safeParse(raw);
	const actions = await listAuditActions(db);
	// Each family with more than one action (scenario: scenario.save, scenario.create…) can be chosen
	// whole; an action is always matched with its family (sign-in finds sign-in.failed too).
	const families = [...new Set(actions.map((a) => a.split('.')[0]!))].filter(
		(f) => actions.filter((a) => a === f || a.startsWith(`${f}.`)).length > 1
	);
	const choices = [
		...families.map((f) => ({ value: f, text: `${f} (all)` })),
		...actions.filter((a) => !families.includes(a)).map((a) => ({ value: a, text: a }))
	];
	const base = { user: locals.user.name, mode: locals.mode, values: raw, choices };
	if (!filter.success)
		return { ...base, errors: fieldErrors(filter.error), entries: [], total: 0, query: '' };
	const { entries, total } = await listAudit(db, filter.data, SHOWN);
	const query = new URLSearchParams(
		Object.entries(filter.data).filter((e): e is [string, string] => typeof e[1] === 'string')
	).toString();
	return {
		...base,
		errors: [],
		total,
		query,
		entries: entries.map((e) => ({ ...e, before: lines(e.before), after: lines(e.after) }))
	};
};
