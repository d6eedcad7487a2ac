import { isUtf8 } from 'node:buffer';
import Papa from 'papaparse';
import type { CellError } from '../csv';

/**
 * Reading the CSVs the field actually produces (Excel exports, R&M extracts, grant spreadsheets):
 * any of UTF-8 with or without a byte-order mark, or Windows-1252; CRLF; trailing blank lines;
 * quoted fields with commas and line breaks; headers in any case or spacing. Values in the forms
 * people type them: `£1,234.50`, `31/03/2027`, Excel serial dates, `Yes`/`No`.
 */

export type TextEncoding = 'utf-8' | 'windows-1252';

/** UTF-8 when the bytes are valid UTF-8 (with or without a BOM), else Windows-1252. */
export function detectEncoding(bytes: Uint8Array): TextEncoding {
	// Excel on Windows saves "CSV" as Windows-1252, where 0xA3 is '£'.
	return isUtf8(bytes) ? 'utf-8' : 'windows-1252';
}

const hasBom = (bytes: Uint8Array) => bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;

/** Decode bytes in an encoding, dropping a UTF-8 byte-order mark. */
export function decodeAs(bytes: Uint8Array, encoding: TextEncoding): string {
	return new TextDecoder(encoding).decode(
		encoding === 'windows-1252' && hasBom(bytes) ? bytes.subarray(3) : bytes
	);
}

/**
 * Bytes (or characters) read at a time from a large file: small enough that each slice of text,
 * and the rows parsed from it, are short-lived young objects to the garbage collector (a string
 * over 128 KB would be allocated among the old ones).
 */
const SLICE = 1 << 14;

/**
 * The text of the bytes a slice at a time (about `sliceBytes` each), for reading a large file
 * without holding its whole text: each slice is decoded as it is asked for.
 */
export function* decodeSlices(
	bytes: Uint8Array,
	encoding: TextEncoding,
	sliceBytes = SLICE
): Generator<string> {
	const decoder = new TextDecoder(encoding);
	const start = encoding === 'windows-1252' && hasBom(bytes) ? 3 : 0;
	for (let i = start; i < bytes.length; i += sliceBytes)
		yield decoder.decode(bytes.subarray(i, Math.min(bytes.length, i + sliceBytes)), {
			stream: true
		});
	const rest = decoder.decode();
	if (rest) yield rest;
}

/** Decode bytes as UTF-8 (dropping a BOM), or as Windows-1252 when they are not valid UTF-8. */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
	const encoding = detectEncoding(bytes);
	return { text: decodeAs(bytes, encoding), encoding };
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

/**
 * A copy of a string cut from a larger one, to keep: V8 keeps a slice's whole parent alive (here,
 * a slice of a file's text), so strings kept for the whole read (cache keys, references) are copied.
 */
export function detach(text: string): string {
	return text.length < 13 ? text : (' ' + text).slice(1);
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

/** Text to read in slices: its start (to guess line endings and delimiter from), then every slice. */
export interface TextSlices {
	start: string;
	slices: Iterable<string>;
}

export interface StreamOptions {
	/**
	 * Awaited after each slice that had rows, with the number of rows read so far: lets the rows be
	 * handed on, progress be sent and a cancellation be seen. A throw stops the read with it.
	 */
	pause?: (rowsRead: number) => Promise<void>;
	/** characters in a slice of a text given whole (16K by default) */
	sliceChars?: number;
}

/** Papaparse guesses line endings and the delimiter from this much of a file's start. */
const GUESS_CHARS = 1 << 20;

/**
 * Read CSV a row at a time, handing each row to `handlers` as it is parsed, so no table of every
 * row is built and a large file is checked as it is read. The text comes whole or in slices (e.g.
 * decoded from the bytes as they are read); papaparse's parser reads each slice's complete rows,
 * the last incomplete row being carried into the next slice. Rows are read as `readTable` reads
 * them: line endings and delimiter guessed from the text's start, blank lines skipped, a row whose
 * field count differs from the header's, or with a quote never closed, comes with a problem.
 * Resolves with the number of data rows read.
 */
export async function streamTable(
	text: string | TextSlices,
	file: string,
	handlers: TableHandlers,
	options: StreamOptions = {}
): Promise<{ rowsRead: number }> {
	const { pause, sliceChars = SLICE } = options;
	const { start, slices } =
		typeof text === 'string'
			? { start: text.slice(0, GUESS_CHARS), slices: slicesOf(text, sliceChars) }
			: text;
	const problemsOf = (errors: Papa.ParseError[], row: number): CellError[] =>
		errors.map((e) => ({ file, row, column: '-', message: describePapaError(e) }));
	const sample = Papa.parse<string[]>(start.slice(0, GUESS_CHARS), {
		preview: 10,
		skipEmptyLines: 'greedy'
	});
	const guessed = problemsOf(
		sample.errors.filter((e) => e.code === 'UndetectableDelimiter'),
		0
	);

	let width = -1; // fields in the header; -1 until it is read
	let rowsRead = 0;
	const parser = new Papa.Parser({
		delimiter: sample.meta.delimiter,
		newline: sample.meta.linebreak as '\n' | '\r\n' | '\r',
		// The parser itself (no ParseHandle) hands each row on as a table of one row.
		step(step: Papa.ParseStepResult<string[]>) {
			const results = step as unknown as { data: string[][]; errors: Papa.ParseError[] };
			const fields = results.data[0] ?? [];
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
		}
	});
	// Each slice's complete rows are read; the incomplete last one is carried into the next slice.
	// A row longer than a slice (a quote never closed) waits for as much text again as is carried,
	// so a long one is not parsed over and over.
	let carried = '';
	let waiting: string[] = [];
	let waitingChars = 0;
	for (const slice of slices) {
		waiting.push(slice);
		waitingChars += slice.length;
		if (waitingChars < carried.length) continue;
		const input = carried + waiting.join('');
		waiting = [];
		waitingChars = 0;
		const before = rowsRead;
		const { meta } = parser.parse(input, 0, true) as { meta: { cursor: number } };
		carried = input.slice(meta.cursor);
		if (pause && rowsRead > before) await pause(rowsRead);
	}
	const rest = carried + waiting.join('');
	const before = rowsRead;
	if (rest !== '') parser.parse(rest, 0, false);
	if (pause && rowsRead > before) await pause(rowsRead);
	return { rowsRead };
}

function* slicesOf(text: string, chars: number): Generator<string> {
	for (let i = 0; i < text.length; i += chars) yield text.slice(i, i + chars);
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
 * a line holds only commas or empty quotes, or line breaks are lone carriage returns. Counts the
 * bytes of a file (in UTF-8 and Windows-1252 alike, quotes and line breaks are single bytes) or a
 * text.
 */
export function countRows(source: string | Uint8Array): number {
	const text = typeof source === 'string' ? source : null;
	const n = source.length;
	const find = (code: number, from: number) =>
		text !== null
			? text.indexOf(String.fromCharCode(code), from)
			: (source as Uint8Array).indexOf(code, from);
	const at = (i: number) => (text !== null ? text.charCodeAt(i) : (source as Uint8Array)[i]!);
	let lines = 0;
	let i = 0;
	let quote = find(34, 0);
	while (i < n) {
		let end = find(10, i);
		if (end === -1) end = n;
		if (quote !== -1 && quote < i) quote = find(34, i);
		// A quoted field on this line may hold line breaks: skip to its closing quote.
		while (quote !== -1 && quote < end) {
			let close = find(34, quote + 1);
			while (close !== -1 && at(close + 1) === 34) close = find(34, close + 2);
			if (close === -1) {
				end = n;
				quote = -1;
				break;
			}
			if (close >= end) {
				end = find(10, close);
				if (end === -1) end = n;
			}
			quote = find(34, close + 1);
		}
		if (!isBlankLine(at, i, end)) lines++;
		i = end + 1;
	}
	return Math.max(0, lines - 1);
}

function isBlankLine(at: (i: number) => number, from: number, to: number): boolean {
	for (let j = from; j < to; j++) {
		const c = at(j);
		// space, tab, carriage return; a byte-order mark (U+FEFF, or its UTF-8 bytes) is no content
		if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff && c !== 0xef && c !== 0xbb && c !== 0xbf)
			return false;
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

// Quick readings of the shapes most cells take, without a regular expression or a lookup: a large
// file has hundreds of thousands of dates and amounts. Each gives what its parser gives for the
// texts it reads, and undefined for any other text, which the parser then reads (and explains).

/** The value of text[from, to) when it is all digits (at most 15, so the value is exact), else -1. */
function digitsValue(text: string, from: number, to: number): number {
	if (to - from > 15) return -1;
	let n = 0;
	for (let i = from; i < to; i++) {
		const c = text.charCodeAt(i) - 48;
		if (!(c >= 0 && c <= 9)) return -1;
		n = n * 10 + c;
	}
	return n;
}

const isDateSeparator = (c: number) => c === 47 || c === 46 || c === 45; // / . -

function daysInMonth(year: number, month: number): number {
	if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
	return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** As parseDate, for '2027-03-31' and '31/03/2027' (two-digit day and month, year from 1000) on the calendar. */
export function quickDate(text: string): string | undefined {
	if (text.length !== 10) return undefined;
	const iso = text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45;
	if (!iso && !(isDateSeparator(text.charCodeAt(2)) && isDateSeparator(text.charCodeAt(5))))
		return undefined;
	const year = iso ? digitsValue(text, 0, 4) : digitsValue(text, 6, 10);
	const month = iso ? digitsValue(text, 5, 7) : digitsValue(text, 3, 5);
	const day = iso ? digitsValue(text, 8, 10) : digitsValue(text, 0, 2);
	if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
		return undefined;
	return iso ? text : `${text.slice(6, 10)}-${text.slice(3, 5)}-${text.slice(0, 2)}`;
}

/** As parseNumber, for a trimmed whole number written as digits alone (up to 15). */
export function quickWholeNumber(text: string): number | undefined {
	const n = text.length > 0 ? digitsValue(text, 0, text.length) : -1;
	return n < 0 ? undefined : n;
}

/**
 * As parseMoney, for a trimmed amount of whole pounds: '£' (with no space after it) or nothing,
 * digits (up to 15) with or without commas between thousands, then nothing or '.' and zeros.
 */
export function quickMoney(text: string): number | undefined {
	const length = text.length;
	let i = text.charCodeAt(0) === 0xa3 ? 1 : 0; // '£'
	let pounds = 0;
	let digits = 0;
	let run = 0; // digits since the start or the last comma
	let grouped = false;
	for (; i < length; i++) {
		const c = text.charCodeAt(i);
		if (c >= 48 && c <= 57) {
			pounds = pounds * 10 + (c - 48);
			digits++;
			run++;
		} else if (c === 44) {
			// the first group 1 to 3 digits, every later one 3
			if (run === 0 || run > 3 || (grouped && run !== 3)) return undefined;
			grouped = true;
			run = 0;
		} else break;
	}
	if (run === 0 || (grouped && run !== 3) || digits > 15) return undefined;
	if (i === length) return pounds;
	if (text.charCodeAt(i) !== 46 || i + 1 === length) return undefined; // '.' and at least one digit
	for (i++; i < length; i++) if (text.charCodeAt(i) !== 48) return undefined;
	return pounds;
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
