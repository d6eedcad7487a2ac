/** Mean Earth radius in km (IUGG), the value the E2SFCA definition fixes. */
export const EARTH_RADIUS_KM = 6371.0088;

const RAD = Math.PI / 180;

/** Great-circle distance in km between two points given in degrees. */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
	const dLat = (lat2 - lat1) * RAD;
	const dLon = (lon2 - lon1) * RAD;
	const a =
		Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
	return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * The weighted mean position of points (e.g. district centroids weighted by population), on the
 * unit sphere so it is right across longitudes; null when there are no points or no weight.
 */
export function weightedCentroid(
	points: readonly { lat: number; lon: number; weight: number }[]
): { lat: number; lon: number } | null {
	let x = 0;
	let y = 0;
	let z = 0;
	let total = 0;
	for (const p of points) {
		if (!(p.weight > 0)) continue;
		const lat = p.lat * RAD;
		const lon = p.lon * RAD;
		x += p.weight * Math.cos(lat) * Math.cos(lon);
		y += p.weight * Math.cos(lat) * Math.sin(lon);
		z += p.weight * Math.sin(lat);
		total += p.weight;
	}
	if (total === 0) return null;
	return { lat: Math.atan2(z, Math.hypot(x, y)) / RAD, lon: Math.atan2(y, x) / RAD };
}
