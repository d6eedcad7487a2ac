/**
 * How a figure came to be. Every number the app shows carries one of these, and the
 * interface prints the label beside anything that is not published.
 * - published: appears in the cited source.
 * - derived: arithmetic or a join done here on published data, by a stated method.
 * - modelled: an estimate made by a stated model (e.g. caseload apportioned by population).
 */
export const PROVENANCES = ['published', 'derived', 'modelled'] as const;
export type Provenance = (typeof PROVENANCES)[number];

export function isProvenance(value: string): value is Provenance {
	return (PROVENANCES as readonly string[]).includes(value);
}
