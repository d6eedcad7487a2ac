import type { Generated } from 'kysely';

// SQL columns are snake_case; repositories map them to camelCase domain objects.
// SQLite has no boolean or date type: booleans are 0|1, dates ISO text.

export interface RegionsTable {
	code: string;
	rm_code: string;
	name: string;
	delius_name: string;
	population_2021: number;
	valid_from: string | null;
	valid_to: string | null;
}

export interface PccAreasTable {
	id: string;
	name: string;
	region_code: string;
}

export interface PoliceForceAreasTable {
	code: string;
	name: string;
	pcc_area_id: string;
	population_2021: number;
	note: string | null;
}

export interface PdusTable {
	code: string;
	slug: string;
	name: string;
	region_code: string;
	delius_name: string | null;
	cas_name: string | null;
	replaces: string | null;
	mapping_basis: string;
	split_lads: string | null;
	population_2021: number | null;
	valid_from: string | null;
	valid_to: string | null;
}

export interface PduPccAreasTable {
	pdu_code: string;
	pcc_area_id: string;
}

export interface PduChangesTable {
	id: Generated<number>;
	change: string;
	old_pdu_code: string;
	old_pdu_name: string;
	new_pdu_code: string;
	new_pdu_name: string;
	region_code: string;
	recorded_in: string;
	recorded_date: string;
}

export interface LadsTable {
	code: string;
	name: string;
	country: string;
	region_code: string;
	pfa_code: string;
	pcc_area_id: string;
	county_ua_name: string | null;
	combined_authority_name: string | null;
	population_2021: number;
	population_note: string | null;
	pop_centroid_lat: number;
	pop_centroid_lon: number;
	area_km2: number;
	split_between_pdus: 0 | 1;
	valid_from: string | null;
	valid_to: string | null;
	successor_code: string | null;
}

export interface PduLadsTable {
	pdu_code: string;
	lad_code: string;
	coverage: string;
	basis: string;
	note: string | null;
}

export interface DatasetsTable {
	key: string;
	title: string;
	description: string;
	source: string;
	source_url: string | null;
	licence: string;
	vintage: string;
	provenance: string;
	method: string | null;
	sort_order: Generated<number>;
}

export interface DatasetVersionsTable {
	id: Generated<number>;
	dataset_key: string;
	version: number;
	created_at: string;
	created_by: string;
	file_name: string;
	row_count: number;
	checksum: string;
	is_current: 0 | 1;
	note: string | null;
	/**
	 * JSON array of the column keys of the services CSV the version was imported from: its services'
	 * source records are then JSON arrays of their values in this order (see import/source-record.ts)
	 */
	source_columns: string | null;
	/** the provenance note of each of the version's services that stores '' for its own */
	provenance_note: string | null;
}

export interface AppMetaTable {
	key: string;
	value: string;
}

export interface OrganisationsTable {
	id: Generated<number>;
	name: string;
	normalised_name: string;
	rm_provider_code: string | null;
	org_type: string | null;
	org_type_basis: string | null;
	charity_number: string | null;
	company_number: string | null;
	annual_income_gbp: number | null;
	by_and_for: 0 | 1 | null;
	df_registered: 0 | 1 | null;
}

export interface OrganisationAliasesTable {
	alias: string;
	organisation_id: number;
	basis: string;
}

export interface ServicesTable {
	id: Generated<number>;
	dataset_version_id: number;
	reference: string;
	source: string;
	/** award (a published award), definition (an R&M contract definition), site-service, grant */
	record_type: string;
	name: string;
	mechanism: string;
	funder: string | null;
	lead_organisation_id: number | null;
	contract_type: string | null;
	lot_level: string;
	region_code: string | null;
	sex: string;
	min_age: number | null;
	max_age: number | null;
	award_date: string | null;
	start_date: string | null;
	end_date: string | null;
	referral_from: string | null;
	referral_until: string | null;
	annual_value_gbp: number | null;
	total_value_gbp: number | null;
	places_per_year: number | null;
	provenance: string;
	provenance_note: string;
	notes: string | null;
	delivery_locations: string | null;
	source_record: string | null;
}

export interface ServiceCategoriesTable {
	service_id: number;
	category: string;
}

export interface ServicePccAreasTable {
	service_id: number;
	pcc_area_id: string;
	until: string | null;
}

export interface ServicePdusTable {
	service_id: number;
	pdu_code: string;
}

export interface ServiceSubcontractorsTable {
	service_id: number;
	organisation_id: number;
}

export interface ServiceLinksTable {
	service_id: number;
	linked_service_id: number;
	basis: string;
}

export interface SitesTable {
	id: Generated<number>;
	dataset_version_id: number;
	reference: string;
	kind: string;
	name: string;
	service_id: number | null;
	address: string | null;
	postcode: string | null;
	lat: number | null;
	lon: number | null;
	location_precision: string;
	region_code: string | null;
	lad_code: string | null;
	gender_provision: string | null;
	source_url: string | null;
	valid_from: string | null;
	valid_to: string | null;
	note: string | null;
}

export interface PduCaseloadsTable {
	dataset_version_id: number;
	pdu_code: string;
	period: string;
	caseload: number;
	community: number | null;
	post_release: number | null;
	provenance: string;
}

export interface NeedSharesTable {
	dataset_version_id: number;
	scope: string;
	category: string;
	share: number;
	measure: string;
	provenance: string;
	note: string;
}

export interface ScenariosTable {
	id: string;
	owner: string;
	created_at: string;
	current_version: number;
	/** draft (owner and collaborators), shared (the region's roles) or published */
	visibility: string;
	region_code: string | null;
}

export interface ScenarioVersionsTable {
	scenario_id: string;
	version: number;
	name: string;
	description: string;
	/** JSON: the changes and assumptions */
	body: string;
	/** JSON: dataset key → version number the scenario was built on */
	dataset_versions: string;
	saved_at: string;
	saved_by: string;
	note: string | null;
}

/** The people named on a scenario besides its owner (see auth/scenarios.ts). */
export interface ScenarioCollaboratorsTable {
	scenario_id: string;
	user_id: number;
	/** who added them: an account email, or 'local administrator' */
	added_by: string;
	/** ISO 8601, UTC */
	added_at: string;
}

export interface PduNeedSharesTable {
	dataset_version_id: number;
	pdu_code: string;
	category: string;
	/** 0–1 */
	share: number;
	/** people, when the file gave a count */
	people: number | null;
}

export interface PduSubgroupSharesTable {
	dataset_version_id: number;
	pdu_code: string;
	subgroup: string;
	share: number;
	people: number | null;
}

export interface OrganisationFactsTable {
	dataset_version_id: number;
	organisation_id: number;
	row: number;
	name: string;
	/** charity-number | company-number | name | new */
	matched_by: string;
	charity_number: string | null;
	company_number: string | null;
	org_type: string | null;
	annual_income_gbp: number | null;
	by_and_for: 0 | 1 | null;
	df_registered: 0 | 1 | null;
	/** JSON array of Dynamic Framework category names */
	df_categories: string;
	/** JSON array of probation region codes */
	regions: string;
	source_record: string;
}

export interface UsersTable {
	id: Generated<number>;
	/** lower-case */
	email: string;
	/** admin | commissioner | partner | viewer */
	role: string;
	/** scrypt$N$r$p$salt$hash (base64) */
	password_hash: string;
	must_change_password: 0 | 1;
	active: 0 | 1;
	created_at: string;
	created_by: string;
	last_sign_in_at: string | null;
	/** the organisation a partner speaks for; null for other roles */
	organisation: string | null;
}

export interface UserRegionsTable {
	user_id: number;
	region_code: string;
}

export interface SessionsTable {
	/** hex SHA-256 of the cookie's random id */
	id: string;
	user_id: number;
	created_at: string;
	last_seen_at: string;
	expires_at: string;
}

export interface LoginAttemptsTable {
	id: Generated<number>;
	at: string;
	email: string;
	ip: string;
	succeeded: 0 | 1;
}

/** Append-only: SQLite triggers refuse UPDATE and DELETE. */
export interface AuditLogTable {
	id: Generated<number>;
	at: string;
	actor: string;
	action: string;
	target: string | null;
	/** JSON */
	before: string | null;
	/** JSON */
	after: string | null;
	request_id: string | null;
	ip: string | null;
}

export interface Database {
	regions: RegionsTable;
	pcc_areas: PccAreasTable;
	police_force_areas: PoliceForceAreasTable;
	pdus: PdusTable;
	pdu_pcc_areas: PduPccAreasTable;
	pdu_changes: PduChangesTable;
	lads: LadsTable;
	pdu_lads: PduLadsTable;
	datasets: DatasetsTable;
	dataset_versions: DatasetVersionsTable;
	app_meta: AppMetaTable;
	organisations: OrganisationsTable;
	organisation_aliases: OrganisationAliasesTable;
	services: ServicesTable;
	service_categories: ServiceCategoriesTable;
	service_pcc_areas: ServicePccAreasTable;
	service_pdus: ServicePdusTable;
	service_subcontractors: ServiceSubcontractorsTable;
	service_links: ServiceLinksTable;
	sites: SitesTable;
	pdu_caseloads: PduCaseloadsTable;
	need_shares: NeedSharesTable;
	pdu_need_shares: PduNeedSharesTable;
	pdu_subgroup_shares: PduSubgroupSharesTable;
	organisation_facts: OrganisationFactsTable;
	scenarios: ScenariosTable;
	scenario_versions: ScenarioVersionsTable;
	scenario_collaborators: ScenarioCollaboratorsTable;
	users: UsersTable;
	user_regions: UserRegionsTable;
	sessions: SessionsTable;
	login_attempts: LoginAttemptsTable;
	audit_log: AuditLogTable;
}
