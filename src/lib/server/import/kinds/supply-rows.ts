import { suggestNearest } from '../../api/suggest';
import type { CellError } from '../../csv';
import { findPersonColumns, type PersonColumn } from '../privacy';
import { headerKey } from '../read';
import {
	SERVICE_COLUMNS,
	serviceRowSchema,
	type ImportedService,
	type ServiceColumn,
	type ServiceReferenceData
} from '../services';
import type { SupplyRead } from '../commit';

/**
 * What every supply kind shares: a record of the source (a CSV row, a JSON record) is mapped onto
 * the services template's columns, then checked by the one row schema (serviceRowSchema), so each
 * rule lives in one place. Messages name the source's own fields, not the template's.
 */

/** One record of a source file, mapped onto the services template. */
export interface MappedRow {
	file: string;
	/** CSV: the row after the header, from 1; JSON: the record's index in its array, from 1 */
	row: number;
	/** the record as template cells (blank or missing: not given) */
	values: Partial<Record<ServiceColumn, string>>;
	/** the source field each template column came from, for messages (the header or JSON path) */
	sources: Partial<Record<ServiceColumn, string>>;
	/** problems found while mapping, in the source's field names; they reject the row */
	problems: { column: string; message: string }[];
	/** kept as the service's source record */
	raw: unknown;
	/** what the template cannot say (e.g. a CFO hub is let at site level); applied to a valid row */
	finish?: (service: ImportedService) => ImportedService;
}

/** A new mapped row, with nothing in it yet. */
export function mappedRow(file: string, row: number, raw: unknown): MappedRow {
	return { file, row, values: {}, sources: {}, problems: [], raw };
}

/** Put a value in a template column, remembering which source field it came from. */
export function setCell(r: MappedRow, column: ServiceColumn, value: string, source: string): void {
	r.values[column] = value;
	r.sources[column] = source;
}

export function addProblem(r: MappedRow, column: string, message: string): void {
	r.problems.push({ column, message });
}

/**
 * Check mapped rows with the services row schema. A row is rejected when mapping found a problem
 * or the schema finds one; a schema problem on a source field that mapping already reported is not
 * repeated. References must be unique across all the files read together.
 */
export function validateMappedRows(
	mapped: readonly MappedRow[],
	ref: ServiceReferenceData
): Pick<SupplyRead, 'rows' | 'rejected' | 'errors'> {
	const schema = serviceRowSchema(ref);
	const rows: SupplyRead['rows'] = [];
	const errors: CellError[] = [];
	const firstOf = new Map<string, { file: string; row: number }>();
	let rejected = 0;
	for (const r of mapped) {
		const own: CellError[] = r.problems.map((p) => ({
			file: r.file,
			row: r.row,
			column: p.column,
			message: p.message
		}));
		const reported = new Set(r.problems.map((p) => p.column));
		const cells = Object.fromEntries(SERVICE_COLUMNS.map((c) => [c, r.values[c] ?? '']));
		const result = schema.safeParse(cells);
		if (!result.success)
			for (const issue of result.error.issues) {
				const key = String(issue.path[0] ?? '-') as ServiceColumn;
				const column = r.sources[key] ?? key;
				if (reported.has(column)) continue;
				if (own.some((e) => e.column === column && e.message === issue.message)) continue;
				own.push({ file: r.file, row: r.row, column, message: issue.message });
			}
		if (own.length > 0 || !result.success) {
			rejected++;
			errors.push(...own);
			continue;
		}
		const service = r.finish ? r.finish(result.data) : result.data;
		const first = firstOf.get(service.reference);
		if (first) {
			rejected++;
			const where = first.file === r.file ? `row ${first.row}` : `${first.file} row ${first.row}`;
			errors.push({
				file: r.file,
				row: r.row,
				column: r.sources.reference ?? 'reference',
				message: `'${service.reference}' is also the reference on ${where}; each service needs its own`
			});
			continue;
		}
		firstOf.set(service.reference, { file: r.file, row: r.row });
		rows.push({ row: r.row, service, raw: r.raw });
	}
	const order = new Map(mapped.map((r, i) => [r.file, i]));
	errors.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.row - b.row);
	return { rows, rejected, errors };
}

/** A read that found the file itself unusable: nothing read, one or more file-level errors. */
export function unreadable(errors: CellError[], rowsRead = 0): SupplyRead {
	return { rowsRead, rows: [], rejected: rowsRead, errors, ignoredColumns: [] };
}

/** Parse a JSON file, or say (as a file-level error) why it is not JSON. */
export function parseJson(
	file: string,
	text: string
): { ok: true; value: unknown } | { ok: false; error: CellError } {
	try {
		return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, '')) };
	} catch (caught) {
		const why = caught instanceof Error ? caught.message : String(caught);
		return {
			ok: false,
			error: { file, row: 0, column: '-', message: `is not valid JSON (${why})` }
		};
	}
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a dotted path; arrays on the way are entered at their first item. */
export function valueAt(record: unknown, path: string): unknown {
	let value: unknown = record;
	for (const key of path.split('.')) {
		if (Array.isArray(value)) value = value[0];
		if (!isObject(value)) return undefined;
		value = value[key];
	}
	return value;
}

/**
 * A JSON value as cell text: strings trimmed, numbers and booleans written out, null or missing as
 * ''. Anything else (an object, an array) is a problem on `path`, and gives ''.
 */
export function textAt(r: MappedRow, record: unknown, path: string): string {
	return asText(r, valueAt(record, path), path);
}

export function asText(r: MappedRow, value: unknown, path: string): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') return value.trim();
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	addProblem(
		r,
		path,
		`should be text or a number, not ${Array.isArray(value) ? 'a list' : 'an object'}`
	);
	return '';
}

/** The items of a list field: [] when missing or null; a problem (and []) when it is not a list. */
export function listAt(r: MappedRow, record: unknown, path: string): unknown[] {
	const value = valueAt(record, path);
	if (value === null || value === undefined) return [];
	if (Array.isArray(value)) return value;
	addProblem(r, path, 'should be a list ([…])');
	return [];
}

/** A date or date-time as the date alone: '2024-03-31T23:59:00+00' → '2024-03-31'; other text as is. */
export function datePart(text: string): string {
	const m = /^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}/.exec(text.trim());
	return m ? m[1]! : text.trim();
}

/** An extra rule for field names that identify people, beyond privacy.ts's. */
export interface PersonFieldRule {
	what: string;
	test: (compact: string) => boolean;
}

const compactKey = (key: string) => key.toLowerCase().replace(/[^a-z0-9]+/g, '');

/** Names of the person who is a contact: staff, but people all the same. */
export const CONTACT_NAME: PersonFieldRule = {
	what: "a contact person's name",
	test: (c) => c === 'contactname' || c === 'contactperson'
};

/**
 * The field paths in a JSON document that identify people, found from the field names alone
 * (never the values). `allowed` says which paths are the kind's own (an organisation's `name`, a
 * location's `address_1`); every other field's name is checked against privacy.ts's rules and
 * `extra`. Paths are dotted keys, with list indexes left out ('contacts.name').
 */
export function personFieldsInJson(
	value: unknown,
	allowed: (path: readonly string[]) => boolean,
	extra: readonly PersonFieldRule[] = []
): PersonColumn[] {
	const found = new Map<string, PersonColumn>();
	const visit = (node: unknown, path: string[]) => {
		if (Array.isArray(node)) {
			for (const item of node) visit(item, path);
			return;
		}
		if (!isObject(node)) return;
		for (const [key, child] of Object.entries(node)) {
			const here = [...path, key];
			const column = here.join('.');
			if (!found.has(column) && !allowed(here)) {
				const rule =
					findPersonColumns([key], [])[0]?.what ?? extra.find((x) => x.test(compactKey(key)))?.what;
				if (rule) found.set(column, { column, what: rule });
			}
			visit(child, here);
		}
	};
	visit(value, []);
	return [...found.values()];
}

/** Header spellings checked against `extra` rules (privacy.ts's own are checked by findPersonColumns). */
export function extraPersonColumns(
	headers: readonly string[],
	extra: readonly PersonFieldRule[]
): PersonColumn[] {
	return headers.flatMap((column) => {
		const rule = extra.find((x) => x.test(compactKey(column)));
		return rule ? [{ column, what: rule.what }] : [];
	});
}

/**
 * A CSV's headers against a kind's columns: a header near a known column is an error (a misspelling
 * would otherwise be dropped silently); others are ignored and listed.
 */
export function checkCsvHeaders(
	file: string,
	headers: readonly string[],
	known: readonly string[],
	required: readonly string[],
	what: string
): { errors: CellError[]; ignoredColumns: string[]; byKey: Map<string, string> } {
	const errors: CellError[] = [];
	const ignoredColumns: string[] = [];
	const byKey = new Map<string, string>();
	for (const h of headers) byKey.set(headerKey(h), h);
	const knownKeys = new Set(known.map(headerKey));
	for (const [k, header] of byKey) {
		if (k === '' || knownKeys.has(k)) continue;
		const guess = suggestNearest(
			k.replace(/_/g, ' '),
			known.map((c) => ({ value: c, spellings: [headerKey(c).replace(/_/g, ' ')] }))
		);
		if (guess)
			errors.push({
				file,
				row: 0,
				column: header,
				message: `is not a column of the ${what} template. Did you mean '${guess}'?`
			});
		else ignoredColumns.push(header);
	}
	for (const c of required)
		if (!byKey.has(headerKey(c)))
			errors.push({ file, row: 0, column: c, message: 'this column is missing' });
	return { errors, ignoredColumns, byKey };
}
