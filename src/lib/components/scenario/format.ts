import type { ExplainUnit } from '$lib/domain/scenario';
import { formatCount, formatGbp, formatPercent } from '$lib/format';

/** A model number in its unit, for a table cell or an explanation: 1,234 / £400,000 / 27.3%. */
export function formatValue(value: number | string | boolean | null, unit?: ExplainUnit): string {
	if (value === null) return 'not known';
	if (typeof value === 'boolean') return value ? 'yes' : 'no';
	if (typeof value === 'string') return value;
	switch (unit) {
		case 'GBP':
		case 'GBP a year':
			return formatGbp(value) + (unit === 'GBP a year' ? ' a year' : '');
		case 'share':
			return formatPercent(value);
		case 'years':
			return `${formatNumber(value)} years`;
		case 'HHI':
		case 'people':
		case 'places':
		case 'count':
			return formatCount(Math.round(value));
		default:
			return formatNumber(value);
	}
}

/** Up to 3 decimal places, for inputs such as need shares and unrounded places. */
export function formatNumber(value: number): string {
	return new Intl.NumberFormat('en-GB', { maximumFractionDigits: 3 }).format(value);
}

/** A difference with its sign: +400, −1,200, 0. */
export function formatSigned(value: number, format: (v: number) => string = formatCount): string {
	const rounded = Math.round(value);
	if (rounded === 0) return '0';
	return `${rounded > 0 ? '+' : '−'}${format(Math.abs(rounded))}`;
}
