import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Transaction } from 'kysely';
import { apportionTotal, pduPopulations } from '$lib/domain/caseload';
import {
	LOT_CATEGORIES,
	categoriesOfContractType,
	parseLot,
	parseNeedAreas,
	type CrsCategory,
	type CrsLot
} from '$lib/domain/categories';
import {
	normaliseOrganisationName,
	resolveOrganisationName,
	type OrganisationAlias
} from '$lib/domain/organisations';
import {
	linkAwardsToDefinitions,
	type AwardLinkKey,
	type DefinitionLinkKey
} from '$lib/domain/supply';
import { readCsv } from '../csv';
import { versionChangingTransaction, type DB } from '../db';
import type { Database } from '../db/schema';
import { CASELOAD_METHOD, DATASETS, NATIONAL_CASELOAD, NEEDS_SOURCE } from './catalog';
import * as rows from './files';
import { LadLocator, outcodeOf, postcodeOf } from './locate';

type Trx = Transaction<Database>;

export interface SeedSummary {
	regions: number;
	pdus: number;
	lads: number;
	organisations: number;
	awards: number;
	awardValueGbp: number;
	definitions: number;
	linkedDefinitions: number;
	offices: number;
	cfoSites: number;
	caseload: number;
}

const DAY_ONE = '2021-06-26';
const AWARD_DATE = '2021-05-21';
const UNTIL_JUNE_2023 = '2023-06-30';
/** Private leads of the 2021 awards (FACTS.md §3b); Clinks reports the other 23 leads as voluntary. */
const PRIVATE_2021_LEADS = [
	'Ingeus UK Limited',
	'MAXIMUS UK Services Limited',
	'Seetec Business Technology Centre Limited'
];

/** Where the shipped data lives: LANDSCAPE_DATA_DIR, else ./data. */
export function defaultDataDir(): string {
	return path.resolve(process.env.LANDSCAPE_DATA_DIR ?? 'data');
}

/** Whether the database has been seeded (it is never seeded twice over user data). */
export async function isSeeded(db: DB): Promise<boolean> {
	const row = await db
		.selectFrom('app_meta')
		.select('value')
		.where('key', '=', 'seeded_at')
		.executeTakeFirst();
	return row !== undefined;
}

/**
 * Load the shipped reference data and the 2021 landscape into an empty, migrated database,
 * in one transaction: either everything is loaded or nothing is.
 */
export async function seedDatabase(db: DB, dataDir = defaultDataDir()): Promise<SeedSummary> {
	if (await isSeeded(db))
		throw new Error('The database is already seeded; seeding again would overwrite user data.');
	const file = (name: string) => path.join(dataDir, name);
	const read = <S extends Parameters<typeof readCsv>[1]>(name: string, schema: S) =>
		readCsv(file(name), schema, `data/${name}`);

	// Read and validate every file before writing anything.
	const regionRows = read('geography/probation_regions.csv', rows.regionRow);
	const pccRows = read('facts/pcc_area_probation_region.csv', rows.pccAreaRow);
	const pfaRows = read('geography/police_force_areas.csv', rows.pfaRow);
	const pduRows = read('geography/probation_delivery_units.csv', rows.pduRow);
	const pduChangeRows = read('geography/pdu_changes.csv', rows.pduChangeRow);
	const ladRows = read('geography/local_authority_districts.csv', rows.ladRow);
	const ladChangeRows = read('geography/lad_code_changes.csv', rows.ladCodeChangeRow);
	const pduLadRows = read('geography/pdu_local_authority_districts.csv', rows.pduLadRow);
	const awardRows = read('commissioning/crs_contract_awards_2021.csv', rows.awardRow);
	const rmRows = read('facts/crs_interventions_refer_monitor.csv', rows.rmContractRow);
	const providerRows = read('facts/crs_providers_refer_monitor.csv', rows.rmProviderRow);
	const aliasRows = read('organisation_aliases.csv', rows.aliasRow);
	const officeRows = read('facts/probation_offices_refer_monitor.csv', rows.officeRow);
	const outcodeRows = read('geography/postcode_districts.csv', rows.postcodeDistrictRow);
	const cfoRows = read('supply/cfo_activity_hubs.csv', rows.cfoHubRow);
	const locator = new LadLocator(file('geography/boundaries/lad_dec2024_uk_buc.topo.json'));

	const regionByRm = new Map(regionRows.map((r) => [r.interventions_region_code, r.region_code]));
	const regionByName = new Map<string, string>();
	for (const r of regionRows) regionByName.set(nameKey(r.region_name), r.region_code);
	const regionCodeOf = (name: string, where: string) => {
		const code = regionByName.get(nameKey(name));
		if (!code) throw new Error(`${where}: unknown probation region "${name}"`);
		return code;
	};
	const pccByName = new Map<string, string>();
	for (const p of pccRows) pccByName.set(nameKey(p.pcc_area_name), p.pcc_area_id);
	pccByName.set(nameKey('London'), 'metropolitan');
	const pccIdOf = (name: string, where: string) => {
		const id = pccByName.get(nameKey(name));
		if (!id) throw new Error(`${where}: unknown PCC area "${name}"`);
		return id;
	};
	const now = new Date().toISOString();

	return versionChangingTransaction(db, async (trx) => {
		const versions = new Map<string, number>();
		for (const [i, d] of DATASETS.entries()) {
			await trx
				.insertInto('datasets')
				.values({
					key: d.key,
					title: d.title,
					description: d.description,
					source: d.source,
					source_url: d.sourceUrl,
					licence: d.licence,
					vintage: d.vintage,
					provenance: d.provenance,
					method: d.method,
					sort_order: i
				})
				.execute();
		}
		const addVersion = async (key: string, rowCount: number, extraChecksum = '') => {
			const entry = DATASETS.find((d) => d.key === key)!;
			const hash = crypto.createHash('sha256');
			for (const f of entry.files) hash.update(fs.readFileSync(file(f)));
			hash.update(extraChecksum);
			const inserted = await trx
				.insertInto('dataset_versions')
				.values({
					dataset_key: key,
					version: 1,
					created_at: now,
					created_by: 'Landscape seed',
					file_name:
						entry.files.length > 0
							? entry.files.map((f) => `data/${f}`).join(' + ')
							: '(computed at seeding)',
					row_count: rowCount,
					checksum: hash.digest('hex'),
					is_current: 1,
					note: 'Shipped with Landscape'
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			versions.set(key, inserted.id);
			return inserted.id;
		};

		// Geography
		await insertMany(
			trx,
			'regions',
			regionRows.map((r) => ({
				code: r.region_code,
				rm_code: r.interventions_region_code,
				name: r.region_name,
				delius_name: r.delius_region_name,
				population_2021: r.census2021_population,
				valid_from: DAY_ONE,
				valid_to: null
			}))
		);
		await addVersion('probation-regions', regionRows.length);
		await insertMany(
			trx,
			'pcc_areas',
			pccRows.map((p) => ({
				id: p.pcc_area_id,
				name: p.pcc_area_name,
				region_code:
					regionByRm.get(p.probation_region_code) ??
					fail(`pcc area ${p.pcc_area_id}: region letter ${p.probation_region_code}`)
			}))
		);
		await insertMany(
			trx,
			'police_force_areas',
			pfaRows.map((p) => ({
				code: p.pfa23cd,
				name: p.pfa23nm,
				pcc_area_id: p.pcc_area_id,
				population_2021: p.census2021_population,
				note: p.note
			}))
		);
		await addVersion('pcc-areas', pccRows.length + pfaRows.length);

		const changedTo = new Map(pduChangeRows.map((c) => [c.new_pdu_code, c.recorded_date]));
		await insertMany(
			trx,
			'pdus',
			pduRows.map((p) => ({
				code: p.pdu_code,
				slug: p.pdu_id,
				name: p.pdu_name,
				region_code: p.region_code,
				delius_name: p.delius_name,
				cas_name: p.cas_name,
				replaces: p.replaces,
				mapping_basis: p.mapping_basis,
				split_lads: p.split_lads,
				population_2021: p.census2021_population,
				valid_from: changedTo.get(p.pdu_code) ?? null,
				valid_to: null
			}))
		);
		await insertMany(
			trx,
			'pdu_pcc_areas',
			pduRows.flatMap((p) =>
				p.pcc_area_ids.map((id) => ({ pdu_code: p.pdu_code, pcc_area_id: id }))
			)
		);
		await insertMany(trx, 'pdu_changes', pduChangeRows);
		await addVersion('pdus', pduRows.length);

		const recoded = new Map(
			ladChangeRows
				.filter((c) => c.code_from_2025_04 !== c.lad24cd)
				.map((c) => [c.lad24cd, c.code_from_2025_04])
		);
		await insertMany(
			trx,
			'lads',
			ladRows.map((l) => ({
				code: l.lad24cd,
				name: l.lad24nm,
				country: l.country,
				region_code: l.probation_region_code,
				pfa_code: l.pfa23cd,
				pcc_area_id: l.pcc_area_id,
				county_ua_name: l.ctyua24nm,
				combined_authority_name: l.cauth25nm,
				population_2021: l.census2021_population,
				population_note: l.population_note,
				pop_centroid_lat: l.pop_centroid_lat_approx,
				pop_centroid_lon: l.pop_centroid_lon_approx,
				area_km2: l.area_km2_approx,
				split_between_pdus: l.split_between_pdus ? 1 : 0,
				valid_from: null,
				valid_to: recoded.has(l.lad24cd) ? '2025-03-31' : null,
				successor_code: recoded.get(l.lad24cd) ?? null
			}))
		);
		await addVersion('local-authority-districts', ladRows.length);
		await insertMany(
			trx,
			'pdu_lads',
			pduLadRows.map((r) => ({
				pdu_code: r.pdu_code,
				lad_code: r.lad24cd,
				coverage: r.coverage,
				basis: r.basis,
				note: r.note
			}))
		);
		await addVersion('pdu-lad-crosswalk', pduLadRows.length);
		await addVersion('boundaries', 2);
		await addVersion('postcode-districts', outcodeRows.length);

		// Organisations: R&M providers are canonical; award and CFO names resolve through aliases.
		const orgIds = new Map<string, number>();
		const addOrganisation = async (name: string, rmCode: string | null) => {
			const inserted = await trx
				.insertInto('organisations')
				.values({
					name,
					normalised_name: normaliseOrganisationName(name),
					rm_provider_code: rmCode
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			orgIds.set(name, inserted.id);
			return inserted.id;
		};
		for (const p of providerRows) await addOrganisation(p.provider_name, p.provider_code);
		const aliases: OrganisationAlias[] = aliasRows.map((a) => ({
			alias: a.alias,
			canonical: a.canonical_name
		}));
		for (const a of aliasRows) {
			const id =
				orgIds.get(a.canonical_name) ??
				fail(`data/organisation_aliases.csv: "${a.canonical_name}" is not a known organisation`);
			await trx
				.insertInto('organisation_aliases')
				.values({ alias: a.alias, organisation_id: id, basis: a.basis })
				.execute();
		}
		const organisationFor = async (name: string) => {
			const canonical = resolveOrganisationName(name, [...orgIds.keys()], aliases);
			if (canonical) return { id: orgIds.get(canonical)!, name: canonical };
			return { id: await addOrganisation(name, null), name };
		};

		// 2021 CRS awards
		const awardVersion = await addVersion('crs-awards-2021', awardRows.length);
		const lotCodes: Record<CrsLot, string> = {
			Accommodation: 'ACC',
			'Education, Training and Employment': 'ETE',
			'Personal Wellbeing': 'PWB',
			"Women's Services": 'WOS'
		};
		const awardKeys: AwardLinkKey[] = [];
		const awardServiceIds = new Map<string, number>();
		const awardLeads = new Set<string>();
		const counter = new Map<string, number>();
		for (const [i, a] of awardRows.entries()) {
			const where = `data/commissioning/crs_contract_awards_2021.csv:${i + 1}`;
			const regionCode = regionCodeOf(a.region, where);
			const lot =
				parseLot(a.category) ?? fail(`${where}:category: unknown CRS lot "${a.category}"`);
			const lead = await organisationFor(a.provider);
			awardLeads.add(lead.name);
			const whole = splitList(a.areas).map((n) => pccIdOf(n, `${where}:areas`));
			const until = splitList(a.areas_until_june_2023).map((n) =>
				pccIdOf(n, `${where}:areas_until_june_2023`)
			);
			const lotLevel = a.lot_level === 'Region' ? 'region' : 'pcc-area';
			const rm = regionRows.find((r) => r.region_code === regionCode)!.interventions_region_code;
			const seq = (counter.get(`${rm}-${lot}`) ?? 0) + 1;
			counter.set(`${rm}-${lot}`, seq);
			const reference = `CRS2021-${rm}-${lotCodes[lot]}-${seq}`;
			const termYears = lot === "Women's Services" ? 3.75 : 2.75;
			const endDate = lot === "Women's Services" ? '2025-03-25' : '2024-03-25';
			const areaNames = [...splitList(a.areas), ...splitList(a.areas_until_june_2023)];
			const service = await trx
				.insertInto('services')
				.values({
					dataset_version_id: awardVersion,
					reference,
					source: 'crs',
					record_type: 'award',
					name: `${lot}, ${a.region}${lotLevel === 'pcc-area' && areaNames.length ? `: ${areaNames.join(', ')}` : ''}`,
					mechanism: 'call-off',
					funder: 'HMPPS (Probation Service)',
					lead_organisation_id: lead.id,
					contract_type: lotCodes[lot],
					lot_level: lotLevel,
					region_code: regionCode,
					sex: lot === "Women's Services" ? 'female' : 'any',
					min_age: null,
					max_age: null,
					award_date: AWARD_DATE,
					start_date: DAY_ONE,
					end_date: endDate,
					referral_from: null,
					referral_until: null,
					annual_value_gbp: Math.round(a.value_gbp / termYears),
					total_value_gbp: a.value_gbp,
					places_per_year: null,
					provenance: 'published',
					provenance_note:
						'Lead, lot, areas and value published (MoJ, 21 May 2021)' +
						(lot === 'Accommodation' || lot === 'Education, Training and Employment'
							? '; value is the predicted value'
							: '') +
						`. Derived: start ${DAY_ONE} (Day 1), end ${endDate} from the standard term of ${lot === "Women's Services" ? '3 years 9 months' : '2 years 9 months'} (extensions not published), annual value = value ÷ ${termYears} years.`,
					notes: a.notes,
					delivery_locations: null,
					source_record: JSON.stringify(a)
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			await insertMany(
				trx,
				'service_categories',
				LOT_CATEGORIES[lot].map((category) => ({ service_id: service.id, category }))
			);
			await insertMany(trx, 'service_pcc_areas', [
				...whole.map((id) => ({ service_id: service.id, pcc_area_id: id, until: null })),
				...until.map((id) => ({ service_id: service.id, pcc_area_id: id, until: UNTIL_JUNE_2023 }))
			]);
			awardServiceIds.set(reference, service.id);
			const regionPccs = pccRows
				.filter((p) => regionByRm.get(p.probation_region_code) === regionCode)
				.map((p) => p.pcc_area_id);
			const covered = [...whole, ...until];
			awardKeys.push({
				key: reference,
				regionCode,
				lot,
				lead: lead.name,
				lotLevel,
				pccAreaIds: covered,
				coversWholeRegion: regionPccs.every((id) => covered.includes(id))
			});
		}

		// Organisation types known from the 2021 award leads.
		for (const name of awardLeads) {
			const isPrivate = PRIVATE_2021_LEADS.includes(name);
			await trx
				.updateTable('organisations')
				.set({
					org_type: isPrivate ? 'private' : 'vcse',
					org_type_basis: isPrivate
						? 'One of the three private lead providers of the 2021 CRS awards (Ingeus, Maximus, Seetec), as named in the MoJ award list of 21 May 2021'
						: 'Clinks reports that 23 of the 26 lead providers of the 2021 CRS awards are voluntary organisations ("What part will voluntary organisations play on the first day of the new probation service?"); the other three are private'
				})
				.where('id', '=', orgIds.get(name)!)
				.execute();
		}

		// Refer and Monitor contract definitions
		const rmVersion = await addVersion('rm-contracts', rmRows.length);
		const definitionKeys: DefinitionLinkKey[] = [];
		const definitionIds = new Map<string, number>();
		for (const [i, d] of rmRows.entries()) {
			const where = `data/facts/crs_interventions_refer_monitor.csv:${i + 1}`;
			const regionCode = regionCodeOf(d.probation_region, where);
			const lead = await organisationFor(d.prime_provider);
			const pccIds = d.pcc_areas.map((n) => pccIdOf(n, `${where}:pcc_areas`));
			const parsed = parseNeedAreas(d.need_areas);
			const categories =
				parsed.categories.length > 0
					? parsed.categories
					: categoriesOfContractType(d.contract_type_code);
			const service = await trx
				.insertInto('services')
				.values({
					dataset_version_id: rmVersion,
					reference: d.contract_reference,
					source: 'crs',
					record_type: 'definition',
					name: d.intervention_title,
					mechanism: 'call-off',
					funder:
						regionCode === 'N50' && d.contract_reference.startsWith('DN671065')
							? 'Greater Manchester Combined Authority (co-commissioned)'
							: 'HMPPS (Probation Service)',
					lead_organisation_id: lead.id,
					contract_type: d.contract_type_code,
					lot_level: pccIds.length > 0 ? 'pcc-area' : 'region',
					region_code: regionCode,
					sex: d.allows_female && d.allows_male ? 'any' : d.allows_female ? 'female' : 'male',
					min_age: d.minimum_age,
					max_age: d.maximum_age,
					award_date: null,
					start_date: null,
					end_date: null,
					referral_from: d.visible_from,
					referral_until: d.visible_until,
					annual_value_gbp: null,
					total_value_gbp: null,
					places_per_year: null,
					provenance: 'published',
					provenance_note:
						`Refer and Monitor contract definition (${d.source_file}). No value is published in this source.` +
						(parsed.categories.length === 0
							? ` Categories derived from the contract type ${d.contract_type_code} (need areas blank or not CRS categories).`
							: ''),
					notes: parsed.unmatched.length > 0 ? `Need areas as published: ${d.need_areas}` : null,
					delivery_locations: d.delivery_locations,
					source_record: JSON.stringify(d)
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			definitionIds.set(d.contract_reference, service.id);
			await insertMany(
				trx,
				'service_categories',
				categories.map((category) => ({ service_id: service.id, category }))
			);
			await insertMany(
				trx,
				'service_pcc_areas',
				pccIds.map((id) => ({ service_id: service.id, pcc_area_id: id, until: null }))
			);
			const subs = new Set<number>();
			for (const name of d.subcontractors) subs.add((await organisationFor(name)).id);
			await insertMany(
				trx,
				'service_subcontractors',
				[...subs].map((id) => ({ service_id: service.id, organisation_id: id }))
			);
			definitionKeys.push({
				key: d.contract_reference,
				regionCode,
				contractTypeCode: d.contract_type_code,
				lead: lead.name,
				pccAreaIds: pccIds,
				visibleFrom: d.visible_from
			});
		}
		const { links } = linkAwardsToDefinitions(awardKeys, definitionKeys);
		await insertMany(
			trx,
			'service_links',
			[...links].map(([def, award]) => ({
				service_id: awardServiceIds.get(award)!,
				linked_service_id: definitionIds.get(def)!,
				basis: 'Same region, lot, lead provider and PCC areas; opened for referrals in 2021'
			}))
		);
		// An award's eligibility is not published; where every linked definition agrees, use theirs.
		for (const [reference, id] of awardServiceIds) {
			const linkedRows = [...links]
				.filter(([, award]) => award === reference)
				.map(([def]) => rmRows.find((x) => x.contract_reference === def)!);
			if (linkedRows.length === 0) continue;
			const sexOf = (r: (typeof rmRows)[number]) =>
				r.allows_female && r.allows_male ? 'any' : r.allows_female ? 'female' : 'male';
			const sexes = new Set(linkedRows.map(sexOf));
			const minAges = new Set(linkedRows.map((r) => r.minimum_age));
			const maxAges = new Set(linkedRows.map((r) => r.maximum_age));
			const agreed: string[] = [];
			const update: { sex?: string; min_age?: number | null; max_age?: number | null } = {};
			if (sexes.size === 1) {
				update.sex = [...sexes][0]!;
				agreed.push('sex');
			}
			if (minAges.size === 1 && maxAges.size === 1) {
				update.min_age = [...minAges][0]!;
				update.max_age = [...maxAges][0]!;
				agreed.push('age');
			}
			if (agreed.length === 0) continue;
			await trx
				.updateTable('services')
				.set((eb) => ({
					...update,
					// `||`, not concat(): PostgreSQL cannot type a parameter passed to variadic concat().
					provenance_note: eb(
						eb.ref('provenance_note'),
						'||',
						` Eligibility (${agreed.join(' and ')}) taken from the linked Refer and Monitor definitions; it was not published with the award.`
					)
				}))
				.where('id', '=', id)
				.execute();
		}
		await addVersion('organisations', providerRows.length + aliasRows.length);

		// Probation offices, placed by postcode district
		const outcodes = new Map(outcodeRows.map((o) => [o.outcode, o]));
		const officeVersion = await addVersion('probation-offices', officeRows.length);
		const ladRegion = new Map(ladRows.map((l) => [l.lad24cd, l.probation_region_code]));
		const regionNames = new Map(regionRows.map((r) => [r.region_code, r.region_name]));
		await insertMany(
			trx,
			'sites',
			officeRows.map((o) => {
				const outcode = outcodeOf(o.address);
				const point = outcode ? outcodes.get(outcode) : undefined;
				const lad = point ? locator.findLad(point.longitude, point.latitude) : undefined;
				const regionCode = regionByRm.get(o.probation_region_id) ?? null;
				const notes: string[] = [];
				if (!point)
					notes.push(
						outcode ? `Postcode district ${outcode} not found` : 'No postcode in the address'
					);
				if (lad && regionCode && ladRegion.get(lad) !== regionCode)
					notes.push(
						`The postcode lies in ${regionNames.get(ladRegion.get(lad)!) ?? 'another region'}, but the source gives region ${regionNames.get(regionCode)}`
					);
				return {
					dataset_version_id: officeVersion,
					reference: `office-${o.probation_office_id}`,
					kind: 'probation-office',
					name: o.name,
					service_id: null,
					address: o.address,
					postcode: postcodeOf(o.address) ?? null,
					lat: point?.latitude ?? null,
					lon: point?.longitude ?? null,
					location_precision: point ? 'postcode-district' : 'unlocated',
					region_code: regionCode,
					lad_code: lad ?? null,
					gender_provision: null,
					source_url: o.gov_uk_url,
					valid_from: null,
					valid_to: null,
					note: notes.length ? notes.join('. ') : null
				};
			})
		);

		// CFO activity hubs: a service each, delivered at one site
		const cfoVersion = await addVersion('cfo-hubs', cfoRows.length);
		const ladById = new Map(ladRows.map((l) => [l.lad24cd, l]));
		for (const c of cfoRows) {
			const lad =
				ladById.get(c.lad_code) ??
				fail(`data/supply/cfo_activity_hubs.csv: ${c.reference}: unknown LAD ${c.lad_code}`);
			const lead = await organisationFor(c.provider);
			const service = await trx
				.insertInto('services')
				.values({
					dataset_version_id: cfoVersion,
					reference: c.reference,
					source: 'cfo',
					record_type: 'site-service',
					name: c.site,
					mechanism: 'contract',
					funder: 'HMPPS Creating Future Opportunities (CFO)',
					lead_organisation_id: lead.id,
					contract_type: c.programme,
					lot_level: 'site',
					region_code: c.region_code,
					sex: 'any',
					min_age: c.min_age,
					max_age: null,
					award_date: null,
					start_date: c.valid_from,
					end_date: c.valid_to,
					referral_from: null,
					referral_until: null,
					annual_value_gbp: null,
					total_value_gbp: null,
					places_per_year: null,
					provenance: 'published',
					provenance_note: `Site, provider and dates as published (${c.source_url}). No value per hub is published. Location derived: placed at ${lad.lad24nm}'s approximate population-weighted centroid.`,
					notes: c.note,
					delivery_locations: c.town,
					source_record: JSON.stringify(c)
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			await trx
				.insertInto('sites')
				.values({
					dataset_version_id: cfoVersion,
					reference: c.reference,
					kind: `cfo-${c.type}`,
					name: c.site,
					service_id: service.id,
					address: c.town,
					postcode: null,
					lat: lad.pop_centroid_lat_approx,
					lon: lad.pop_centroid_lon_approx,
					location_precision: 'lad-centroid',
					region_code: c.region_code,
					lad_code: c.lad_code,
					gender_provision: null,
					source_url: c.source_url,
					valid_from: c.valid_from,
					valid_to: c.valid_to,
					note: c.note
				})
				.execute();
		}

		// Demand: modelled PDU caseload and the published need shares
		const ladPdus = new Map<string, string[]>();
		for (const r of pduLadRows)
			ladPdus.set(r.lad24cd, [...(ladPdus.get(r.lad24cd) ?? []), r.pdu_code]);
		const populations = pduPopulations(
			ladRows.map((l) => ({
				ladCode: l.lad24cd,
				population: l.census2021_population,
				pduCodes: ladPdus.get(l.lad24cd) ?? []
			}))
		);
		const caseloads = apportionTotal(
			NATIONAL_CASELOAD.people,
			pduRows.map((p) => ({ key: p.pdu_code, weight: populations.get(p.pdu_code) ?? 0 }))
		);
		const caseloadVersion = await addVersion('caseload', caseloads.size, CASELOAD_METHOD);
		await insertMany(
			trx,
			'pdu_caseloads',
			[...caseloads].map(([pdu, people]) => ({
				dataset_version_id: caseloadVersion,
				pdu_code: pdu,
				period: NATIONAL_CASELOAD.period,
				caseload: people,
				community: null,
				post_release: null,
				provenance: 'modelled'
			}))
		);
		const shares: { category: CrsCategory; share: number; measure: string; note: string }[] = [
			{ category: 'Accommodation', share: 0.39, measure: 'accommodation need', note: '' },
			{
				category: 'Lifestyle and Associates',
				share: 0.71,
				measure: 'lifestyle and associates need',
				note: ''
			},
			{
				category: 'Dependency and Recovery',
				share: 0.24,
				measure: 'alcohol misuse need',
				note: 'Alcohol misuse only: the drug misuse share was not in the source read, so this understates Dependency and Recovery need.'
			}
		];
		const needVersion = await addVersion(
			'need-shares',
			shares.length,
			JSON.stringify(shares) + NEEDS_SOURCE.source
		);
		await insertMany(
			trx,
			'need_shares',
			shares.map((s) => ({
				dataset_version_id: needVersion,
				scope: 'national',
				...s,
				provenance: 'published'
			}))
		);

		await trx.insertInto('app_meta').values({ key: 'seeded_at', value: now }).execute();
		return {
			regions: regionRows.length,
			pdus: pduRows.length,
			lads: ladRows.length,
			organisations: orgIds.size,
			awards: awardRows.length,
			awardValueGbp: awardRows.reduce((sum, a) => sum + a.value_gbp, 0),
			definitions: rmRows.length,
			linkedDefinitions: links.size,
			offices: officeRows.length,
			cfoSites: cfoRows.length,
			caseload: [...caseloads.values()].reduce((a, b) => a + b, 0)
		};
	});
}

async function insertMany<T extends keyof Database & string>(
	trx: Trx,
	table: T,
	values: readonly Record<string, unknown>[]
): Promise<void> {
	for (let i = 0; i < values.length; i += 200) {
		const chunk = values.slice(i, i + 200);
		// Rows are built to the table's shape by the callers above.
		if (chunk.length > 0)
			await trx
				.insertInto(table)
				.values(chunk as never)
				.execute();
	}
}

function splitList(value: string): string[] {
	return value
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

/** Region and PCC-area names match across sources ignoring case, '&'/'and' and punctuation. */
function nameKey(name: string): string {
	return name
		.toLowerCase()
		.replace(/&/g, 'and')
		.replace(/[^a-z]+/g, ' ')
		.trim();
}

function fail(message: string): never {
	throw new Error(message);
}
