/**
 * Placing Refer and Monitor delivery locations. A contract definition's `deliveryLocations` is free
 * text, usually a list of towns ("Nottingham City, Mansfield, Leicester"). Each name is matched to a
 * local authority district of the definition's own probation region by exact name, ignoring case
 * and spacing, or by that name without a trailing " City" ("Nottingham City" → Nottingham). Nothing
 * is guessed: a name that does not match (a town inside a district, a prison, a county, a typo) is
 * reported as unmatched, never placed near something like it.
 */

import { caseAndSpaceKey } from '$lib/domain/text';

export interface DistrictName {
	code: string;
	name: string;
	regionCode: string;
}

/** What the rule is, in a sentence, for the API's method text. */
export const LOCATION_RULE =
	'the free text is split at commas, semicolons and vertical bars (HTML tags removed); each name is matched, ignoring case and spacing, to a local authority district of the same probation region by its exact name (ONS names such as "Bristol, City of" also as "Bristol") or by the name without a trailing " City" (no fuzzy matching), and placed at that district\u2019s approximate population-weighted centroid';

/**
 * The names in a delivery-locations field, in order, each once (compared ignoring case): split at
 * commas, semicolons, vertical bars and line breaks, HTML tags removed, trailing full stops dropped.
 */
export function splitLocations(field: string | null): string[] {
	if (!field) return [];
	const seen = new Set<string>();
	const names: string[] = [];
	for (const part of field.replace(/<[^>]*>/g, ' ').split(/[,;|\n\r]/)) {
		const name = part.replace(/\s+/g, ' ').trim().replace(/\.+$/, '').trim();
		if (!name || seen.has(caseAndSpaceKey(name))) continue;
		seen.add(caseAndSpaceKey(name));
		names.push(name);
	}
	return names;
}

/** Districts by region and lower-case name, for `matchLocation`. */
export function indexDistricts(districts: readonly DistrictName[]): Map<string, DistrictName> {
	const index = new Map<string, DistrictName>();
	for (const d of districts) {
		index.set(`${d.regionCode}|${caseAndSpaceKey(d.name)}`, d);
		// ONS writes some unitary names as "Bristol, City of"; the towns are written plainly.
		const plain = caseAndSpaceKey(d.name).replace(/, city of$/, '');
		if (plain !== caseAndSpaceKey(d.name)) index.set(`${d.regionCode}|${plain}`, d);
	}
	return index;
}

/** The district a location name stands for in a region, or undefined when none matches exactly. */
export function matchLocation(
	name: string,
	regionCode: string,
	index: ReadonlyMap<string, DistrictName>
): DistrictName | undefined {
	const exact = index.get(`${regionCode}|${caseAndSpaceKey(name)}`);
	if (exact) return exact;
	const withoutCity = caseAndSpaceKey(name).replace(/ city$/, '');
	return withoutCity === caseAndSpaceKey(name)
		? undefined
		: index.get(`${regionCode}|${withoutCity}`);
}
