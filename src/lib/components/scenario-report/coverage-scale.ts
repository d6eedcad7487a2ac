/** Coverage bands for static gap maps: the same bands on every map, so maps compare. */
export const COVERAGE_BANDS = [
	{ upTo: 0.25, colour: '#d4351c', label: 'under 25%' },
	{ upTo: 0.5, colour: '#f47738', label: '25% to 49%' },
	{ upTo: 0.75, colour: '#ffdd00', label: '50% to 74%' },
	{ upTo: 1, colour: '#85994b', label: '75% to 99%' },
	{ upTo: Infinity, colour: '#00703c', label: '100% or more' }
] as const;

/** Fill for need not known (no published need share, or no caseload). */
export const NOT_KNOWN_COLOUR = '#b1b4b6';

/** The fill for a coverage (places ÷ need, 0 or more); grey where it is not known. */
export function coverageColour(coverage: number | null): string {
	if (coverage === null || !Number.isFinite(coverage)) return NOT_KNOWN_COLOUR;
	return COVERAGE_BANDS.find((b) => coverage < b.upTo)?.colour ?? COVERAGE_BANDS.at(-1)!.colour;
}
