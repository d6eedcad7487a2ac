import type { CrsCategory } from '$lib/domain/categories';
import type { Provenance } from '$lib/domain/provenance';
import type {
	LotLevel,
	Mechanism,
	SexEligibility,
	SupplyRecord,
	SupplySource
} from '$lib/domain/supply';
import type { DB } from '../db';
import { readSourceRecord } from '../import/source-record';

export interface ServiceFilter {
	source?: SupplySource;
	regionCode?: string;
	category?: CrsCategory;
	/** Year of award (published awards only carry one). */
	year?: number;
	/** award | definition | site-service | grant */
	recordType?: string;
	organisationId?: number;
	reference?: string;
	/** dataset version ids to read (e.g. those a scenario was saved with); default: the current ones */
	versionIds?: readonly number[];
}

export interface ServiceRecord extends SupplyRecord {
	awardDate: string | null;
	contractTypeName: string | null;
	regionName: string | null;
	leadOrgType: string | null;
	pccAreaNames: Record<string, string>;
	deliveryLocations: string | null;
	notes: string | null;
}

/** Rows grouped by the service they belong to. */
function byService<T extends { service_id: number }>(rows: readonly T[]): Map<number, T[]> {
	const map = new Map<number, T[]>();
	for (const row of rows) {
		const list = map.get(row.service_id);
		if (list) list.push(row);
		else map.set(row.service_id, [row]);
	}
	return map;
}

/**
 * Services in the current dataset versions (or the versions given), in the one supply model,
 * filtered. Child rows (categories, PCC areas, subcontractors, links) are fetched in bulk, by a
 * subquery rather than a list of ids (an import may hold 100,000 services), and joined here.
 */
export async function listServices(db: DB, filter: ServiceFilter = {}): Promise<ServiceRecord[]> {
	const versionIds = filter.versionIds;
	let base = db
		.selectFrom('services as s')
		.innerJoin('dataset_versions as v', 'v.id', 's.dataset_version_id')
		.where((eb) =>
			versionIds
				? eb('v.id', 'in', versionIds.length ? [...versionIds] : [-1])
				: eb('v.is_current', '=', 1)
		);
	if (filter.source) base = base.where('s.source', '=', filter.source);
	if (filter.regionCode) base = base.where('s.region_code', '=', filter.regionCode);
	if (filter.recordType) base = base.where('s.record_type', '=', filter.recordType);
	if (filter.reference) base = base.where('s.reference', '=', filter.reference);
	if (filter.year) base = base.where('s.award_date', 'like', `${filter.year}-%`);
	if (filter.category) {
		const category = filter.category;
		base = base.where((eb) =>
			eb.exists(
				eb
					.selectFrom('service_categories as c')
					.whereRef('c.service_id', '=', 's.id')
					.where('c.category', '=', category)
					.select('c.service_id')
			)
		);
	}
	if (filter.organisationId !== undefined) {
		const id = filter.organisationId;
		base = base.where((eb) =>
			eb.or([
				eb('s.lead_organisation_id', '=', id),
				eb.exists(
					eb
						.selectFrom('service_subcontractors as sc')
						.whereRef('sc.service_id', '=', 's.id')
						.where('sc.organisation_id', '=', id)
						.select('sc.service_id')
				)
			])
		);
	}
	const rows = await base
		.leftJoin('organisations as o', 'o.id', 's.lead_organisation_id')
		.leftJoin('regions as r', 'r.code', 's.region_code')
		.selectAll('s')
		.select([
			'o.name as lead_name',
			'o.org_type as lead_org_type',
			'r.name as region_name',
			'v.dataset_key',
			'v.version',
			'v.provenance_note as version_provenance_note',
			'v.source_columns'
		])
		.orderBy('r.name')
		.orderBy('s.record_type')
		.orderBy('s.reference')
		.execute();
	if (rows.length === 0) return [];
	const ids = base.select('s.id');
	const inScope = db
		.selectFrom('services as x')
		.innerJoin('dataset_versions as xv', 'xv.id', 'x.dataset_version_id')
		.where((eb) =>
			versionIds
				? eb('xv.id', 'in', versionIds.length ? [...versionIds] : [-1])
				: eb('xv.is_current', '=', 1)
		)
		.select('x.id');
	const [categories, areas, subs, links, pdus] = await Promise.all([
		// Ordered, so both engines list a service's categories and PDUs the same way.
		db
			.selectFrom('service_categories')
			.where('service_id', 'in', ids)
			.selectAll()
			.orderBy('service_id')
			.orderBy('category')
			.execute(),
		db
			.selectFrom('service_pcc_areas as sp')
			.innerJoin('pcc_areas as a', 'a.id', 'sp.pcc_area_id')
			.where('sp.service_id', 'in', ids)
			.select(['sp.service_id', 'sp.pcc_area_id', 'sp.until', 'a.name'])
			.orderBy('a.name')
			.execute(),
		db
			.selectFrom('service_subcontractors as sc')
			.innerJoin('organisations as o', 'o.id', 'sc.organisation_id')
			.where('sc.service_id', 'in', ids)
			.select(['sc.service_id', 'o.id', 'o.name'])
			.orderBy('o.name')
			.execute(),
		// Links count only where both ends are in the versions read (an old version's rows stay for history).
		db
			.selectFrom('service_links as l')
			.innerJoin('services as a', 'a.id', 'l.service_id')
			.innerJoin('services as d', 'd.id', 'l.linked_service_id')
			.where((eb) => eb.or([eb('l.service_id', 'in', ids), eb('l.linked_service_id', 'in', ids)]))
			.where('l.service_id', 'in', inScope)
			.where('l.linked_service_id', 'in', inScope)
			.select([
				'l.service_id',
				'l.linked_service_id',
				'a.reference as a_ref',
				'd.reference as d_ref'
			])
			.execute(),
		db
			.selectFrom('service_pdus')
			.where('service_id', 'in', ids)
			.selectAll()
			.orderBy('service_id')
			.orderBy('pdu_code')
			.execute()
	]);
	const [categoriesOf, areasOf, subsOf, pdusOf] = [
		byService(categories),
		byService(areas),
		byService(subs),
		byService(pdus)
	];
	const linksOf = new Map<number, Set<string>>();
	const link = (id: number, reference: string) => {
		const set = linksOf.get(id) ?? new Set<string>();
		set.add(reference);
		linksOf.set(id, set);
	};
	for (const l of links) {
		link(l.service_id, l.d_ref);
		link(l.linked_service_id, l.a_ref);
	}
	return rows.map((r) => {
		const mineAreas = areasOf.get(r.id) ?? [];
		return {
			id: r.id,
			reference: r.reference,
			source: r.source as SupplySource,
			recordType: r.record_type,
			name: r.name,
			mechanism: r.mechanism as Mechanism,
			funder: r.funder,
			leadProvider: r.lead_name,
			leadOrganisationId: r.lead_organisation_id,
			leadOrgType: r.lead_org_type,
			subcontractors: (subsOf.get(r.id) ?? []).map((s) => ({ id: s.id, name: s.name })),
			categories: (categoriesOf.get(r.id) ?? []).map((c) => c.category as CrsCategory),
			contractType: r.contract_type,
			contractTypeName: contractTypeName(
				r.contract_type,
				readSourceRecord(r.source_record, r.source_columns)
			),
			lotLevel: r.lot_level as LotLevel,
			regionCode: r.region_code,
			regionName: r.region_name,
			pccAreas: mineAreas.map((a) => ({ id: a.pcc_area_id, until: a.until })),
			pccAreaNames: Object.fromEntries(mineAreas.map((a) => [a.pcc_area_id, a.name])),
			pduCodes: (pdusOf.get(r.id) ?? []).map((p) => p.pdu_code),
			sex: r.sex as SexEligibility,
			minAge: r.min_age,
			maxAge: r.max_age,
			awardDate: r.award_date,
			startDate: r.start_date,
			endDate: r.end_date,
			referralFrom: r.referral_from,
			referralUntil: r.referral_until,
			annualValueGbp: r.annual_value_gbp,
			totalValueGbp: r.total_value_gbp,
			placesPerYear: r.places_per_year,
			provenance: r.provenance as Provenance,
			// An imported service stores '' and shares its version's note.
			provenanceNote:
				r.provenance_note === '' ? (r.version_provenance_note ?? '') : r.provenance_note,
			linkedReferences: [...(linksOf.get(r.id) ?? [])].sort(),
			deliveryLocations: r.delivery_locations,
			notes: r.notes,
			datasetKey: r.dataset_key,
			datasetVersion: r.version
		};
	});
}

/** One service by its reference, in the current dataset versions. */
export async function findService(db: DB, reference: string): Promise<ServiceRecord | undefined> {
	return (await listServices(db, { reference }))[0];
}

function contractTypeName(
	code: string | null,
	sourceRecord: Record<string, unknown> | null
): string | null {
	if (!code) return null;
	// A record without a readable source keeps just its code.
	if (typeof sourceRecord?.contract_type === 'string') return sourceRecord.contract_type;
	if (typeof sourceRecord?.category === 'string') return sourceRecord.category;
	return code;
}

export interface SiteRecord {
	id: number;
	reference: string;
	kind: string;
	name: string;
	serviceReference: string | null;
	address: string | null;
	postcode: string | null;
	lat: number | null;
	lon: number | null;
	locationPrecision: string;
	regionCode: string | null;
	ladCode: string | null;
	ladName: string | null;
	sourceUrl: string | null;
	validFrom: string | null;
	validTo: string | null;
	note: string | null;
}

/** Sites (probation offices, CFO hubs) in the current dataset versions, by district or region. */
export async function listSites(
	db: DB,
	filter: {
		ladCodes?: string[];
		regionCode?: string;
		kind?: string;
		/** dataset version ids to read; default: the current ones */
		versionIds?: readonly number[];
	} = {}
): Promise<SiteRecord[]> {
	const versionIds = filter.versionIds;
	let q = db
		.selectFrom('sites as s')
		.innerJoin('dataset_versions as v', 'v.id', 's.dataset_version_id')
		.leftJoin('services as sv', 'sv.id', 's.service_id')
		.leftJoin('lads as l', 'l.code', 's.lad_code')
		.where((eb) =>
			versionIds
				? eb('v.id', 'in', versionIds.length ? [...versionIds] : [-1])
				: eb('v.is_current', '=', 1)
		)
		.selectAll('s')
		.select(['sv.reference as service_reference', 'l.name as lad_name'])
		.orderBy('s.kind')
		.orderBy('s.name')
		// sites of one name (a provider's offices) in the order they were added, on both engines
		.orderBy('s.id');
	if (filter.ladCodes)
		q = filter.ladCodes.length
			? q.where('s.lad_code', 'in', filter.ladCodes)
			: q.where('s.id', '<', 0);
	if (filter.regionCode) q = q.where('s.region_code', '=', filter.regionCode);
	if (filter.kind) q = q.where('s.kind', 'like', `${filter.kind}%`);
	return (await q.execute()).map((s) => ({
		id: s.id,
		reference: s.reference,
		kind: s.kind,
		name: s.name,
		serviceReference: s.service_reference,
		address: s.address,
		postcode: s.postcode,
		lat: s.lat,
		lon: s.lon,
		locationPrecision: s.location_precision,
		regionCode: s.region_code,
		ladCode: s.lad_code,
		ladName: s.lad_name,
		sourceUrl: s.source_url,
		validFrom: s.valid_from,
		validTo: s.valid_to,
		note: s.note
	}));
}
