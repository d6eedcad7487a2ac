import type { CrsCategory } from '$lib/domain/categories';
import type { Provenance } from '$lib/domain/provenance';
import type { LotLevel, Mechanism, SexEligibility, SupplySource } from '$lib/domain/supply';
import type { DatasetInfo } from '../repositories/datasets';
import type { OrganisationSummary } from '../repositories/organisations';
import type { PduSummary } from '../repositories/pdus';
import type { RegionSummary } from '../repositories/regions';
import type { ServiceRecord } from '../repositories/services';

/**
 * The JSON shapes of the read API, mapped from repository objects. These are a published contract:
 * add fields, do not rename or remove them. Money is £, dates ISO `YYYY-MM-DD`, people whole.
 */

/** Where a record's figures come from, and how far to trust them. */
export interface RecordProvenance {
	label: Provenance;
	note: string;
	dataset: string;
	datasetVersion: number;
}

export interface ServiceRow {
	reference: string;
	name: string;
	source: SupplySource;
	/** award | definition | site-service | grant */
	recordType: string;
	mechanism: Mechanism;
	funder: string | null;
	/** nDelius region code, e.g. N54 */
	region: string | null;
	regionName: string | null;
	categories: CrsCategory[];
	contractType: string | null;
	contractTypeName: string | null;
	leadProvider: string | null;
	leadOrgType: string | null;
	subcontractors: string[];
	/** £ over the term; null when not published. */
	totalValueGbp: number | null;
	/** £ per year; null when not published or derivable. */
	annualValueGbp: number | null;
	placesPerYear: number | null;
	lotLevel: LotLevel;
	pccAreas: { id: string; name: string; until: string | null }[];
	pduCodes: string[];
	sex: SexEligibility;
	minAge: number | null;
	maxAge: number | null;
	awardDate: string | null;
	startDate: string | null;
	endDate: string | null;
	referralFrom: string | null;
	referralUntil: string | null;
	/** References of the records that are the same contract (a 2021 award ↔ its R&M definitions). */
	linkedReferences: string[];
	deliveryLocations: string | null;
	provenance: RecordProvenance;
}

function recordProvenance(s: ServiceRecord): RecordProvenance {
	return {
		label: s.provenance,
		note: s.provenanceNote,
		dataset: s.datasetKey,
		datasetVersion: s.datasetVersion
	};
}

export function toServiceRow(s: ServiceRecord): ServiceRow {
	return {
		reference: s.reference,
		name: s.name,
		source: s.source,
		recordType: s.recordType,
		mechanism: s.mechanism,
		funder: s.funder,
		region: s.regionCode,
		regionName: s.regionName,
		categories: s.categories,
		contractType: s.contractType,
		contractTypeName: s.contractTypeName,
		leadProvider: s.leadProvider,
		leadOrgType: s.leadOrgType,
		subcontractors: s.subcontractors.map((o) => o.name),
		totalValueGbp: s.totalValueGbp,
		annualValueGbp: s.annualValueGbp,
		placesPerYear: s.placesPerYear,
		lotLevel: s.lotLevel,
		pccAreas: s.pccAreas.map((a) => ({
			id: a.id,
			name: s.pccAreaNames[a.id] ?? a.id,
			until: a.until
		})),
		pduCodes: s.pduCodes,
		sex: s.sex,
		minAge: s.minAge,
		maxAge: s.maxAge,
		awardDate: s.awardDate,
		startDate: s.startDate,
		endDate: s.endDate,
		referralFrom: s.referralFrom,
		referralUntil: s.referralUntil,
		linkedReferences: s.linkedReferences,
		deliveryLocations: s.deliveryLocations,
		provenance: recordProvenance(s)
	};
}

/** A service in a region's listing: enough to recognise it and fetch the rest from /services. */
export type CompactServiceRow = Pick<
	ServiceRow,
	| 'reference'
	| 'name'
	| 'source'
	| 'recordType'
	| 'categories'
	| 'leadProvider'
	| 'lotLevel'
	| 'totalValueGbp'
	| 'startDate'
	| 'endDate'
	| 'provenance'
> & { pccAreas: string[] };

export function toCompactServiceRow(s: ServiceRecord): CompactServiceRow {
	return {
		reference: s.reference,
		name: s.name,
		source: s.source,
		recordType: s.recordType,
		categories: s.categories,
		leadProvider: s.leadProvider,
		lotLevel: s.lotLevel,
		pccAreas: s.pccAreas.map((a) => a.id),
		totalValueGbp: s.totalValueGbp,
		startDate: s.startDate,
		endDate: s.endDate,
		provenance: recordProvenance(s)
	};
}

/**
 * Sum of the values that are published, or null when none is: "no figure" is not £0.
 * Callers filter first so that potential (framework) and actual (call-off) values are never mixed.
 */
export function sumKnownValues(values: readonly (number | null)[]): number | null {
	const known = values.filter((v): v is number => v !== null);
	return known.length ? known.reduce((a, b) => a + b, 0) : null;
}

export function toRegionRow(r: RegionSummary) {
	return {
		code: r.code,
		rmCode: r.rmCode,
		name: r.name,
		population: r.population,
		pduCount: r.pduCount,
		caseload: r.caseload,
		caseloadProvenance: r.caseloadProvenance,
		awardCount: r.awardCount,
		awardValueGbp: r.awardValueGbp
	};
}

export function toPduRow(p: PduSummary) {
	return {
		code: p.code,
		slug: p.slug,
		name: p.name,
		regionCode: p.regionCode,
		regionName: p.regionName,
		pccAreas: p.pccAreas.map((a) => ({ id: a.id, name: a.name })),
		population: p.population,
		caseload: p.caseload,
		caseloadProvenance: p.caseloadProvenance
	};
}

export function toOrganisationRow(o: OrganisationSummary) {
	return {
		id: o.id,
		name: o.name,
		// null means not known, never "other"
		orgType: o.orgType,
		orgTypeBasis: o.orgTypeBasis,
		rmProviderCode: o.rmProviderCode,
		charityNumber: o.charityNumber,
		companyNumber: o.companyNumber,
		annualIncomeGbp: o.annualIncomeGbp,
		byAndFor: o.byAndFor,
		leadCount: o.leadCount,
		subcontractCount: o.subcontractCount,
		awardValueLedGbp: o.awardValueLedGbp,
		aliases: o.aliases
	};
}

export function toDatasetRow(d: DatasetInfo) {
	return {
		key: d.key,
		title: d.title,
		description: d.description,
		provenance: d.provenance,
		method: d.method,
		source: d.source,
		sourceUrl: d.sourceUrl,
		licence: d.licence,
		vintage: d.vintage,
		version: d.version,
		rowCount: d.rowCount,
		fileName: d.fileName,
		checksum: d.checksum,
		loadedAt: d.loadedAt,
		loadedBy: d.loadedBy
	};
}
