import fs from 'node:fs';
import { geoBounds, geoContains } from 'd3-geo';
import { feature } from 'topojson-client';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { Topology } from 'topojson-specification';

interface BoundedFeature {
	code: string;
	feature: Feature<Geometry, { AREACD: string }>;
	bounds: [[number, number], [number, number]];
}

/** Point-in-polygon lookup of local authority districts, with a bounding-box prefilter. */
export class LadLocator {
	private readonly features: BoundedFeature[];

	constructor(topoJsonFile: string) {
		const topology = JSON.parse(fs.readFileSync(topoJsonFile, 'utf8')) as Topology;
		const objectName = Object.keys(topology.objects)[0]!;
		const collection = feature(
			topology,
			topology.objects[objectName]!
		) as unknown as FeatureCollection<Geometry, { AREACD: string }>;
		this.features = collection.features.map((f) => ({
			code: f.properties.AREACD,
			feature: f,
			bounds: geoBounds(f)
		}));
	}

	/** The code of the district containing the point, or undefined (e.g. just off the generalised coast). */
	findLad(lon: number, lat: number): string | undefined {
		for (const f of this.features) {
			const [[w, s], [e, n]] = f.bounds;
			if (lon < w || lon > e || lat < s || lat > n) continue;
			if (geoContains(f.feature, [lon, lat])) return f.code;
		}
		return undefined;
	}
}

/** The outcode of a UK postcode at the end of an address ("…, Derby, DE1 2EQ" → "DE1"). */
export function outcodeOf(address: string): string | undefined {
	const match = /([A-Z]{1,2}\d[A-Z\d]?)\s*\d[A-Z]{2}\s*$/i.exec(address.trim());
	return match?.[1]?.toUpperCase();
}

/** The full postcode at the end of an address, normalised to "OUT IN". */
export function postcodeOf(address: string): string | undefined {
	const match = /([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\s*$/i.exec(address.trim());
	return match ? `${match[1]!.toUpperCase()} ${match[2]!.toUpperCase()}` : undefined;
}
