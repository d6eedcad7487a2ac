// Small statistics helpers (times in ms).

export function sorted(values) {
	return [...values].sort((a, b) => a - b);
}

/** Median; the mean of the two middle values when the count is even. */
export function median(values) {
	if (values.length === 0) return null;
	const s = sorted(values);
	const mid = Math.floor(s.length / 2);
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank percentile (p in 0–100). */
export function percentile(values, p) {
	if (values.length === 0) return null;
	const s = sorted(values);
	const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
	return s[rank - 1];
}

export function max(values) {
	return values.length ? Math.max(...values) : null;
}

export function min(values) {
	return values.length ? Math.min(...values) : null;
}

export function mean(values) {
	return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

export function round(value, digits = 1) {
	if (value === null || value === undefined) return null;
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}
