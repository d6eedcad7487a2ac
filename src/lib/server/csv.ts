import fs from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import type { z } from 'zod';

/** A problem with one cell of an input file, located as `file:row:column`. Rows count from 1 after the header. */
export interface CellError {
	file: string;
	row: number;
	column: string;
	message: string;
}

export class DataFileError extends Error {
	constructor(readonly errors: CellError[]) {
		super(errors.map(formatCellError).join('\n'));
		this.name = 'DataFileError';
	}
}

export function formatCellError(e: CellError): string {
	return `${e.file}:${e.row}:${e.column}: ${e.message}`;
}

/**
 * Read a CSV with a header row and validate every row against a zod object schema.
 * All errors are collected and thrown together, so one run shows everything wrong with the file.
 */
export function readCsv<S extends z.ZodType>(
	file: string,
	schema: S,
	displayName = path.basename(file)
): z.infer<S>[] {
	const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
	const parsed = Papa.parse<Record<string, string>>(text, {
		header: true,
		skipEmptyLines: 'greedy',
		transformHeader: (h) => h.trim()
	});
	const errors: CellError[] = parsed.errors.map((e) => ({
		file: displayName,
		row: (e.row ?? 0) + 1,
		column: '-',
		message: e.message
	}));
	const rows: z.infer<S>[] = [];
	parsed.data.forEach((raw, i) => {
		const result = schema.safeParse(raw);
		if (result.success) rows.push(result.data);
		else
			for (const issue of result.error.issues)
				errors.push({
					file: displayName,
					row: i + 1,
					column: String(issue.path[0] ?? '-'),
					message: issue.message
				});
	});
	if (errors.length > 0) throw new DataFileError(errors);
	return rows;
}
