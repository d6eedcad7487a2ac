import Papa from 'papaparse';
import { z } from 'zod';

/**
 * Demand and supply point files for `landscape access`: CSV with a header row naming `id`, `lat`,
 * `lon` and `population` (demand) or `capacity` (supply), in any order and any letter case, with
 * any spacing; other columns are ignored. A UTF-8 byte-order mark, CRLF line ends and blank lines
 * are accepted. Every problem is reported as `file:line:column: message`, where line is the line of
 * the file (the header is usually line 1), so an editor can jump to it.
 */

export type PointsKind = 'demand' | 'supply';

export const VALUE_COLUMN: Record<PointsKind, 'population' | 'capacity'> = {
	demand: 'population',
	supply: 'capacity'
};

export interface PointsTable {
	ids: string[];
	lat: Float64Array;
	lon: Float64Array;
	/** population (demand) or capacity (supply) */
	values: Float64Array;
}

/** After this many problems in one file the rest are counted, not listed. */
export const MAX_PROBLEMS = 20;

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function quote(raw: string): string {
	return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
}

/** A cell holding a decimal number within [min, max]; `what` names it in the range message. */
function numberCell(what: string, min: number, max: number) {
	return z.string().transform((raw, ctx): number => {
		const text = raw.trim();
		const value = DECIMAL.test(text) ? Number(text) : NaN;
		if (!Number.isFinite(value)) {
			ctx.addIssue({
				code: 'custom',
				message: text === '' ? 'empty; expected a number' : `${quote(raw)} is not a number`
			});
			return z.NEVER;
		}
		if (value < min || value > max) {
			ctx.addIssue({ code: 'custom', message: `${quote(text)} is ${what}` });
			return z.NEVER;
		}
		return value;
	});
}

const idCell = z
	.string()
	.transform((raw) => raw.trim())
	.refine((id) => id !== '', 'empty; every row needs an id');

/** The row schema for a file of `kind`, keyed by the normalised column names. */
function rowSchema(kind: PointsKind) {
	const value = numberCell(
		`negative; ${VALUE_COLUMN[kind]} must be 0 or more`,
		0,
		Number.MAX_VALUE
	);
	return z.object({
		id: idCell,
		lat: numberCell('not a latitude (−90 to 90)', -90, 90),
		lon: numberCell('not a longitude (−180 to 180)', -180, 180),
		[VALUE_COLUMN[kind]]: value
	});
}

/** Header names compared without case or spaces: " Population " and "POPULATION" both match. */
export function normaliseHeader(name: string): string {
	return name
		.replace(/^\uFEFF/, '')
		.replace(/\s+/g, '')
		.toLowerCase();
}

/**
 * Parse a demand or supply file's text. Returns the table, or every problem found (up to
 * MAX_PROBLEMS listed) as `file:line:column: message` lines; `file` is the name to print.
 */
export function parsePointsCsv(
	text: string,
	file: string,
	kind: PointsKind
): { table: PointsTable; problems: [] } | { table: null; problems: string[] } {
	const columns = ['id', 'lat', 'lon', VALUE_COLUMN[kind]] as const;
	const problems: string[] = [];
	let hidden = 0;
	const report = (line: number | null, column: string | null, message: string) => {
		if (problems.length >= MAX_PROBLEMS) hidden++;
		else
			problems.push(
				`${file}${line === null ? '' : `:${line}`}${column ? `:${column}` : ''}: ${message}`
			);
	};
	const body = text.replace(/^\uFEFF/, '');
	const schema = rowSchema(kind);
	const ids: string[] = [];
	const lat: number[] = [];
	const lon: number[] = [];
	const values: number[] = [];
	const firstLine = new Map<string, number>();
	let header: { index: Map<string, number>; width: number } | null = null;
	let headerBroken = false;
	// Line numbers: count newlines up to where each record starts (quoted fields may span lines).
	let scanned = 0;
	let line = 1;
	const lineAt = (offset: number) => {
		for (; scanned < offset; scanned++) if (body.charCodeAt(scanned) === 10) line++;
		return line;
	};
	let recordStart = 0;
	Papa.parse<string[]>(body, {
		delimiter: ',',
		skipEmptyLines: false,
		step(result) {
			const cells = result.data;
			const start = recordStart;
			recordStart = result.meta.cursor;
			// A record starting right after a line break: skip that break when counting.
			const at = lineAt(start);
			if (headerBroken) return;
			if (cells.every((cell) => cell.trim() === '')) return;
			for (const error of result.errors) report(at, null, error.message);
			if (!header) {
				const index = new Map<string, number>();
				cells.forEach((cell, i) => {
					const name = normaliseHeader(cell);
					if (index.has(name) && columns.includes(name as (typeof columns)[number]))
						report(at, name, 'this column appears twice');
					else index.set(name, i);
				});
				const missing = columns.filter((c) => !index.has(c));
				if (missing.length) {
					const found = cells.map((c) => c.trim()).join(', ');
					report(
						at,
						null,
						`no ${missing.map((m) => `"${m}"`).join(', ')} column in the header (found: ${found}); expected ${columns.join(',')}`
					);
				}
				if (missing.length || problems.length) headerBroken = true;
				header = { index, width: cells.length };
				return;
			}
			if (cells.length > header.width)
				report(at, null, `${cells.length} fields, but the header has ${header.width}`);
			const raw: Record<string, string> = {};
			for (const column of columns) {
				const i = header.index.get(column)!;
				if (i < cells.length) raw[column] = cells[i]!;
			}
			const parsed = schema.safeParse(raw);
			if (!parsed.success) {
				for (const issue of parsed.error.issues) {
					const column = String(issue.path[0] ?? '');
					report(
						at,
						column,
						issue.code === 'invalid_type'
							? `missing (the row has ${cells.length} fields, the header ${header.width})`
							: issue.message
					);
				}
				return;
			}
			const row = parsed.data as Record<string, string | number>;
			const id = row.id as string;
			const first = firstLine.get(id);
			if (first !== undefined)
				report(at, 'id', `${quote(id)} is repeated (first on line ${first})`);
			else firstLine.set(id, at);
			ids.push(id);
			lat.push(row.lat as number);
			lon.push(row.lon as number);
			values.push(row[VALUE_COLUMN[kind]] as number);
		}
	});
	if (!header && !problems.length)
		report(null, null, `the file is empty; expected a header row: ${columns.join(',')}`);
	else if (header && !headerBroken && ids.length === 0 && !problems.length)
		report(null, null, 'no rows after the header');
	if (hidden) problems.push(`${file}: … and ${hidden} more problem${hidden === 1 ? '' : 's'}`);
	if (problems.length) return { table: null, problems };
	return {
		table: {
			ids,
			lat: Float64Array.from(lat),
			lon: Float64Array.from(lon),
			values: Float64Array.from(values)
		},
		problems: []
	};
}
