import type { GapBaseline } from '$lib/gap-view';
import type { DB } from '../db';
import { listSites } from '../repositories/services';
import { loadBaseline } from './baseline';

/** The baseline trimmed to what the gap views use, small enough to send to the browser. */
export async function loadGapBaseline(db: DB): Promise<GapBaseline> {
	const [baseline, sites] = await Promise.all([loadBaseline(db), listSites(db)]);
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
