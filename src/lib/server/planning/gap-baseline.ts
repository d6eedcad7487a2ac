import type { GapBaseline } from '$lib/gap-view';
import type { DB } from '../db';
import { loadBaseline, type Baseline } from './baseline';

/**
 * The gap baseline of each baseline loadBaseline returned (it returns the same object until a
 * dataset version changes, so this follows its cache, and every instance reads the versions afresh).
 */
const trimmed = new WeakMap<Baseline, GapBaseline>();

/** The baseline trimmed to what the gap views use, small enough to send to the browser. */
export async function loadGapBaseline(db: DB): Promise<GapBaseline> {
	const baseline = await loadBaseline(db);
	let gapBaseline = trimmed.get(baseline);
	if (!gapBaseline) {
		gapBaseline = trim(baseline);
		trimmed.set(baseline, gapBaseline);
	}
	return gapBaseline;
}

function trim(baseline: Baseline): GapBaseline {
	const { sites } = baseline;
	const regions = new Map(baseline.pdus.map((p) => [p.regionCode, p.regionName]));
	return {
		datasetVersions: baseline.datasetVersions,
		regions: [...regions]
			.map(([code, name]) => ({ code, name }))
			.sort((a, b) => a.name.localeCompare(b.name)),
		pdus: baseline.pdus,
		needShares: [...baseline.needShares],
		needShareNotes: [...baseline.needShareNotes],
		services: baseline.services
			.filter((s) => s.categories.length > 0)
			.map((s) => ({
				reference: s.reference,
				name: s.name,
				recordType: s.recordType,
				leadProvider: s.leadProvider,
				categories: s.categories,
				lotLevel: s.lotLevel,
				regionCode: s.regionCode,
				pccAreas: s.pccAreas,
				pduCodes: s.pduCodes,
				sex: s.sex,
				minAge: s.minAge,
				maxAge: s.maxAge,
				startDate: s.startDate,
				endDate: s.endDate,
				referralFrom: s.referralFrom,
				referralUntil: s.referralUntil,
				annualValueGbp: s.annualValueGbp,
				placesPerYear: s.placesPerYear,
				linkedReferences: s.linkedReferences,
				sites: s.sites
			})),
		sites: sites.flatMap((s) =>
			s.lat === null || s.lon === null
				? []
				: [
						{
							reference: s.reference,
							name: s.name,
							kind: s.kind,
							lat: s.lat,
							lon: s.lon,
							regionCode: s.regionCode,
							precision: s.locationPrecision
						}
					]
		)
	};
}
