import type { Provenance } from '$lib/domain/provenance';

/** What the Data sources page says about each shipped dataset. */
export interface DatasetEntry {
	key: string;
	title: string;
	description: string;
	/** Path under data/, or several joined with ' + ' for a dataset built from more than one file. */
	files: string[];
	source: string;
	sourceUrl: string | null;
	licence: string;
	vintage: string;
	provenance: Provenance;
	method: string | null;
}

const OGL = 'Open Government Licence v3.0';
const MIT_MOJ = 'MIT (Crown Copyright, Ministry of Justice)';
const ONS_ATTRIBUTION =
	'Contains public sector information licensed under the Open Government Licence v3.0. Source: Office for National Statistics. Contains OS data © Crown copyright and database right 2025.';

export const NATIONAL_CASELOAD = {
	people: 240_362,
	period: '2024-12-31',
	source:
		'MoJ, Offender Management Statistics Quarterly, October to December 2024 (published 24 April 2025): 240,362 people under probation supervision in England and Wales at 31 December 2024',
	url: 'https://www.gov.uk/government/statistics/offender-management-statistics-quarterly-october-to-december-2024/offender-management-statistics-quarterly-october-to-december-2024'
} as const;

export const NEEDS_SOURCE = {
	source:
		'MoJ, Identified needs of offenders, custody and community, 31 October 2024 (published 12 June 2025): share of people with an OASys Layer 3 assessment in the community with an identified need',
	url: 'https://www.gov.uk/government/statistics/identified-offender-needs-custody-and-community-31-october-2024/identified-needs-of-offenders-custody-and-community-31-october-2024'
} as const;

export const CASELOAD_METHOD = `The published national caseload (240,362 people on probation at 31 December 2024) is apportioned to the 108 PDUs in proportion to the Census 2021 usual-resident population of each PDU's local authority districts. A district split between two PDUs (Birmingham, Manchester, Liverpool, Ribble Valley) has its population divided equally between them, because the dividing line is not published. Counts are rounded by the largest-remainder method so that the PDUs add up exactly to 240,362; a region's caseload is the sum of its PDUs. Population is a proxy: it ignores differences in sentencing and deprivation between places, so treat PDU figures as an order of magnitude until a published or imported PDU caseload replaces them.`;

export const NEEDS_METHOD = `Need count = modelled PDU caseload × the published community need share, for the three CRS categories with a published share: Accommodation 39% (accommodation need), Lifestyle and Associates 71% (lifestyle and associates need) and Dependency and Recovery 24% (alcohol misuse need only: the drug misuse share was not in the source read, so this understates Dependency and Recovery need). No published share was found for Education, Training and Employment; Finance, Benefits and Debt; Family and Significant Others; Emotional Wellbeing; or Social Inclusion, so those show as "no published figure", never as zero. The shares are for people in the community and are applied to the whole caseload, including people on licence, whose custody-assessed needs are higher.`;

export const DATASETS: DatasetEntry[] = [
	{
		key: 'probation-regions',
		title: 'Probation regions',
		description: 'The 12 probation regions with their nDelius codes and Refer and Monitor letters.',
		files: ['geography/probation_regions.csv'],
		source:
			'ministryofjustice/hmpps-probation-estate-api and hmpps-interventions-service reference data; populations summed from Census 2021',
		sourceUrl: null,
		licence: `${MIT_MOJ}; populations ${OGL}`,
		vintage: 'Regions since 26 June 2021; Census 2021',
		provenance: 'published',
		method: null
	},
	{
		key: 'pdus',
		title: 'Probation Delivery Units',
		description:
			'The 108 geographic PDUs in the nDelius estate, with names and the PDU changes of 2024–25.',
		files: ['geography/probation_delivery_units.csv', 'geography/pdu_changes.csv'],
		source:
			'ministryofjustice/hmpps-probation-estate-api (estate as at June 2025), CAS and find-and-refer reference data',
		sourceUrl: null,
		licence: MIT_MOJ,
		vintage: 'June 2025',
		provenance: 'published',
		method: null
	},
	{
		key: 'pdu-lad-crosswalk',
		title: 'PDU to local authority district crosswalk',
		description:
			'Which local authority districts make up each PDU. Four districts are split between two PDUs; five placements are inferred by geography.',
		files: ['geography/pdu_local_authority_districts.csv'],
		source:
			'Derived from PDU names, CAS descriptive names and nDelius team names (no official lookup is published)',
		sourceUrl: null,
		licence: `${MIT_MOJ}; ${OGL}`,
		vintage: 'June 2025 PDUs, December 2024 districts',
		provenance: 'derived',
		method:
			'Each row states its evidence: the district is named in the PDU name, listed in the CAS name, is the whole of a county the PDU is named after, appears in an nDelius team name, or (5 rows, lowest confidence) was placed by geography and elimination.'
	},
	{
		key: 'local-authority-districts',
		title: 'Local authority districts',
		description:
			'The 318 local authority districts of England and Wales with Census 2021 population, police force area, combined authority and an approximate population-weighted centroid.',
		files: ['geography/local_authority_districts.csv', 'geography/lad_code_changes.csv'],
		source:
			'ONS: LAD December 2024 names and codes, Census 2021 populations; centroid from ONS LSOA population-weighted centroids',
		sourceUrl: null,
		licence: `${OGL}. ${ONS_ATTRIBUTION}`,
		vintage: 'December 2024 boundaries; Census 2021',
		provenance: 'published',
		method:
			"Populations are published, except the four April 2023 unitaries (sums of their predecessors). The population-weighted centroid is derived: the mean of the ONS population-weighted centroids of the district's 2011 LSOAs."
	},
	{
		key: 'pcc-areas',
		title: 'PCC areas and police force areas',
		description:
			'42 PCC areas as Refer and Monitor uses them, mapped to probation regions, and the 43 ONS police force areas.',
		files: ['facts/pcc_area_probation_region.csv', 'geography/police_force_areas.csv'],
		source:
			'ministryofjustice/hmpps-interventions-service region and PCC reference data; ONS police force areas December 2023',
		sourceUrl: null,
		licence: `${MIT_MOJ}; ${OGL}`,
		vintage: 'August 2026 (R&M); December 2023 (ONS)',
		provenance: 'published',
		method:
			'The City of London police area has no PCC and is folded into the London (Metropolitan Police) PCC area, as Refer and Monitor does.'
	},
	{
		key: 'boundaries',
		title: 'Boundaries',
		description:
			'Ultra-generalised local authority district and police force area boundaries (TopoJSON), used to place sites and, later, to draw maps without a tile server.',
		files: [
			'geography/boundaries/lad_dec2024_uk_buc.topo.json',
			'geography/boundaries/pfa_dec2023_ew_buc.topo.json'
		],
		source: 'ONS Open Geography Portal: LAD December 2024 BUC; PFA December 2023 BUC',
		sourceUrl: null,
		licence: `${OGL}. ${ONS_ATTRIBUTION}`,
		vintage: 'December 2024 / December 2023',
		provenance: 'published',
		method:
			'Rings rewound and zero-area parts dropped so d3-geo draws them correctly; coordinates unchanged.'
	},
	{
		key: 'postcode-districts',
		title: 'Postcode district centroids',
		description:
			'One point per postcode district (outcode) in Great Britain, to place a site from its postcode offline.',
		files: ['geography/postcode_districts.csv'],
		source: 'Ordnance Survey Code-Point Open 2025.4.0',
		sourceUrl: null,
		licence: `${OGL}. Contains OS data © Crown copyright and database right 2025. Contains Royal Mail data © Royal Mail copyright and database right 2025. Contains National Statistics data © Crown copyright and database right 2025.`,
		vintage: 'October 2025',
		provenance: 'derived',
		method:
			'The mean position of all postcode units in the district, converted to WGS84. Good to a few kilometres.'
	},
	{
		key: 'crs-awards-2021',
		title: 'CRS Day 1 contract awards, May 2021',
		description:
			'The 66 Commissioned Rehabilitative Services contracts announced on 21 May 2021, with lead provider, lot, PCC areas and value.',
		files: ['commissioning/crs_contract_awards_2021.csv'],
		source:
			'MoJ press release "£200 million investment in rehab services to cut crime", 21 May 2021',
		sourceUrl: 'https://probationmatters.blogspot.com/2021/05/moj-announces-winners.html',
		licence: OGL,
		vintage: '21 May 2021',
		provenance: 'published',
		method:
			"Values are published (Accommodation and ETE values are the source's predicted values). Derived here: start date 26 June 2021 (Day 1 of the unified Probation Service), end date from the standard term (2 years 9 months; Women's Services 3 years 9 months; extensions are not published), annual value = value ÷ term in years."
	},
	{
		key: 'rm-contracts',
		title: 'Refer and Monitor contract definitions',
		description:
			'196 CRS contracts as onboarded to HMPPS Refer and Monitor: prime, subcontractors, PCC areas, eligibility and referral window. No values.',
		files: ['facts/crs_interventions_refer_monitor.csv'],
		source:
			'ministryofjustice/hmpps-interventions-service src/main/resources/contracts/*.json at commit 6cc17e91 (21 August 2026)',
		sourceUrl: null,
		licence: MIT_MOJ,
		vintage: '21 August 2026',
		provenance: 'published',
		method:
			'Linked to a 2021 award when the region, lot (ACC, ETE, PWB, WOS), lead provider and PCC areas agree and the definition opened for referrals in 2021; a definition that fits more than one award, or none, is left unlinked and shown as such.'
	},
	{
		key: 'organisations',
		title: 'Provider organisations',
		description:
			'139 providers known to Refer and Monitor, the 2021 award leads, and the aliases that join their spellings.',
		files: ['facts/crs_providers_refer_monitor.csv', 'organisation_aliases.csv'],
		source:
			'ministryofjustice/hmpps-interventions-service providers.json; alias list written by the Landscape team',
		sourceUrl: null,
		licence: MIT_MOJ,
		vintage: '21 August 2026',
		provenance: 'derived',
		method:
			"Organisation type is known only for the 2021 award leads: Ingeus, Maximus and Seetec are private (FACTS.md §3b); Clinks reports the other 23 of the 26 leads as voluntary organisations, so they are labelled VCSE. Every other organisation's type is unknown."
	},
	{
		key: 'probation-offices',
		title: 'Probation offices',
		description:
			'Probation offices people report to, from Refer and Monitor\'s reference list (a "v0" list: some offices will have moved or closed).',
		files: ['facts/probation_offices_refer_monitor.csv'],
		source: 'ministryofjustice/hmpps-interventions-ui reference-data/probation-offices-v0.csv',
		sourceUrl: null,
		licence: MIT_MOJ,
		vintage: 'v0 list (undated)',
		provenance: 'published',
		method:
			"Located at the centroid of the office postcode's district, then assigned to the local authority district whose boundary contains that point (derived)."
	},
	{
		key: 'cfo-hubs',
		title: 'CFO activity hubs',
		description:
			'Creating Future Opportunities hubs, satellites and the veterans wing named in published sources (not a complete list: the full CFO Evolution list is not published).',
		files: ['supply/cfo_activity_hubs.csv'],
		source:
			'FACTS.md §5: creatingfutureopportunities.gov.uk, Interventions Alliance, East Durham College, The Growth Company (URL per site)',
		sourceUrl: 'https://www.creatingfutureopportunities.gov.uk/',
		licence: OGL,
		vintage: '2021–2024',
		provenance: 'published',
		method:
			'Each town is placed at the approximate population-weighted centroid of the local authority district that contains it (location precision: district), derived.'
	},
	{
		key: 'caseload',
		title: 'PDU caseload (modelled)',
		description: 'People on probation per PDU, apportioned from the published national total.',
		files: [],
		source: NATIONAL_CASELOAD.source,
		sourceUrl: NATIONAL_CASELOAD.url,
		licence: OGL,
		vintage: '31 December 2024',
		provenance: 'modelled',
		method: CASELOAD_METHOD
	},
	{
		key: 'need-shares',
		title: 'Need shares by CRS category',
		description:
			'Published community need shares, applied to modelled PDU caseloads to estimate need counts.',
		files: [],
		source: NEEDS_SOURCE.source,
		sourceUrl: NEEDS_SOURCE.url,
		licence: OGL,
		vintage: '31 October 2024',
		provenance: 'published',
		method: NEEDS_METHOD
	}
];
