import { interpolateMagma, interpolateViridis } from 'd3-scale-chromatic';

export const UNKNOWN_FILL = '#b1b4b6';

/** Coverage 0–100%+ on viridis (colour-blind safe): dark is low, yellow is full. */
export function coverageColour(t: number): string {
	return interpolateViridis(Math.max(0, Math.min(1, t)));
}

/** Gap on magma, reversed so a bigger gap is darker. */
export function gapColour(t: number): string {
	return interpolateMagma(0.95 - 0.85 * Math.max(0, Math.min(1, t)));
}
