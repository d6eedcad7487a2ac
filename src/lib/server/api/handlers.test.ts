import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { CRS_CATEGORIES } from '$lib/domain/categories';
import { PROVENANCES } from '$lib/domain/provenance';
import { SUPPLY_SOURCES } from '$lib/domain/supply';
import type { DB } from '../db';
import { freshDatabase } from '../testing/fresh-db';
import {
	getDatasets,
	getOrganisations,
	getPdu,
	getPdus,
	getRegion,
	getRegions,
	getServices,
	unknownEndpoint
} from './handlers';
import { methodNotAllowed, respond } from './respond';

let db: DB;

beforeAll(async () => {
	db = (await freshDatabase({ seed: true })).db;
});
afterAll(async () => db.destroy());

const q = (query = '') => new URLSearchParams(query);

/** Status and parsed body of a handler's response, after checking it is uncached JSON. */
async function read(response: Promise<Response> | Response) {
	const res = await response;
	expect(res.headers.get('content-type')).toMatch(/^application\/json/);
	expect(res.headers.get('cache-control')).toBe('no-store');
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- shapes are asserted below
	return { status: res.status, body: (await res.json()) as any };
}

/** An error response: exactly { error, detail }, nothing more. */
async function readError(response: Promise<Response> | Response, status: number) {
	const { status: actual, body } = await read(response);
	expect(actual).toBe(status);
	expect(Object.keys(body).sort()).toEqual(['detail', 'error']);
	expect(body.error).toEqual(expect.any(String));
	return body.detail as string;
}

/** The fields every /services row must carry. */
const serviceRowSchema = z.object({
	reference: z.string().min(1),
	source: z.enum(SUPPLY_SOURCES),
	region: z
		.string()
		.regex(/^N\d\d$/)
		.nullable(),
	regionName: z.string().nullable(),
	categories: z.array(z.enum(CRS_CATEGORIES)),
	leadProvider: z.string().nullable(),
	totalValueGbp: z.number().nullable(),
	annualValueGbp: z.number().nullable(),
	recordType: z.string(),
	lotLevel: z.enum(['region', 'pcc-area', 'pdu', 'site']),
	pccAreas: z.array(
		z.strictObject({ id: z.string(), name: z.string(), until: z.string().nullable() })
	),
	subcontractors: z.array(z.string()),
	sex: z.enum(['any', 'female', 'male']),
	minAge: z.number().nullable(),
	maxAge: z.number().nullable(),
	startDate: z.iso.date().nullable(),
	endDate: z.iso.date().nullable(),
	referralFrom: z.iso.date().nullable(),
	referralUntil: z.iso.date().nullable(),
	linkedReferences: z.array(z.string()),
	provenance: z.strictObject({
		label: z.enum(PROVENANCES),
		note: z.string(),
		dataset: z.string().min(1),
		datasetVersion: z.number().int().positive()
	})
});

describe('GET /api/v1/regions', () => {
	it('lists the 12 regions with modelled caseload and 2021 award value', async () => {
		const { status, body } = await read(getRegions(db, q()));
		expect(status).toBe(200);
		expect(body.count).toBe(12);
		expect(body.regions).toHaveLength(12);
		const northEast = body.regions.find((r: { code: string }) => r.code === 'N54');
		expect(northEast).toMatchObject({ rmCode: 'A', name: 'North East', pduCount: 7 });
		for (const region of body.regions) expect(region.caseloadProvenance).toBe('modelled');
		const awards = body.regions.reduce(
			(a: number, r: { awardCount: number }) => a + r.awardCount,
			0
		);
		const value = body.regions.reduce(
			(a: number, r: { awardValueGbp: number }) => a + r.awardValueGbp,
			0
		);
		expect([awards, value]).toEqual([66, 196_074_277]);
	});

	it('refuses query parameters it does not take', async () => {
		expect(await readError(getRegions(db, q('region=N54')), 400)).toMatch(/'region'/);
	});
});

describe('GET /api/v1/regions/{code}', () => {
	it('finds the same region by nDelius code and by R&M letter, in either case', async () => {
		const byCode = await read(getRegion(db, 'N54', q()));
		const byLetter = await read(getRegion(db, 'A', q()));
		const lower = await read(getRegion(db, 'a', q()));
		expect(byCode.status).toBe(200);
		expect(byCode.body.region).toMatchObject({ code: 'N54', rmCode: 'A', name: 'North East' });
		expect(byLetter.body).toEqual(byCode.body);
		expect(lower.body).toEqual(byCode.body);
	});

	it("holds the region's PDUs, PCC areas, services and organisations", async () => {
		const { body } = await read(getRegion(db, 'N54', q()));
		expect(body.pdus).toHaveLength(7);
		for (const pdu of body.pdus) expect(pdu.regionCode).toBe('N54');
		expect(body.pccAreas.length).toBeGreaterThan(0);
		const all = await read(getServices(db, q('region=N54')));
		expect(body.services.map((s: { reference: string }) => s.reference)).toEqual(
			all.body.services.map((s: { reference: string }) => s.reference)
		);
		expect(
			body.services.filter((s: { recordType: string }) => s.recordType === 'award')
		).toHaveLength(body.region.awardCount);
		expect(body.organisations.length).toBeGreaterThan(0);
		for (const org of body.organisations)
			expect(org.leadCount + org.subcontractCount).toBeGreaterThan(0);
	});

	it('answers an unknown code with 404 and {error, detail}', async () => {
		const detail = await readError(getRegion(db, 'Z', q()), 404);
		expect(detail).toMatch(/^code: 'Z' is not a probation region\. Valid: /);
		expect(detail).toContain("'N54' or 'A' (North East)");
	});

	it('suggests the nearest region for a near miss or a region name', async () => {
		expect(await readError(getRegion(db, 'N45', q()), 404)).toContain(
			"Did you mean 'N54' (North East)?"
		);
		expect(await readError(getRegion(db, 'Wales', q()), 404)).toContain(
			"Did you mean 'N03' (Wales)?"
		);
	});
});

describe('GET /api/v1/pdus', () => {
	it('lists the 108 current PDUs with modelled caseloads', async () => {
		const { status, body } = await read(getPdus(db, q()));
		expect(status).toBe(200);
		expect(body.count).toBe(108);
		expect(body.pdus).toHaveLength(108);
		expect(body.filters).toEqual({ region: null });
		const caseload = body.pdus.reduce((a: number, p: { caseload: number }) => a + p.caseload, 0);
		expect(caseload).toBe(240_362);
		expect(body.pdus[0]).toEqual({
			code: expect.any(String),
			slug: expect.any(String),
			name: expect.any(String),
			regionCode: expect.any(String),
			regionName: expect.any(String),
			pccAreas: expect.any(Array),
			population: expect.any(Number),
			caseload: expect.any(Number),
			caseloadProvenance: 'modelled'
		});
	});

	it.each(['N54', 'A', 'a'])('gives the 7 North East PDUs for region=%s', async (region) => {
		const { body } = await read(getPdus(db, q(`region=${region}`)));
		expect(body.count).toBe(7);
		expect(body.filters).toEqual({ region: 'N54' });
		for (const pdu of body.pdus)
			expect(pdu).toMatchObject({ regionCode: 'N54', regionName: 'North East' });
	});

	it('refuses an unknown region with 400 naming the parameter', async () => {
		const detail = await readError(getPdus(db, q('region=N99')), 400);
		expect(detail).toMatch(/^region: 'N99' is not a probation region\./);
	});
});

describe('GET /api/v1/pdus/{code}', () => {
	it('finds a PDU by code or slug, with districts, needs and provenance', async () => {
		const byCode = await read(getPdu(db, 'N54DUR', q()));
		const bySlug = await read(getPdu(db, 'county-durham-and-darlington', q()));
		expect(byCode.status).toBe(200);
		expect(bySlug.body).toEqual(byCode.body);
		const { pdu } = byCode.body;
		expect(pdu).toMatchObject({
			code: 'N54DUR',
			regionCode: 'N54',
			caseloadProvenance: 'modelled'
		});
		expect(pdu.lads.map((l: { name: string }) => l.name)).toEqual(['County Durham', 'Darlington']);
		expect(pdu.provenance.caseload).toMatchObject({ label: 'modelled', dataset: 'caseload' });
		expect(pdu.provenance.caseload.note).toMatch(/apportioned/);
		expect(pdu.provenance.needs).toMatchObject({ label: 'modelled', dataset: 'need-shares' });
	});

	it('gives people for each published need share and null, not zero, for the rest', async () => {
		const { body } = await read(getPdu(db, 'N54DUR', q()));
		const needs: { category: string; people: number | null; share: number | null }[] =
			body.pdu.needs;
		expect(needs.map((n) => n.category)).toEqual([...CRS_CATEGORIES]);
		for (const need of needs) {
			if (need.share === null) expect(need.people).toBeNull();
			else expect(need.people).toBe(Math.round(body.pdu.caseload * need.share));
		}
		expect(needs.find((n) => n.category === 'Accommodation')!.share).toBe(0.39);
		expect(needs.find((n) => n.category === 'Social Inclusion')!.people).toBeNull();
	});

	it('answers an unknown PDU with 404, suggesting the nearest', async () => {
		const detail = await readError(getPdu(db, 'durham', q()), 404);
		expect(detail).toMatch(/^code: 'durham' is not a PDU code or slug\. /);
		expect(detail).toContain("Did you mean 'N54DUR' (County Durham and Darlington)?");
	});
});

describe('GET /api/v1/services', () => {
	it('gives exactly the 66 CRS awards of 2021, worth £196,074,277', async () => {
		const { status, body } = await read(getServices(db, q('source=crs&year=2021')));
		expect(status).toBe(200);
		expect(body.count).toBe(66);
		expect(body.services).toHaveLength(66);
		expect(body.totalValueGbp).toBe(196_074_277);
		expect(body.valuedCount).toBe(66);
		expect(body.filters).toEqual({ source: 'crs', region: null, category: null, year: 2021 });
		for (const s of body.services) expect(s).toMatchObject({ source: 'crs', recordType: 'award' });
	});

	it('gives every row the published fields and a provenance object', async () => {
		const { body } = await read(getServices(db, q()));
		expect(body.count).toBeGreaterThan(66);
		for (const row of body.services) serviceRowSchema.parse(row);
		const award = body.services.find(
			(s: { reference: string }) => s.reference === 'CRS2021-F-ACC-1'
		);
		expect(award).toMatchObject({
			region: 'N53',
			regionName: 'East Midlands',
			leadProvider: 'Nacro',
			totalValueGbp: 2_963_412,
			provenance: { label: 'published', dataset: 'crs-awards-2021', datasetVersion: 1 }
		});
	});

	it('sums only published values and says when there are none', async () => {
		const { body } = await read(getServices(db, q('source=cfo')));
		expect(body.count).toBeGreaterThan(0);
		expect(body.totalValueGbp).toBeNull();
		expect(body.valuedCount).toBe(0);
	});

	it('filters by region (code or letter) and category alias together', async () => {
		const { body } = await read(getServices(db, q('source=crs&region=A&category=ete')));
		expect(body.filters).toMatchObject({
			region: 'N54',
			category: 'Education, Training and Employment'
		});
		expect(body.count).toBeGreaterThan(0);
		for (const s of body.services) {
			expect(s.region).toBe('N54');
			expect(s.categories).toContain('Education, Training and Employment');
		}
		const whole = await read(getServices(db, q('source=crs&region=N54')));
		expect(whole.body.count).toBeGreaterThan(body.count);
	});

	it('refuses category=Housing with 400 naming the parameter', async () => {
		const detail = await readError(getServices(db, q('category=Housing')), 400);
		expect(detail).toMatch(/^category: 'Housing' is not a CRS category\./);
		expect(detail).toContain("Did you mean 'Accommodation'?");
	});

	it.each([
		['region=Q', /^region: 'Q' is not a probation region/],
		['source=grants', /^source: 'grants' is not a supply source/],
		['year=1999', /^year: 1999/],
		['colour=red', /^unknown parameter 'colour'/]
	])('refuses %s with 400', async (query, expected) => {
		expect(await readError(getServices(db, q(query)), 400)).toMatch(expected);
	});
});

describe('GET /api/v1/organisations', () => {
	it('lists organisations with their lead and subcontract counts', async () => {
		const { status, body } = await read(getOrganisations(db, q()));
		expect(status).toBe(200);
		expect(body.count).toBe(body.organisations.length);
		const led = body.organisations.reduce(
			(a: number, o: { awardValueLedGbp: number }) => a + o.awardValueLedGbp,
			0
		);
		expect(led).toBe(196_074_277);
		const nacro = body.organisations.find((o: { name: string }) => o.name === 'Nacro');
		expect(nacro).toMatchObject({ orgType: 'vcse', aliases: expect.any(Array) });
		expect(nacro.leadCount).toBeGreaterThan(0);
		const types = new Set(body.organisations.map((o: { orgType: string | null }) => o.orgType));
		expect(types).toContain(null);
	});
});

describe('GET /api/v1/datasets', () => {
	it('lists each dataset with its current version and checksum', async () => {
		const { status, body } = await read(getDatasets(db, q()));
		expect(status).toBe(200);
		expect(body.count).toBe(body.datasets.length);
		const caseload = body.datasets.find((d: { key: string }) => d.key === 'caseload');
		expect(caseload).toMatchObject({ provenance: 'modelled', version: 1 });
		for (const d of body.datasets) expect(d.checksum).toMatch(/^[0-9a-f]{64}$/);
	});
});

describe('errors outside the handlers', () => {
	it('answers any other /api path with a JSON 404', async () => {
		const detail = await readError(unknownEndpoint('/api/v2/regions'), 404);
		expect(detail).toMatch(/^path: there is no endpoint at '\/api\/v2\/regions'\. Valid: /);
	});

	it('refuses other methods with 405 and Allow', async () => {
		const res = methodNotAllowed('POST');
		expect(res.headers.get('allow')).toBe('GET, HEAD');
		expect(await readError(res, 405)).toMatch(/^method: POST/);
	});

	it('answers an unexpected failure with a plain 500, never the message', async () => {
		const log = vi.spyOn(console, 'error').mockImplementation(() => {});
		const detail = await readError(
			respond(async () => {
				throw new Error('SQLITE_CORRUPT at /var/secret.db');
			}),
			500
		);
		expect(detail).not.toContain('secret');
		expect(log).toHaveBeenCalledOnce();
		log.mockRestore();
	});
});
