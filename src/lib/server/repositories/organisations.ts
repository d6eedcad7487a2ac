import { CRS_CATEGORIES, type CrsCategory } from '$lib/domain/categories';
import type { DB } from '../db';

/**
 * What the current organisation imports (Dynamic Framework supplier lists) say about one
 * organisation. Each field is taken from the newest current import that gives it (a blank cell
 * means not stated, so it does not hide an older import's value), else from the organisation's own
 * record (the seed's); null means not known.
 */
export interface CurrentOrganisationFacts {
	charityNumber: string | null;
	companyNumber: string | null;
	orgType: string | null;
	/** where the type comes from; null when not known */
	orgTypeBasis: string | null;
	annualIncomeGbp: number | null;
	byAndFor: boolean | null;
	dfRegistered: boolean | null;
	/** Dynamic Framework categories it is registered for (all 14 DF categories, by name) */
	dfCategories: string[];
	/** probation region codes it is registered for */
	regions: string[];
	/** the imports these facts come from, newest first, e.g. "imported from df.csv, version 2, row 4" */
	sources: string[];
}

const toBoolean = (v: 0 | 1 | null) => (v === null ? null : v === 1);

function parseList(json: string): string[] {
	try {
		const parsed: unknown = JSON.parse(json);
		return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
	} catch {
		return [];
	}
}

/**
 * Every organisation's current facts (or one's), by id: the newest current import first, field by
 * field, then the columns of the organisations table.
 */
export async function readOrganisationFacts(
	db: DB,
	/** versionIds: dataset version ids to read (default: the current ones) */
	filter: { id?: number; versionIds?: readonly number[] } = {}
): Promise<Map<number, CurrentOrganisationFacts>> {
	const scope = filter.versionIds;
	let orgs = db
		.selectFrom('organisations')
		.select([
			'id',
			'charity_number',
			'company_number',
			'org_type',
			'org_type_basis',
			'annual_income_gbp',
			'by_and_for',
			'df_registered'
		]);
	let facts = db
		.selectFrom('organisation_facts as f')
		.innerJoin('dataset_versions as v', 'v.id', 'f.dataset_version_id')
		.where((eb) =>
			scope ? eb('v.id', 'in', scope.length ? [...scope] : [-1]) : eb('v.is_current', '=', 1)
		)
		.selectAll('f')
		.select(['v.file_name', 'v.version', 'v.dataset_key'])
		.orderBy('f.dataset_version_id', 'desc');
	if (filter.id !== undefined) {
		orgs = orgs.where('id', '=', filter.id);
		facts = facts.where('f.organisation_id', '=', filter.id);
	}
	const [orgRows, factRows] = await Promise.all([orgs.execute(), facts.execute()]);
	const byOrg = new Map<number, typeof factRows>();
	for (const f of factRows)
		byOrg.set(f.organisation_id, [...(byOrg.get(f.organisation_id) ?? []), f]);
	const result = new Map<number, CurrentOrganisationFacts>();
	for (const o of orgRows) {
		const mine = byOrg.get(o.id) ?? [];
		const first = <T>(pick: (f: (typeof mine)[number]) => T | null): T | null => {
			for (const f of mine) {
				const value = pick(f);
				if (value !== null) return value;
			}
			return null;
		};
		const firstList = (pick: (f: (typeof mine)[number]) => string) =>
			mine.map((f) => parseList(pick(f))).find((list) => list.length > 0) ?? [];
		const describe = (f: (typeof mine)[number]) =>
			`imported from ${f.file_name} (${f.dataset_key}, version ${f.version}), row ${f.row}`;
		const typed = mine.find((f) => f.org_type !== null);
		result.set(o.id, {
			charityNumber: first((f) => f.charity_number) ?? o.charity_number,
			companyNumber: first((f) => f.company_number) ?? o.company_number,
			orgType: typed?.org_type ?? o.org_type,
			orgTypeBasis: typed ? `As given in the supplier list ${describe(typed)}` : o.org_type_basis,
			annualIncomeGbp: first((f) => f.annual_income_gbp) ?? o.annual_income_gbp,
			byAndFor: toBoolean(first((f) => f.by_and_for) ?? o.by_and_for),
			dfRegistered: toBoolean(first((f) => f.df_registered) ?? o.df_registered),
			dfCategories: firstList((f) => f.df_categories),
			regions: firstList((f) => f.regions),
			sources: mine.map(describe)
		});
	}
	return result;
}

/** What the scenario studio needs to know of an organisation; null means not known, never "no". */
export interface OrganisationFacts {
	id: number;
	name: string;
	/** vcse | private | public | mutual; null: not known */
	orgType: string | null;
	/** £ a year; null: not known */
	annualIncomeGbp: number | null;
	byAndFor: boolean | null;
	/** on the Dynamic Framework at all; null: not known */
	dfRegistered: boolean | null;
	/** the CRS categories it is registered for on the Dynamic Framework (the DF's cohort and other categories left out) */
	dfCategories: CrsCategory[];
	/** probation region codes it is registered for on the Dynamic Framework */
	regions: string[];
}

/** Every organisation with its current facts (imported supplier lists over the seed), by name. */
export async function listOrganisationFacts(
	db: DB,
	/** dataset version ids to read (e.g. a scenario's); default: the current ones */
	versionIds?: readonly number[]
): Promise<OrganisationFacts[]> {
	const [orgs, facts] = await Promise.all([
		db.selectFrom('organisations').select(['id', 'name']).orderBy('name').orderBy('id').execute(),
		readOrganisationFacts(db, versionIds ? { versionIds } : {})
	]);
	return orgs.map((o) => {
		const f = facts.get(o.id)!;
		return {
			id: o.id,
			name: o.name,
			orgType: f.orgType,
			annualIncomeGbp: f.annualIncomeGbp,
			byAndFor: f.byAndFor,
			dfRegistered: f.dfRegistered,
			dfCategories: CRS_CATEGORIES.filter((c) => f.dfCategories.includes(c)),
			regions: f.regions
		};
	});
}

export interface OrganisationSummary {
	id: number;
	name: string;
	orgType: string | null;
	orgTypeBasis: string | null;
	rmProviderCode: string | null;
	leadCount: number;
	subcontractCount: number;
	/** £ of published 2021 award value it leads */
	awardValueLedGbp: number;
	aliases: { alias: string; basis: string }[];
	charityNumber: string | null;
	companyNumber: string | null;
	annualIncomeGbp: number | null;
	byAndFor: boolean | null;
	dfRegistered: boolean | null;
	/** Dynamic Framework categories it is registered for, by name */
	dfCategories: string[];
	/** probation region codes it is registered for on the Dynamic Framework */
	regions: string[];
	/** the imported supplier lists its facts come from, newest first; empty when none */
	factSources: string[];
}

/** Organisations with the number of services they lead and subcontract on (current versions). */
export async function listOrganisations(
	db: DB,
	filter: { id?: number; regionCode?: string } = {}
): Promise<OrganisationSummary[]> {
	let q = db.selectFrom('organisations').selectAll().orderBy('name');
	if (filter.id !== undefined) q = q.where('id', '=', filter.id);
	const current = db
		.selectFrom('services as s')
		.innerJoin('dataset_versions as v', 'v.id', 's.dataset_version_id')
		.where('v.is_current', '=', 1);
	const scoped = filter.regionCode
		? current.where('s.region_code', '=', filter.regionCode)
		: current;
	const [orgs, leads, subs, aliases, facts] = await Promise.all([
		q.execute(),
		scoped
			.where('s.lead_organisation_id', 'is not', null)
			.select([
				's.lead_organisation_id as id',
				(eb) => eb.fn.countAll<number>().as('n'),
				(eb) =>
					eb.fn
						.sum<number>(
							eb
								.case()
								.when('s.record_type', '=', 'award')
								.then(eb.ref('s.total_value_gbp'))
								.else(0)
								.end()
						)
						.as('value')
			])
			.groupBy('s.lead_organisation_id')
			.execute(),
		scoped
			.innerJoin('service_subcontractors as sc', 'sc.service_id', 's.id')
			.select(['sc.organisation_id as id', (eb) => eb.fn.countAll<number>().as('n')])
			.groupBy('sc.organisation_id')
			.execute(),
		db.selectFrom('organisation_aliases').selectAll().execute(),
		readOrganisationFacts(db, filter.id === undefined ? {} : { id: filter.id })
	]);
	const result = orgs.map((o) => {
		const lead = leads.find((l) => l.id === o.id);
		const f = facts.get(o.id)!;
		return {
			id: o.id,
			name: o.name,
			orgType: f.orgType,
			orgTypeBasis: f.orgTypeBasis,
			rmProviderCode: o.rm_provider_code,
			leadCount: Number(lead?.n ?? 0),
			subcontractCount: Number(subs.find((s) => s.id === o.id)?.n ?? 0),
			awardValueLedGbp: Number(lead?.value ?? 0),
			aliases: aliases
				.filter((a) => a.organisation_id === o.id)
				.map((a) => ({ alias: a.alias, basis: a.basis })),
			charityNumber: f.charityNumber,
			companyNumber: f.companyNumber,
			annualIncomeGbp: f.annualIncomeGbp,
			byAndFor: f.byAndFor,
			dfRegistered: f.dfRegistered,
			dfCategories: f.dfCategories,
			regions: f.regions,
			factSources: f.sources
		};
	});
	return filter.regionCode ? result.filter((o) => o.leadCount + o.subcontractCount > 0) : result;
}

export async function findOrganisation(
	db: DB,
	id: number
): Promise<OrganisationSummary | undefined> {
	return (await listOrganisations(db, { id }))[0];
}
