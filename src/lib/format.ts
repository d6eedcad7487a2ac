// Number and date formatting for display, in one place so every page agrees.

const gbp = new Intl.NumberFormat('en-GB', {
	style: 'currency',
	currency: 'GBP',
	maximumFractionDigits: 0
});
const count = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const dateFormat = new Intl.DateTimeFormat('en-GB', {
	day: 'numeric',
	month: 'long',
	year: 'numeric',
	timeZone: 'UTC'
});

/** £1,234,567; "not published" for a missing value, never £0. */
export function formatGbp(value: number | null | undefined): string {
	return value === null || value === undefined ? 'not published' : gbp.format(value);
}

/** £196.1m / £850k: for headline figures where the exact value is shown nearby. */
export function formatGbpShort(value: number): string {
	if (Math.abs(value) >= 1e6) return `£${(value / 1e6).toFixed(1)}m`;
	if (Math.abs(value) >= 1e3) return `£${Math.round(value / 1e3)}k`;
	return gbp.format(value);
}

export function formatCount(value: number | null | undefined): string {
	return value === null || value === undefined ? 'not known' : count.format(value);
}

export function formatPercent(share: number): string {
	return `${Math.round(share * 1000) / 10}%`;
}

/** 26 June 2021 from an ISO date; an empty string for none. */
export function formatDate(iso: string | null | undefined): string {
	if (!iso) return '';
	const date = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
	return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

export function formatSex(sex: string): string {
	return sex === 'female' ? 'Women' : sex === 'male' ? 'Men' : 'Any';
}

export function formatAgeRange(min: number | null, max: number | null): string {
	if (min === null && max === null) return 'Any age';
	if (max === null) return `${min}+`;
	if (min === null) return `Up to ${max}`;
	return `${min}–${max}`;
}
