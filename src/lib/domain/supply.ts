import { LOT_CONTRACT_TYPE, type CrsCategory, type CrsLot } from './categories';
import type { Provenance } from './provenance';

/** The five supply sources every service record comes from. */
export const SUPPLY_SOURCES = ['dynamic-framework', 'crs', 'roif', 'cfo', 'local'] as const;
export type SupplySource = (typeof SUPPLY_SOURCES)[number];

export const SOURCE_LABELS: Record<SupplySource, string> = {
	'dynamic-framework': 'Dynamic Framework',
	crs: 'CRS contract',
	roif: 'ROIF grant',
	cfo: 'CFO activity hub',
	local: 'Other local service'
};

export const MECHANISMS = ['contract', 'grant', 'call-off', 'in-kind'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

/** The geography a service is let at: a whole region, named PCC areas, named PDUs, or a site. */
export type LotLevel = 'region' | 'pcc-area' | 'pdu' | 'site';
export type SexEligibility = 'any' | 'female' | 'male';

/** A PCC area a service covers, and the last day it covered it (null: for the whole term). */
export interface CoveredPccArea {
	id: string;
	until: string | null;
}

/**
 * One unit of supply, whatever source it came from: who funds it, by what mechanism, who leads and
 * subcontracts, for which categories, for whom, where, when, how much and how many.
 * Dates are ISO `YYYY-MM-DD`; money is £; places are people per year.
 */
export interface SupplyRecord {
	id: number;
	reference: string;
	source: SupplySource;
	/** award (a published award), definition (an R&M contract definition), site-service, grant */
	recordType: string;
	name: string;
	mechanism: Mechanism;
	funder: string | null;
	leadProvider: string | null;
	leadOrganisationId: number | null;
	subcontractors: { id: number; name: string }[];
	categories: CrsCategory[];
	contractType: string | null;
	lotLevel: LotLevel;
	regionCode: string | null;
	pccAreas: CoveredPccArea[];
	pduCodes: string[];
	sex: SexEligibility;
	minAge: number | null;
	maxAge: number | null;
	startDate: string | null;
	endDate: string | null;
	referralFrom: string | null;
	referralUntil: string | null;
	annualValueGbp: number | null;
	totalValueGbp: number | null;
	placesPerYear: number | null;
	provenance: Provenance;
	provenanceNote: string;
	/** References of the records this one is the same contract as (award ↔ R&M definitions). */
	linkedReferences: string[];
	datasetKey: string;
	datasetVersion: number;
}

/** The geography of a PDU that decides which services reach it. */
export interface PduReachKey {
	code: string;
	regionCode: string;
	pccAreaIds: readonly string[];
}

/**
 * Whether a service's contract geography covers a PDU: a region-level service covers every PCC area
 * in its region; a PCC-area service covers the PDUs in its PCC areas (optionally only those still
 * covered on `onDate`); a PDU-level service names its PDUs. Site-level services reach through their
 * sites, which the caller matches by location.
 */
export function serviceCoversPdu(
	service: Pick<SupplyRecord, 'lotLevel' | 'regionCode' | 'pccAreas' | 'pduCodes'>,
	pdu: PduReachKey,
	onDate?: string
): boolean {
	switch (service.lotLevel) {
		case 'region':
			return service.regionCode === pdu.regionCode;
		case 'pcc-area':
			return service.pccAreas.some(
				(area) =>
					pdu.pccAreaIds.includes(area.id) &&
					(!onDate || area.until === null || area.until >= onDate)
			);
		case 'pdu':
			return service.pduCodes.includes(pdu.code);
		case 'site':
			return false;
	}
}

/** Whether a service's referral window is open on a date (an unset bound is open). */
export function referralsOpenOn(
	service: Pick<SupplyRecord, 'referralFrom' | 'referralUntil'>,
	date: string
): boolean {
	return (
		(!service.referralFrom || service.referralFrom <= date) &&
		(!service.referralUntil || service.referralUntil >= date)
	);
}

/** Whether a service is running on a date: started (or start unknown) and not yet ended. */
export function isOpenOn(
	service: Pick<SupplyRecord, 'startDate' | 'endDate'>,
	date: string
): boolean {
	return (
		(!service.startDate || service.startDate <= date) &&
		(!service.endDate || service.endDate >= date)
	);
}

/** A 2021 CRS award, as needed to find its Refer and Monitor contract definitions. */
export interface AwardLinkKey {
	key: string;
	regionCode: string;
	lot: CrsLot;
	lead: string;
	lotLevel: 'region' | 'pcc-area';
	/** Every PCC area the award covered at any time in its term. */
	pccAreaIds: readonly string[];
	/** True when those PCC areas are all the PCC areas of the region (e.g. London's one). */
	coversWholeRegion: boolean;
}

/** A Refer and Monitor contract definition, as needed to find its 2021 award. */
export interface DefinitionLinkKey {
	key: string;
	regionCode: string;
	contractTypeCode: string;
	lead: string;
	pccAreaIds: readonly string[];
	visibleFrom: string | null;
}

export interface AwardLinks {
	/** definition key → award key */
	links: Map<string, string>;
	/** definitions that fit more than one award: left unlinked rather than guessed */
	ambiguous: string[];
}

/**
 * Link R&M contract definitions to the 2021 awards they implement. A definition links to an award
 * only when all of these hold, and to no award when more than one fits:
 * the same probation region; the R&M contract type of the award's lot (ACC, ETE, PWB, WOS);
 * the same lead provider (canonical name); visible for referrals from a date in 2021 (Day 1);
 * and, for a region-level award, a region-level definition, or for a PCC-area award, a definition
 * whose PCC areas all lie in the award's areas (or a region-level definition, when the award's
 * PCC areas are the whole region).
 */
export function linkAwardsToDefinitions(
	awards: readonly AwardLinkKey[],
	definitions: readonly DefinitionLinkKey[]
): AwardLinks {
	const links = new Map<string, string>();
	const ambiguous: string[] = [];
	for (const def of definitions) {
		if (!def.visibleFrom || !def.visibleFrom.startsWith('2021')) continue;
		const candidates = awards.filter((award) => {
			if (award.regionCode !== def.regionCode) return false;
			if (LOT_CONTRACT_TYPE[award.lot] !== def.contractTypeCode) return false;
			if (award.lead !== def.lead) return false;
			if (def.pccAreaIds.length === 0)
				return award.lotLevel === 'region' || award.coversWholeRegion;
			if (award.lotLevel === 'region') return false;
			return def.pccAreaIds.every((id) => award.pccAreaIds.includes(id));
		});
		if (candidates.length === 1) links.set(def.key, candidates[0]!.key);
		else if (candidates.length > 1) ambiguous.push(def.key);
	}
	return { links, ambiguous };
}

/**
 * The subcontractors of each award as named in its linked contract definitions (awards themselves
 * name only the prime), de-duplicated and sorted by name. An award with no linked definition is absent.
 */
export function subcontractorsViaLinks(
	awards: readonly Pick<SupplyRecord, 'reference' | 'linkedReferences'>[],
	definitions: readonly Pick<SupplyRecord, 'reference' | 'subcontractors'>[]
): Record<string, { id: number; name: string }[]> {
	const byReference = new Map(definitions.map((d) => [d.reference, d]));
	const result: Record<string, { id: number; name: string }[]> = {};
	for (const award of awards) {
		if (award.linkedReferences.length === 0) continue;
		const subs = new Map<number, string>();
		for (const ref of award.linkedReferences)
			for (const sub of byReference.get(ref)?.subcontractors ?? []) subs.set(sub.id, sub.name);
		result[award.reference] = [...subs]
			.map(([id, name]) => ({ id, name }))
			.sort((a, b) => a.name.localeCompare(b.name));
	}
	return result;
}

export interface ServiceStatus {
	/** open: running and taking referrals on the date; closed: not; unknown: the data cannot say. */
	state: 'open' | 'closed' | 'unknown';
	/** a short label for a tag */
	label: string;
	/** the reason, in a sentence, where the label alone could mislead */
	detail: string | null;
}

/**
 * Whether a service is running on a date, in words a commissioner would use. An award past its
 * standard term whose linked Refer and Monitor definitions still take referrals is reported as
 * such, because extensions are not published with the awards.
 */
export function describeStatus(
	service: Pick<
		SupplyRecord,
		'recordType' | 'startDate' | 'endDate' | 'referralFrom' | 'referralUntil'
	>,
	linked: readonly Pick<SupplyRecord, 'referralFrom' | 'referralUntil'>[],
	date: string
): ServiceStatus {
	if (service.startDate && service.startDate > date)
		return { state: 'closed', label: 'Not started', detail: `Starts ${service.startDate}` };
	if (service.recordType === 'definition') {
		if (service.referralUntil && service.referralUntil < date)
			return {
				state: 'closed',
				label: 'Referrals closed',
				detail: `Closed ${service.referralUntil}`
			};
		if (service.referralFrom && service.referralFrom > date)
			return {
				state: 'closed',
				label: 'Not yet open',
				detail: `Referrals from ${service.referralFrom}`
			};
		return { state: 'open', label: 'Taking referrals', detail: null };
	}
	if (service.endDate && service.endDate < date) {
		if (service.recordType === 'award' && linked.some((l) => referralsOpenOn(l, date)))
			return {
				state: 'open',
				label: 'Taking referrals',
				detail: `Standard term ended ${service.endDate}; Refer and Monitor still takes referrals (extension values not published)`
			};
		return {
			state: 'closed',
			label: 'Ended',
			detail:
				service.recordType === 'award'
					? `Standard term ended ${service.endDate}`
					: `Ended ${service.endDate}`
		};
	}
	if (!service.startDate && !service.endDate)
		return {
			state: 'unknown',
			label: 'Dates not known',
			detail: 'Start and end dates not published'
		};
	return { state: 'open', label: 'Running', detail: null };
}
