import { cleanCell } from './read';

/**
 * A row of a services CSV as the file gives it, kept as its service's source record. Stored
 * compactly: the row's values as a JSON array, in the order of its file's column keys, which are
 * stored once on the dataset version (`dataset_versions.source_columns`), not with every row.
 * `readSourceRecord` puts keys and values back together. Built only when written, so a dry run
 * never builds it.
 */
export class SourceRecord {
	/**
	 * `columns`: the file's column keys less blank ones, one array shared by every row of the file;
	 * `at`: where each is among the row's fields
	 */
	constructor(
		readonly columns: readonly string[],
		private readonly at: readonly number[],
		private readonly fields: readonly string[]
	) {}

	/** The values, in the order of `columns`, as stored. */
	valuesJson(): string {
		return JSON.stringify(this.at.map((j) => cleanCell(this.fields[j] ?? '')));
	}

	/** The record keyed by column, as stored when the columns cannot be kept on the version. */
	toJSON(): Record<string, string> {
		const record: Record<string, string> = {};
		this.columns.forEach(
			(column, i) => (record[column] = cleanCell(this.fields[this.at[i]!] ?? ''))
		);
		return record;
	}
}

/** The column keys of a file's header (blank ones left out) and where each is, for its SourceRecords. */
export function sourceColumnsOf(keys: readonly string[]): { columns: string[]; at: number[] } {
	const columns: string[] = [];
	const at: number[] = [];
	keys.forEach((key, j) => {
		if (key === '') return;
		columns.push(key);
		at.push(j);
	});
	return { columns, at };
}

/**
 * A stored source record as an object keyed by column: an array of values (a services CSV row) is
 * zipped with its version's `source_columns`; an object (every other record) is returned as it is.
 * Null when there is none, or it cannot be read.
 */
export function readSourceRecord(
	stored: string | null,
	sourceColumns: string | null
): Record<string, unknown> | null {
	if (stored === null) return null;
	try {
		const parsed: unknown = JSON.parse(stored);
		if (!Array.isArray(parsed))
			return typeof parsed === 'object' && parsed !== null
				? (parsed as Record<string, unknown>)
				: null;
		const columns: unknown = sourceColumns === null ? null : JSON.parse(sourceColumns);
		if (!Array.isArray(columns) || columns.length !== parsed.length) return null;
		return Object.fromEntries(columns.map((c, i) => [String(c), parsed[i]]));
	} catch {
		return null;
	}
}
