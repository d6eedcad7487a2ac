import type { Feature, Geometry } from 'geojson';
import { interpolateMagma } from 'd3-scale-chromatic';
import type { Measure } from '$lib/domain/scenario';

/** A PDU area (or a district shared by two PDUs) from /api/v1/boundaries?level=pdu. */
export type Area = Feature<
	Geometry,
	{ code: string; kind: string; name: string; regionCode: string; pduCodes: string[] }
>;

export const UNKNOWN_FILL = '#b1b4b6';

/** Gap on magma, reversed so a bigger gap is darker: the Gap finder's scale. */
export function gapColour(t: number): string {
	return interpolateMagma(0.95 - 0.85 * Math.max(0, Math.min(1, t)));
}

/** An area's figures: a shared district adds up the PDUs that share it. */
export function areaFigures(
	area: Area,
	measures: ReadonlyMap<string, Pick<Measure, 'places' | 'gap'>>
): { places: number; gap: number | null } {
	const mine = area.properties.pduCodes.flatMap((code) => measures.get(code) ?? []);
	const known = mine.length > 0 && mine.every((m) => m.gap !== null);
	return {
		places: mine.reduce((s, m) => s + m.places, 0),
		gap: known ? mine.reduce((s, m) => s + m.gap!, 0) : null
	};
}

/** [[south, west], [north, east]] around some areas; England and Wales when there are none. */
export function boundsOf(areas: readonly Area[]): [[number, number], [number, number]] {
	if (areas.length === 0)
		return [
			[49.9, -6.4],
			[55.9, 1.8]
		];
	let [s, w, n, e] = [90, 180, -90, -180];
	const visit = (c: unknown): void => {
		if (Array.isArray(c) && typeof c[0] === 'number') {
			const [lon, lat] = c as [number, number];
			s = Math.min(s, lat);
			n = Math.max(n, lat);
			w = Math.min(w, lon);
			e = Math.max(e, lon);
		} else if (Array.isArray(c)) c.forEach(visit);
	};
	for (const a of areas) visit((a.geometry as { coordinates: unknown }).coordinates);
	return [
		[s, w],
		[n, e]
	];
}
