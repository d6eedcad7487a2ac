/**
 * A CSV cell, quoted where needed, with spreadsheet formula injection neutralised: a cell that
 * begins with = + - @, a tab or a carriage return is prefixed with a single quote.
 */
export function csvCell(value: string | number | null | undefined): string {
	if (value === null || value === undefined) return '';
	let text = String(value);
	if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(
	header: readonly string[],
	rows: readonly (readonly (string | number | null | undefined)[])[]
): string {
	return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
