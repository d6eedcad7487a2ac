import Papa from 'papaparse';
import type { CellError } from '../csv';

/**
 * Reading the CSVs the field actually produces (Excel exports, R&M extracts, grant spreadsheets):
 * any of UTF-8 with or without a byte-order mark, or Windows-1252; CRLF; trailing blank lines;
 * quoted fields with commas and line breaks; headers in any case or spacing. Values in the forms
 * people type them: `£1,234.50`, `31/03/2027`, Excel serial dates, `Yes`/`No`.
 */

/** Decode bytes as UTF-8 (dropping a BOM), or as Windows-1252 when they are not valid UTF-8. */
export function decodeText(bytes: Uint8Array): {
	text: string;
	encoding: 'utf-8' | 'windows-1252';
} {
	try {
		const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
		return { text, encoding: 'utf-8' };
	} catch {
		// Not UTF-8: Excel on Windows saves "CSV" as Windows-1252, where 0xA3 is '£'.
		const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
		const text = new TextDecoder('windows-1252').decode(bom ? bytes.subarray(3) : bytes);
		return { text, encoding: 'windows-1252' };
	}
}

/**
 * A header as a key: case, surrounding space and the difference between spaces, hyphens and
 * underscores are ignored, so 'Lead Provider', 'lead_provider' and ' LEAD-PROVIDER ' all match.
 */
export function headerKey(header: string): string {
	return header
		.replace(/^\uFEFF/, '')
		.trim()
		.toLowerCase()
		.replace(/[\s_-]+/g, '_');
}

/** The header row alone, keyed; nothing after it is parsed (so a refused file is never read). */
export function readHeader(text: string): string[] {
	// Leading blank lines are skipped, as readTable skips them.
	const start = /^(?:[ \t]*\r?\n)*/.exec(text)![0].length;
	const parsed = Papa.parse<string[]>(text.slice(start), { preview: 1 });
	return (parsed.data[0] ?? []).map((h) => h.trim());
}

export interface CsvTable {
	/** the headers as written in the file */
	headers: string[];
	/** each data row, keyed by `headerKey` of its column; row i is row i + 1 in messages */
	rows: Record<string, string>[];
	errors: CellError[];
}

/**
 * Parse CSV text with a header row. Rows are numbered from 1 after the header; blank lines
 * (including trailing ones) are skipped. A row with the wrong number of fields, or an unclosed
 * quote, is a CellError in column '-'.
 */
export function readTable(text: string, file: string): CsvTable {
	const parsed = Papa.parse<string[]>(text, { skipEmptyLines: 'greedy' });
	const [headerRow = [], ...data] = parsed.data;
	const headers = headerRow.map((h) => h.trim());
	const keys = headers.map(headerKey);
	const errors: CellError[] = duplicateColumns(headers, file);
	for (const e of parsed.errors) {
		// Papa numbers data rows from 0 including the header; ours count from 1 after it.
		const row = e.row === undefined ? 0 : e.row;
		if (e.code === 'TooFewFields' || e.code === 'TooManyFields') continue; // reported below
		errors.push({ file, row, column: '-', message: describePapaError(e) });
	}
	const rows = data.map((fields, i) => {
		if (fields.length !== headers.length)
			errors.push({
				file,
				row: i + 1,
				column: '-',
				message: `has ${fields.length} fields but the header has ${headers.length}`
			});
		const row: Record<string, string> = {};
		keys.forEach((key, j) => {
			if (key !== '') row[key] = cleanCell(fields[j] ?? '');
		});
		return row;
	});
	return { headers, rows, errors };
}

/** A cell as read: trimmed, a line break inside a quoted field kept as \n whatever the file's line endings. */
export function cleanCell(field: string): string {
	const text = field.trim();
	return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** What `streamTable` hands on as it reads. */
export interface TableHandlers {
	/** the header row (as written, trimmed) and its problems (a column named twice…), as row 0 */
	header(headers: string[], errors: CellError[]): void;
	/**
	 * One data row: its fields as parsed (untrimmed: see `cleanCell`), its number (from 1 after the
	 * header, blank lines skipped) and the problems that stop it being read (fields that do not line
	 * up with the header, a quote never closed).
	 */
	row(fields: string[], row: number, problems: CellError[]): void;
}

export interface StreamOptions {
	/** rows read between two calls of `pause` */
	rowsPerPause?: number;
	/**
	 * Awaited every `rowsPerPause` rows, with the parse paused: a turn of the event loop lets
	 * progress be sent and a cancellation be seen. A throw stops the read and rejects with it.
	 */
	pause?: (rowsRead: number) => Promise<void>;
	/** characters handed to papaparse at a time (1M by default) */
	chunkChars?: number;
}

/** Large strings are handed to papaparse in slices of this many characters. */
const STREAM_CHUNK_CHARS = 1 << 20;

/**
 * Read CSV text a row at a time (papaparse in step mode, over 1M-character slices), handing each
 * row to `handlers` as it is parsed, so no table of every row is built and a large file is checked
 * as it is read. Rows are read as `readTable` reads them: blank lines are skipped; a row whose
 * field count differs from the header's, or with a quote never closed, comes with a problem.
 * Resolves with the number of data rows read.
 */
export function streamTable(
	text: string,
	file: string,
	handlers: TableHandlers,
	options: StreamOptions = {}
): Promise<{ rowsRead: number }> {
	const { rowsPerPause = 2000, pause, chunkChars = STREAM_CHUNK_CHARS } = options;
	return new Promise((resolve, reject) => {
		let width = -1; // fields in the header; -1 until it is read
		let rowsRead = 0;
		let failed = false;
		const fail = (caught: unknown) => {
			failed = true;
			reject(caught instanceof Error ? caught : new Error(String(caught)));
		};
		const problemsOf = (errors: Papa.ParseError[], row: number): CellError[] =>
			errors.map((e) => ({ file, row, column: '-', message: describePapaError(e) }));
		// Line endings and delimiter as papaparse guesses them for the whole text (from its start),
		// not for the first slice, which may end between a carriage return and its line feed.
		const sample = Papa.parse<string[]>(text.slice(0, 1 << 20), {
			preview: 10,
			skipEmptyLines: 'greedy'
		});
		const guessed = problemsOf(
			sample.errors.filter((e) => e.code === 'UndetectableDelimiter'),
			0
		);
		Papa.parse<string[]>(text, {
			delimiter: sample.meta.delimiter,
			newline: sample.meta.linebreak as '\n' | '\r\n' | '\r',
			chunkSize: chunkChars,
			step(results, parser) {
				if (failed) return parser.abort();
				try {
					const fields = results.data;
					// A blank line is skipped, unless the parser found a problem in it.
					if (results.errors.length === 0 && isBlank(fields)) return;
					if (width < 0) {
						const headers = fields.map((h) => h.trim());
						width = headers.length;
						handlers.header(headers, [
							...duplicateColumns(headers, file),
							...guessed,
							...problemsOf(results.errors, 0)
						]);
						return;
					}
					rowsRead++;
					const problems = problemsOf(results.errors, rowsRead);
					if (fields.length !== width)
						problems.push({
							file,
							row: rowsRead,
							column: '-',
							message: `has ${fields.length} fields but the header has ${width}`
						});
					handlers.row(fields, rowsRead, problems);
					if (pause && rowsRead % rowsPerPause === 0) {
						parser.pause();
						pause(rowsRead).then(() => parser.resume(), fail);
					}
				} catch (caught) {
					fail(caught); // before abort, which calls complete
					parser.abort();
				}
			},
			complete() {
				if (!failed) resolve({ rowsRead });
			}
		});
	});
}

function isBlank(fields: readonly string[]): boolean {
	for (const f of fields) if (f.length > 0 && f.trim() !== '') return false;
	return true;
}

function duplicateColumns(headers: readonly string[], file: string): CellError[] {
	const errors: CellError[] = [];
	const seen = new Set<string>();
	for (const header of headers) {
		const key = headerKey(header);
		if (key === '') continue;
		if (seen.has(key))
			errors.push({ file, row: 0, column: header, message: 'this column appears twice' });
		seen.add(key);
	}
	return errors;
}

/**
 * The rows after the header, counted before they are read (for a progress bar's total): line
 * breaks outside quoted fields, blank lines left out. It is the number `streamTable` reads unless
 * a line holds only commas or empty quotes, or line breaks are lone carriage returns.
 */
export function countRows(text: string): number {
	let lines = 0;
	let i = 0;
	const n = text.length;
	let quote = text.indexOf('"');
	while (i < n) {
		let end = text.indexOf('\n', i);
		if (end === -1) end = n;
		if (quote !== -1 && quote < i) quote = text.indexOf('"', i);
		// A quoted field on this line may hold line breaks: skip to its closing quote.
		while (quote !== -1 && quote < end) {
			let close = text.indexOf('"', quote + 1);
			while (close !== -1 && text.charCodeAt(close + 1) === 34)
				close = text.indexOf('"', close + 2);
			if (close === -1) {
				end = n;
				quote = -1;
				break;
			}
			if (close >= end) {
				end = text.indexOf('\n', close);
				if (end === -1) end = n;
			}
			quote = text.indexOf('"', close + 1);
		}
		if (!isBlankLine(text, i, end)) lines++;
		i = end + 1;
	}
	return Math.max(0, lines - 1);
}

function isBlankLine(text: string, from: number, to: number): boolean {
	for (let j = from; j < to; j++) {
		const c = text.charCodeAt(j);
		if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) return false;
	}
	return true;
}

function describePapaError(e: Papa.ParseError): string {
	if (e.code === 'MissingQuotes')
		return 'a quoted field is never closed (the file may be cut short)';
	if (e.code === 'InvalidQuotes') return 'a quote mark inside a field that is not quoted';
	return e.message;
}

/** A cell parser: the value, or a message saying what is wrong. */
export type CellResult<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): CellResult<T> => ({ ok: true, value });
const bad = <T>(message: string): CellResult<T> => ({ ok: false, message });

/** '£1,234.50', '1234.5', '1,234', ' £ 12 ' → pounds. Negative amounts are refused. */
export function parseMoney(raw: string): CellResult<number> {
	const text = raw
		.trim()
		.replace(/^£\s*/, '')
		.replace(/^GBP\s*/i, '');
	if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/.test(text))
		return bad(`'${raw}' is not an amount in £ (write e.g. 1234.50 or £1,234.50)`);
	return ok(Number(text.replace(/,/g, '')));
}

/** A whole or decimal number, commas as thousands separators allowed; no '£'. */
export function parseNumber(raw: string): CellResult<number> {
	const text = raw.trim();
	if (!/^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/.test(text)) return bad(`'${raw}' is not a number`);
	return ok(Number(text.replace(/,/g, '')));
}

const MAX_EXCEL_SERIAL = 2958465; // 9999-12-31

/**
 * A date as ISO `YYYY-MM-DD` from '31/03/2027' (day first, as in the UK), '2027-03-31', or an Excel
 * serial number (46477 → 2027-03-31). Excel counts 1900 as a leap year, so serials from 61 are one
 * day ahead of the true count from 1899-12-31, and serial 60 (29 February 1900) never existed.
 */
export function parseDate(raw: string): CellResult<string> {
	const text = raw.trim();
	let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
	if (m) return isoDate(raw, Number(m[1]), Number(m[2]), Number(m[3]));
	m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
	if (m) return isoDate(raw, Number(m[3]), Number(m[2]), Number(m[1]));
	if (/^\d{1,7}(\.0+)?$/.test(text)) {
		const serial = Number(text);
		if (serial < 1 || serial > MAX_EXCEL_SERIAL)
			return bad(`'${raw}' is not a date (as an Excel serial number it is out of range)`);
		if (serial === 60) return bad(`'${raw}' is Excel's 29 February 1900, which never existed`);
		const days = serial < 60 ? serial : serial - 1;
		return ok(new Date(Date.UTC(1899, 11, 31) + days * 86_400_000).toISOString().slice(0, 10));
	}
	return bad(`'${raw}' is not a date (write 31/03/2027 or 2027-03-31)`);
}

function isoDate(raw: string, year: number, month: number, day: number): CellResult<string> {
	const d = new Date(Date.UTC(year, month - 1, day));
	if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day)
		return bad(`'${raw}' is not a date on the calendar`);
	return ok(d.toISOString().slice(0, 10));
}

const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

/** 'Yes'/'No', 'true'/'false', 'Y'/'N', '1'/'0', in any case. */
export function parseBoolean(raw: string): CellResult<boolean> {
	const key = raw.trim().toLowerCase();
	if (TRUE.has(key)) return ok(true);
	if (FALSE.has(key)) return ok(false);
	return bad(`'${raw}' is not yes or no`);
}
