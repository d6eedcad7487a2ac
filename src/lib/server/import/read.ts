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
	const errors: CellError[] = [];
	const seen = new Set<string>();
	for (const [i, key] of keys.entries()) {
		if (key === '') continue;
		if (seen.has(key))
			errors.push({ file, row: 0, column: headers[i]!, message: 'this column appears twice' });
		seen.add(key);
	}
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
			// A line break inside a quoted field is kept, as \n whatever the file's line endings.
			if (key !== '') row[key] = (fields[j] ?? '').trim().replace(/\r\n?/g, '\n');
		});
		return row;
	});
	return { headers, rows, errors };
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
