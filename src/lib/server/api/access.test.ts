import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CRS_CATEGORIES } from '$lib/domain/categories';
import { RURAL_DENSITY_PER_KM2 } from '$lib/domain/access';
import type { DB } from '../db';
import { freshDatabase } from '../testing/fresh-db';
import { getAccess } from './access';

let db: DB;
beforeAll(async () => {
	db = (await freshDatabase({ seed: true })).db;
});
afterAll(async () => db.destroy());

/** A fixed planning date, so the services counted do not change as time passes. */
const TODAY = '2025-06-01';
const q = (query = '') => new URLSearchParams(query);

const ladRow = z.strictObject({
	code: z.string().regex(/^[EW]0\d{7}$/),
	name: z.string().min(1),
	pduCodes: z.array(z.string()),
	population: z.number().int().positive(),
	access: z.number().nonnegative(),
	withinCatchment: z.boolean()
});
const pduRow = z.strictObject({
	code: z.string(),
	name: z.string(),
	regionCode: z.string().regex(/^N\d\d$/),
	population: z.number().int().nonnegative(),
	access: z.number().nonnegative().nullable(),
	shareWithinCatchment: z.number().min(0).max(1).nullable(),
	densityPerKm2: z.number().positive().nullable(),
	rural: z.boolean().nullable(),
	lowAccess: z.boolean()
});
const siteRow = z.strictObject({
	reference: z.string(),
	serviceReference: z.string(),
	name: z.string(),
	lat: z.number().min(49).max(56),
	lon: z.number().min(-6.5).max(2),
	capacity: z.number().positive(),
	capacityKnown: z.boolean(),
	basis: z.string().min(1),
	ladCode: z.string().nullable()
});
const reportSchema = z.strictObject({
	category: z.enum(CRS_CATEGORIES).nullable(),
	catchmentKm: z.number(),
	planningDate: z.iso.date(),
	method: z.string(),
	lads: z.array(ladRow),
	pdus: z.array(pduRow),
	sites: z.array(siteRow),
	locations: z.strictObject({ matched: z.number().int(), unmatched: z.number().int() }),
	unmatchedLocations: z.array(
		z.strictObject({
			serviceReference: z.string(),
			regionCode: z.string().nullable(),
			location: z.string()
		})
	),
	servicesNotCounted: z.array(
		z.strictObject({ reference: z.string(), name: z.string(), reason: z.string() })
	),
	provenance: z.strictObject({
		label: z.literal('modelled'),
		datasetVersions: z.record(z.string(), z.number())
	})
});
type Report = z.infer<typeof reportSchema>;

async function report(query: string): Promise<Report> {
	const res = await getAccess(db, q(query), TODAY);
	expect(res.status).toBe(200);
	expect(res.headers.get('cache-control')).toBe('no-store');
	return reportSchema.parse(await res.json());
}

async function errorDetail(query: string): Promise<string> {
	const res = await getAccess(db, q(query), TODAY);
	expect(res.status).toBe(400);
	const body = (await res.json()) as Record<string, unknown>;
	expect(Object.keys(body).sort()).toEqual(['detail', 'error']);
	return body.detail as string;
}

describe('GET /api/v1/access', () => {
	it('gives every district and current PDU, with a 30 km catchment by default', async () => {
		const body = await report('category=Accommodation');
		expect(body).toMatchObject({ category: 'Accommodation', catchmentKm: 30, planningDate: TODAY });
		expect(body.lads).toHaveLength(318);
		expect(body.pdus).toHaveLength(108);
		expect(body.method).toContain('W(d) = (e^(−½(d/d0)²) − e^(−½)) / (1 − e^(−½))');
		expect(body.method).toContain('without a trailing " City"');
		expect(body.method).toContain(`fewer than ${RURAL_DENSITY_PER_KM2} people per km²`);
		expect(body.provenance.datasetVersions['local-authority-districts']).toBe(1);
	});

	it('places Refer and Monitor delivery locations at districts of the same region', async () => {
		const body = await report('category=Accommodation');
		// East Midlands accommodation (Nacro): "Nottingham City, Mansfield, Leicester, Loughborough, …"
		const eastMidlands = body.sites.filter((s) => s.serviceReference === 'CRS2021-F-ACC-1');
		expect(eastMidlands.map((s) => s.ladCode)).toEqual(
			expect.arrayContaining(['E06000018', 'E07000174', 'E06000016'])
		);
		const nottingham = eastMidlands.find((s) => s.ladCode === 'E06000018')!;
		expect(nottingham.name).toMatch(/: Nottingham$/);
		expect(body.unmatchedLocations).toContainEqual({
			serviceReference: 'PRJ_5549',
			regionCode: 'N53',
			location: 'Loughborough'
		});
		expect(body.locations.unmatched).toBe(body.unmatchedLocations.length);
		expect(body.locations.matched).toBeGreaterThanOrEqual(
			new Set(body.sites.map((s) => s.reference)).size
		);
	});

	it("splits an award's places equally over its located sites", async () => {
		const body = await report('category=Accommodation');
		const award = body.sites.filter((s) => s.serviceReference === 'CRS2021-F-ACC-1');
		expect(award.length).toBeGreaterThan(1);
		// £2,963,412 over 2.75 years, rounded to £1,077,604 a year, at £1,000 a place.
		const total = award.reduce((sum, s) => sum + s.capacity, 0);
		expect(total).toBeCloseTo(1077.604, 6);
		for (const site of award) {
			expect(site.capacity).toBeCloseTo(total / award.length, 9);
			expect(site.capacityKnown).toBe(true);
			expect(site.basis).toContain(`split equally over ${award.length} sites`);
		}
	});

	it('counts sites of services with no known capacity as 1 place, flagged', async () => {
		const body = await report('');
		expect(body.category).toBeNull();
		const unknown = body.sites.filter((s) => !s.capacityKnown);
		expect(unknown.length).toBeGreaterThan(0);
		for (const site of unknown) expect(site.capacity).toBe(1);
		// CFO hubs have a recorded site and no published value.
		expect(unknown.some((s) => s.ladCode === null)).toBe(true);
	});

	it('aggregates districts to PDUs: weighted mean access, share reached, rural and low access', async () => {
		const body = await report('category=Accommodation&catchmentKm=40');
		const lads = new Map(body.lads.map((l) => [l.code, l]));
		for (const pdu of body.pdus) {
			const members = body.lads.filter((l) => l.pduCodes.includes(pdu.code));
			expect(members.length).toBeGreaterThan(0);
			const weight = (l: (typeof members)[number]) => (l.pduCodes.length > 1 ? 0.5 : 1);
			const people = members.reduce((s, l) => s + weight(l) * l.population, 0);
			expect(pdu.population).toBe(Math.round(people));
			const access = members.reduce((s, l) => s + weight(l) * l.population * l.access, 0) / people;
			expect(pdu.access).toBeCloseTo(access, 12);
			const reached = members.filter((l) => lads.get(l.code)!.withinCatchment);
			const share = reached.reduce((s, l) => s + weight(l) * l.population, 0) / people;
			expect(pdu.shareWithinCatchment).toBeCloseTo(share, 12);
			expect(pdu.rural).toBe(pdu.densityPerKm2! < RURAL_DENSITY_PER_KM2);
			expect(pdu.lowAccess).toBe(pdu.rural === true && pdu.shareWithinCatchment! < 0.5);
		}
		expect(body.pdus.some((p) => p.lowAccess)).toBe(true);
		expect(body.pdus.some((p) => p.rural === false)).toBe(true);
	});

	it('reaches more districts with a wider catchment, never fewer', async () => {
		const near = await report('category=ete&catchmentKm=10');
		const far = await report('category=ete&catchmentKm=80');
		expect(near.category).toBe('Education, Training and Employment');
		expect(far.sites).toEqual(near.sites);
		near.lads.forEach((lad, i) => {
			if (lad.withinCatchment) expect(far.lads[i]!.withinCatchment).toBe(true);
		});
		expect(far.lads.filter((l) => l.withinCatchment).length).toBeGreaterThan(
			near.lads.filter((l) => l.withinCatchment).length
		);
	});

	it('hands out every place of a site that has people in reach', async () => {
		// Σ_i P_i·A_i = Σ_j S_j over the sites with any district within d0 (E2SFCA conserves supply).
		const body = await report('category=Accommodation&catchmentKm=200');
		const handedOut = body.lads.reduce((s, l) => s + l.population * l.access, 0);
		const places = body.sites.reduce((s, site) => s + site.capacity, 0);
		expect(handedOut).toBeCloseTo(places, 6);
	});

	it.each([
		[
			'category=Housing',
			/^category: 'Housing' is not a CRS category\. Did you mean 'Accommodation'\?/
		],
		['catchmentKm=0', /^catchmentKm: 0 km is out of range\. Valid: a number of km from 1 to 200$/],
		['catchmentKm=250', /^catchmentKm: 250 km is out of range/],
		['catchmentKm=far', /^catchmentKm: 'far' is not a number\. Valid: /],
		['catchmentKm=30km', /^catchmentKm: '30km' is not a number\. Did you mean '30'\?/],
		['catchment=30', /^unknown parameter 'catchment'\. Did you mean 'catchmentKm'\?/],
		['catchmentKm=30&catchmentKm=40', /^catchmentKm: given 2 times; give it once/]
	])('refuses %s with 400 naming the parameter', async (query, expected) => {
		expect(await errorDetail(query)).toMatch(expected);
	});
});
