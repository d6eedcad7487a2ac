import fs from 'node:fs';
import path from 'node:path';
import { merge } from 'topojson-client';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { DB } from '../db';
import { defaultDataDir } from '../seed';

export interface AreaProperties {
	/** pdu: one PDU's whole districts; shared: a district split between PDUs; region: a probation region */
	kind: 'pdu' | 'shared' | 'region';
	code: string;
	name: string;
	regionCode: string;
	/** the PDUs drawn by this area (two for a shared district) */
	pduCodes: string[];
}

export type AreaCollection = FeatureCollection<Polygon | MultiPolygon, AreaProperties>;

let cache: { pdus: AreaCollection; regions: AreaCollection } | undefined;

function round(geometry: Polygon | MultiPolygon): Polygon | MultiPolygon {
	const r = (n: number) => Math.round(n * 1e4) / 1e4;
	if (geometry.type === 'Polygon')
		return {
			type: 'Polygon',
			coordinates: geometry.coordinates.map((ring) => ring.map(([x, y]) => [r(x!), r(y!)]))
		};
	return {
		type: 'MultiPolygon',
		coordinates: geometry.coordinates.map((poly) =>
			poly.map((ring) => ring.map(([x, y]) => [r(x!), r(y!)]))
		)
	};
}

/**
 * PDU and region boundaries, built by merging the shipped local authority district boundaries
 * (no PDU boundaries are published). A district split between two PDUs cannot be divided, so it is
 * drawn as its own "shared" area for both.
 */
export async function loadBoundaries(
	db: DB,
	dataDir = defaultDataDir()
): Promise<{ pdus: AreaCollection; regions: AreaCollection }> {
	if (cache) return cache;
	const topology = JSON.parse(
		fs.readFileSync(path.join(dataDir, 'geography/boundaries/lad_dec2024_uk_buc.topo.json'), 'utf8')
	) as Topology;
	const object = Object.values(topology.objects)[0] as GeometryCollection<{ AREACD: string }>;
	const byLad = new Map(
		object.geometries.map((g) => [(g.properties as { AREACD: string }).AREACD, g])
	);
	const [pdus, pduLads, regions] = await Promise.all([
		db
			.selectFrom('pdus')
			.where('valid_to', 'is', null)
			.select(['code', 'name', 'region_code'])
			.orderBy('code')
			.execute(),
		db.selectFrom('pdu_lads').select(['pdu_code', 'lad_code', 'coverage']).execute(),
		db.selectFrom('regions').select(['code', 'name']).execute()
	]);
	const lads = await db.selectFrom('lads').select(['code', 'name', 'region_code']).execute();
	const ladName = new Map(lads.map((l) => [l.code, l]));
	const features: Feature<Polygon | MultiPolygon, AreaProperties>[] = [];
	for (const pdu of pdus) {
		const whole = pduLads
			.filter((l) => l.pdu_code === pdu.code && l.coverage === 'whole')
			.flatMap((l) => byLad.get(l.lad_code) ?? []);
		if (whole.length === 0) continue;
		features.push({
			type: 'Feature',
			properties: {
				kind: 'pdu',
				code: pdu.code,
				name: pdu.name,
				regionCode: pdu.region_code,
				pduCodes: [pdu.code]
			},
			geometry: round(merge(topology, whole as never) as MultiPolygon)
		});
	}
	const splitLads = [
		...new Set(pduLads.filter((l) => l.coverage === 'part').map((l) => l.lad_code))
	];
	for (const lad of splitLads) {
		const geometry = byLad.get(lad);
		const info = ladName.get(lad);
		if (!geometry || !info) continue;
		const sharing = pduLads
			.filter((l) => l.lad_code === lad)
			.map((l) => l.pdu_code)
			.sort();
		features.push({
			type: 'Feature',
			properties: {
				kind: 'shared',
				code: `shared-${lad}`,
				name: `${info.name} (shared by ${sharing.map((c) => pdus.find((p) => p.code === c)?.name ?? c).join(' and ')})`,
				regionCode: info.region_code,
				pduCodes: sharing
			},
			geometry: round(merge(topology, [geometry] as never) as MultiPolygon)
		});
	}
	const regionFeatures: Feature<Polygon | MultiPolygon, AreaProperties>[] = regions.map(
		(region) => {
			const codes = pduLads
				.filter((l) => pdus.find((p) => p.code === l.pdu_code)?.region_code === region.code)
				.map((l) => l.lad_code);
			const geometries = [...new Set(codes)].flatMap((c) => byLad.get(c) ?? []);
			return {
				type: 'Feature',
				properties: {
					kind: 'region',
					code: region.code,
					name: region.name,
					regionCode: region.code,
					pduCodes: pdus.filter((p) => p.region_code === region.code).map((p) => p.code)
				},
				geometry: round(merge(topology, geometries as never) as MultiPolygon)
			};
		}
	);
	cache = {
		pdus: { type: 'FeatureCollection', features },
		regions: { type: 'FeatureCollection', features: regionFeatures }
	};
	return cache;
}
