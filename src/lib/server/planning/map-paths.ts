import { geoMercator, geoPath } from 'd3-geo';
import type { DB } from '../db';
import { loadBoundaries, type AreaProperties } from './boundaries';

/** An area drawn as an SVG path (PDU, or a district shared by two PDUs), in map pixels. */
export interface MapArea extends AreaProperties {
	d: string;
}

/** PDU and region outlines projected once for static SVG maps (compare, reports, print). */
export interface MapPaths {
	width: number;
	height: number;
	areas: MapArea[];
	regions: { code: string; name: string; d: string }[];
}

const cache = new Map<string, MapPaths>();

/**
 * England and Wales projected (Mercator, fitted to the PDUs) into a `width` × `height` box, with
 * coordinates rounded to 0.1 px so a small multiple costs a few tens of kB.
 */
export async function loadMapPaths(db: DB, width = 320, height = 380): Promise<MapPaths> {
	const key = `${width}x${height}`;
	const hit = cache.get(key);
	if (hit) return hit;
	const { pdus, regions } = await loadBoundaries(db);
	const projection = geoMercator().fitExtent(
		[
			[4, 4],
			[width - 4, height - 4]
		],
		pdus
	);
	const path = geoPath(projection).digits(1);
	const paths: MapPaths = {
		width,
		height,
		areas: pdus.features.map((f) => ({ ...f.properties, d: path(f) ?? '' })),
		regions: regions.features.map((f) => ({
			code: f.properties.code,
			name: f.properties.name,
			d: path(f) ?? ''
		}))
	};
	cache.set(key, paths);
	return paths;
}
