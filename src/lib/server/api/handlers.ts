import type { DB } from '../db';
import { listCaseloads } from '../repositories/demand';
import { listDatasets } from '../repositories/datasets';
import { listOrganisations } from '../repositories/organisations';
import { findPdu, listPdus, type PduDetail } from '../repositories/pdus';
import { findRegionCode, listPccAreas, listRegionSummaries } from '../repositories/regions';
import { listServices } from '../repositories/services';
import { noQuery, parseQuery, pdusQuery, servicesQuery } from './query';
import { ApiError, errorResponse, respond, type ApiErrorStatus } from './respond';
import {
	sumKnownValues,
	toCompactServiceRow,
	toDatasetRow,
	toOrganisationRow,
	toPduRow,
	toRegionRow,
	toServiceRow
} from './rows';
import { quoteInput, suggestNearest } from './suggest';

/**
 * The read API's handlers, one per endpoint. Each takes the database first (the route passes
 * `getDb()`, tests a fresh seeded one) and returns the finished Response.
 */

export const API_ENDPOINTS = [
	'/api/v1/regions',
	'/api/v1/regions/{code}',
	'/api/v1/pdus?region=',
	'/api/v1/pdus/{code}',
	'/api/v1/services?source=&region=&category=&year=',
	'/api/v1/organisations',
	'/api/v1/datasets',
	'/api/v1/datasets/{key}/versions',
	'/api/v1/datasets/{key}/compare?from=&to=',
	'/api/v1/gaps?region=&category=&subgroup=&date=',
	'/api/v1/access?category=&catchmentKm=',
	'/api/v1/cliff?region=&category=&dates=&asOf=',
	'/api/v1/market?region=&category=',
	'/api/v1/boundaries?level=',
	'/api/v1/scenarios/run (POST)',
	'/api/v1/scenarios (GET, POST)',
	'/api/v1/scenarios/{id} (GET, PUT)',
	'/api/v1/scenarios/{id}/visibility (PUT)'
] as const;

/** The dataset whose national need shares turn a PDU's caseload into need counts. */
const NEED_SHARES_DATASET = 'need-shares';

/**
 * The nDelius code of the region a client named by nDelius code (N54) or R&M letter (A, any case).
 * Otherwise throws `status` (400 for a filter, 404 for a path) naming `param` and the nearest region.
 */
export async function resolveRegion(
	db: DB,
	param: string,
	value: string,
	status: ApiErrorStatus
): Promise<string> {
	const code = await findRegionCode(db, value.trim());
	if (code) return code;
	const regions = await listRegionSummaries(db);
	const guess = suggestNearest(
		value,
		regions.map((r) => ({ value: r.code, spellings: [r.code, r.name] }))
	);
	const guessed = regions.find((r) => r.code === guess);
	const hint = guessed ? ` Did you mean '${guessed.code}' (${guessed.name})?` : '';
	const valid = regions.map((r) => `'${r.code}' or '${r.rmCode}' (${r.name})`).join(', ');
	throw new ApiError(
		status,
		`${param}: ${quoteInput(value)} is not a probation region.${hint} Valid: an nDelius code or Refer and Monitor letter: ${valid}`
	);
}

export function getRegions(db: DB, query: URLSearchParams): Promise<Response> {
	return respond(async () => {
		parseQuery(noQuery, query);
		const regions = (await listRegionSummaries(db)).map(toRegionRow);
		return { count: regions.length, regions };
	});
}

/**
 * One region with its PDUs, PCC areas, services (compact; the full rows are at
 * /services?region=) and the organisations leading or subcontracting there, with counts and £
 * for that region only.
 */
export function getRegion(db: DB, code: string, query: URLSearchParams): Promise<Response> {
	return respond(async () => {
		parseQuery(noQuery, query);
		const regionCode = await resolveRegion(db, 'code', code, 404);
		const [regions, pdus, pccAreas, services, organisations] = await Promise.all([
			listRegionSummaries(db),
			listPdus(db, { regionCode }),
			listPccAreas(db, regionCode),
			listServices(db, { regionCode }),
			listOrganisations(db, { regionCode })
		]);
		const region = regions.find((r) => r.code === regionCode);
		if (!region) throw new Error(`Region ${regionCode} was found but has no summary.`);
		return {
			region: toRegionRow(region),
			pdus: pdus.map(toPduRow),
			pccAreas: pccAreas.map((a) => ({ id: a.id, name: a.name })),
			services: services.map(toCompactServiceRow),
			organisations: organisations.map(toOrganisationRow)
		};
	});
}

export function getPdus(db: DB, query: URLSearchParams): Promise<Response> {
	return respond(async () => {
		const { region } = parseQuery(pdusQuery, query);
		const regionCode = region ? await resolveRegion(db, 'region', region, 400) : undefined;
		const pdus = (await listPdus(db, { regionCode })).map(toPduRow);
		return { count: pdus.length, filters: { region: regionCode ?? null }, pdus };
	});
}

/** One PDU by nDelius code or slug, with its districts, modelled needs and where each figure is from. */
export function getPdu(db: DB, code: string, query: URLSearchParams): Promise<Response> {
	return respond(async () => {
		parseQuery(noQuery, query);
		const pdu = await findPdu(db, code.trim());
		if (!pdu) throw await pduNotFound(db, code);
		return { pdu: await toPduDetailRow(db, pdu) };
	});
}

async function pduNotFound(db: DB, code: string): Promise<ApiError> {
	const pdus = await listPdus(db);
	const guess = suggestNearest(
		code,
		pdus.map((p) => ({ value: p.code, spellings: [p.code, p.slug, p.name] }))
	);
	const guessed = pdus.find((p) => p.code === guess);
	const hint = guessed ? ` Did you mean '${guessed.code}' (${guessed.name})?` : '';
	return new ApiError(
		404,
		`code: ${quoteInput(code)} is not a PDU code or slug.${hint} Valid: the code or slug of one of the ${pdus.length} PDUs at /api/v1/pdus`
	);
}

async function toPduDetailRow(db: DB, pdu: PduDetail) {
	const [caseloads, datasets] = await Promise.all([listCaseloads(db, pdu.code), listDatasets(db)]);
	const caseload = caseloads[0];
	const caseloadDataset = datasets.find((d) => d.key === caseload?.datasetKey);
	const needsDataset = datasets.find((d) => d.key === NEED_SHARES_DATASET);
	return {
		...toPduRow(pdu),
		validFrom: pdu.validFrom,
		deliusName: pdu.deliusName,
		casName: pdu.casName,
		replaces: pdu.replaces,
		mappingBasis: pdu.mappingBasis,
		splitLads: pdu.splitLads,
		lads: pdu.lads,
		caseloadPeriod: pdu.caseloadPeriod,
		needs: pdu.needs.map((n) => ({
			category: n.category,
			people: n.people,
			share: n.share,
			measure: n.measure,
			note: n.note || null
		})),
		changes: pdu.changes,
		provenance: {
			caseload: caseload
				? {
						label: caseload.provenance,
						period: caseload.period,
						note: caseloadDataset?.method ?? null,
						dataset: caseload.datasetKey,
						datasetVersion: caseload.datasetVersion
					}
				: null,
			// People with a need = caseload × a published share, so no better than the caseload.
			needs: caseload
				? {
						label: caseload.provenance === 'published' ? 'derived' : 'modelled',
						note: needsDataset?.method ?? null,
						dataset: needsDataset?.key ?? null,
						datasetVersion: needsDataset?.version ?? null
					}
				: null
		}
	};
}

/**
 * Services in the one supply model, filtered. `totalValueGbp` sums the published values of the rows
 * returned (null when none has one); `valuedCount` says how many rows that is.
 */
export function getServices(db: DB, query: URLSearchParams): Promise<Response> {
	return respond(async () => {
		const filters = parseQuery(servicesQuery, query);
		const regionCode = filters.region
			? await resolveRegion(db, 'region', filters.region, 400)
			: undefined;
		const services = (
			await listServices(db, {
				source: filters.source,
				regionCode,
				category: filters.category,
				year: filters.year
			})
		).map(toServiceRow);
		const values = services.map((s) => s.totalValueGbp);
		return {
			count: services.length,
			totalValueGbp: sumKnownValues(values),
			valuedCount: values.filter((v) => v !== null).length,
			filters: {
				source: filters.source ?? null,
				region: regionCode ?? null,
				category: filters.category ?? null,
				year: filters.year ?? null
			},
			services
		};
	});
}

export function getOrganisations(db: DB, query: URLSearchParams): Promise<Response> {
	return respond(async () => {
		parseQuery(noQuery, query);
		const organisations = (await listOrganisations(db)).map(toOrganisationRow);
		return { count: organisations.length, organisations };
	});
}

export function getDatasets(db: DB, query: URLSearchParams): Promise<Response> {
	return respond(async () => {
		parseQuery(noQuery, query);
		const datasets = (await listDatasets(db)).map(toDatasetRow);
		return { count: datasets.length, datasets };
	});
}

/** Any path under /api that is not an endpoint: JSON, not the HTML error page. */
export function unknownEndpoint(pathname: string): Response {
	return errorResponse(
		404,
		`path: there is no endpoint at ${quoteInput(pathname)}. Valid: ${API_ENDPOINTS.join(', ')}`
	);
}
