import type { DB } from '../db';

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
	const [orgs, leads, subs, aliases] = await Promise.all([
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
		db.selectFrom('organisation_aliases').selectAll().execute()
	]);
	const result = orgs.map((o) => {
		const lead = leads.find((l) => l.id === o.id);
		return {
			id: o.id,
			name: o.name,
			orgType: o.org_type,
			orgTypeBasis: o.org_type_basis,
			rmProviderCode: o.rm_provider_code,
			leadCount: Number(lead?.n ?? 0),
			subcontractCount: Number(subs.find((s) => s.id === o.id)?.n ?? 0),
			awardValueLedGbp: Number(lead?.value ?? 0),
			aliases: aliases
				.filter((a) => a.organisation_id === o.id)
				.map((a) => ({ alias: a.alias, basis: a.basis })),
			charityNumber: o.charity_number,
			companyNumber: o.company_number,
			annualIncomeGbp: o.annual_income_gbp,
			byAndFor: o.by_and_for === null ? null : o.by_and_for === 1
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
