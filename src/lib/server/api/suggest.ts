/**
 * "Did you mean …?" for bad API parameters: the nearest valid value to what was sent.
 */

import { caseAndSpaceKey } from '$lib/domain/text';

/**
 * Edit distance between two strings: insertions, deletions, substitutions and swaps of two
 * neighbouring characters each cost 1 (optimal string alignment), so "N45" is one edit from "N54".
 */
export function editDistance(a: string, b: string): number {
	if (a === b) return 0;
	if (!a.length) return b.length;
	if (!b.length) return a.length;
	// Three rolling rows: the one before last (for swaps), the last, and the current.
	let before: number[] = [];
	let last = Array.from({ length: b.length + 1 }, (_, j) => j);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let best = Math.min(last[j]! + 1, current[j - 1]! + 1, last[j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
				best = Math.min(best, before[j - 2]! + 1);
			current.push(best);
		}
		before = last;
		last = current;
	}
	return last[b.length]!;
}

/** A value that could be suggested, and the spellings of it to compare the input with. */
export interface SuggestionCandidate {
	value: string;
	/** Defaults to the value itself. */
	spellings?: readonly string[];
}

/**
 * The valid value nearest to `input`, or undefined when nothing is near enough to be a useful guess.
 * In order: a spelling equal to the input ignoring case; a spelling that contains the input
 * (3+ characters, so "debt" finds "Finance, Benefits and Debt"); then the fewest edits, allowing
 * one edit per three characters typed (so nothing is guessed for one- or two-character input).
 * Ties go to the candidate listed first.
 */
export function suggestNearest(
	input: string,
	candidates: readonly (string | SuggestionCandidate)[]
): string | undefined {
	const typed = caseAndSpaceKey(input);
	if (!typed) return undefined;
	const options = candidates.map((c) =>
		typeof c === 'string'
			? { value: c, spellings: [caseAndSpaceKey(c)] }
			: { value: c.value, spellings: (c.spellings ?? [c.value]).map(caseAndSpaceKey) }
	);
	const exact = options.find((o) => o.spellings.includes(typed));
	if (exact) return exact.value;
	if (typed.length >= 3) {
		const containing = options.find((o) => o.spellings.some((s) => s.includes(typed)));
		if (containing) return containing.value;
	}
	const allowed = Math.floor(typed.length / 3);
	let best: { value: string; distance: number } | undefined;
	for (const option of options) {
		for (const spelling of option.spellings) {
			const distance = editDistance(typed, spelling);
			if (distance <= allowed && (!best || distance < best.distance))
				best = { value: option.value, distance };
		}
	}
	return best?.value;
}

/** Quote a value sent by a client for an error message, cutting very long ones short. */
export function quoteInput(value: string): string {
	return `'${value.length > 60 ? `${value.slice(0, 60)}…` : value}'`;
}

/**
 * "'x' is not a supply source. Did you mean 'crs'? Valid: 'dynamic-framework', 'crs', …"
 * `valid` is shown as given: pass it quoted, or as a description.
 */
export function notOneOf(
	input: string,
	what: string,
	suggestion: string | undefined,
	valid: string
): string {
	const hint = suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`;
	return `${quoteInput(input)} is not ${what}.${hint} Valid: ${valid}`;
}

/** `'a', 'b', 'c'` */
export function quoteList(values: readonly string[]): string {
	return values.map((v) => `'${v}'`).join(', ');
}
