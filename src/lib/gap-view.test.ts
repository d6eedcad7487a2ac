import { describe, expect, it } from 'vitest';
import type { CoverageService } from '$lib/domain/coverage';
import type { GapQuery } from './gap-query';
import { computeGapView, type GapBaseline } from './gap-view';

const TODAY = '2026-05-01';

function pdu(code: string, regionCode: string, caseload: number) {
	return {
		code,
		name: `PDU ${code}`,
		regionCode,
		regionName: regionCode === 'R1' ? 'Region One' : 'Region Two',
		pccAreaIds: [`pcc-${code}`],
		caseload,
		population: caseload * 100,
		centroid: null
	};
}

function service(over: Partial<CoverageService>): CoverageService {
	return {
		reference: 'S',
		name: 'Service',
		recordType: 'award',
		leadProvider: 'Lead Ltd',
		categories: ['Accommodation'],
		lotLevel: 'pdu',
		regionCode: null,
		pccAreas: [],
		pduCodes: [],
		sex: 'any',
		minAge: null,
		maxAge: null,
		startDate: '2021-06-26',
		endDate: null,
		referralFrom: null,
		referralUntil: null,
		annualValueGbp: null,
		placesPerYear: null,
		linkedReferences: [],
		...over
	};
}

/**
 * Two regions. CROSS reaches A1 (region R1) and B1 (region R2), so its places are shared between
 * them by need even when only R1 is shown. LOCAL reaches R1 only. OLD ended before TODAY.
 */
const baseline: GapBaseline = {
	datasetVersions: { caseload: 1 },
	regions: [
		{ code: 'R1', name: 'Region One' },
		{ code: 'R2', name: 'Region Two' }
	],
	pdus: [pdu('A1', 'R1', 1000), pdu('A2', 'R1', 3000), pdu('B1', 'R2', 3000)],
	needShares: [['Accommodation', 0.5]],
	needShareNotes: [],
	services: [
		// 400 places a year, stated; A1 and B1 have need 500 and 1500, so A1 gets 1/4 = 100.
		service({ reference: 'CROSS', lotLevel: 'pdu', pduCodes: ['A1', 'B1'], placesPerYear: 400 }),
		// £600,000 ÷ £1,000 = 600 places over A1 (need 500) and A2 (need 1500): 150 and 450.
		service({
			reference: 'LOCAL',
			lotLevel: 'region',
			regionCode: 'R1',
			annualValueGbp: 600_000
		}),
		service({
			reference: 'OLD',
			lotLevel: 'region',
			regionCode: 'R1',
			endDate: '2024-03-25',
			placesPerYear: 10_000
		})
	],
	sites: []
};

const query = (over: Partial<GapQuery> = {}): GapQuery => ({
	region: null,
	category: 'Accommodation',
	subgroup: 'all',
	date: TODAY,
	unitCost: 1000,
	continued: true,
	measure: 'coverage',
	pdu: null,
	...over
});

const byPdu = (rows: { pdu: string }[]) => rows.map((r) => r.pdu).sort();

describe('computeGapView', () => {
	it('shows every PDU nationally', () => {
		const view = computeGapView(baseline, query());
		expect(byPdu(view.rows)).toEqual(['A1', 'A2', 'B1']);
	});

	it('the region filter keeps only that region’s rows', () => {
		expect(byPdu(computeGapView(baseline, query({ region: 'R1' })).rows)).toEqual(['A1', 'A2']);
		expect(byPdu(computeGapView(baseline, query({ region: 'R2' })).rows)).toEqual(['B1']);
		expect(computeGapView(baseline, query({ region: 'R9' })).rows).toEqual([]);
	});

	it('shares places across every PDU a service reaches, in or out of the region shown', () => {
		const national = computeGapView(baseline, query());
		const regional = computeGapView(baseline, query({ region: 'R1' }));
		const a1 = regional.rows.find((r) => r.pdu === 'A1')!;
		const cross = a1.services.find((s) => s.reference === 'CROSS')!;
		expect(cross.coveredPduCount).toBe(2);
		expect(cross.pduShare).toBeCloseTo(0.25);
		expect(cross.places).toBeCloseTo(100);
		expect(a1.places).toBeCloseTo(100 + 150);
		// The same numbers as the national view: filtering never re-shares places.
		expect(a1).toEqual(national.rows.find((r) => r.pdu === 'A1'));
		expect(national.rows.find((r) => r.pdu === 'B1')!.places).toBeCloseTo(300);
	});

	it('does not count a service that ended before the date, and lists it as excluded', () => {
		const view = computeGapView(baseline, query({ region: 'R1' }));
		expect(view.rows.flatMap((r) => r.services.map((s) => s.reference))).not.toContain('OLD');
		expect(view.excluded).toEqual([
			expect.objectContaining({ reference: 'OLD', reason: expect.stringMatching(/^ended /) })
		]);
	});

	it('uses the view’s unit cost for its category', () => {
		const view = computeGapView(baseline, query({ region: 'R1', unitCost: 2000 }));
		// LOCAL now gives 300 places: 75 to A1, 225 to A2.
		expect(view.rows.find((r) => r.pdu === 'A2')!.places).toBeCloseTo(225);
	});

	it('totals add up the rows shown', () => {
		for (const region of [null, 'R1', 'R2']) {
			const view = computeGapView(baseline, query({ region }));
			const sum = (f: (r: (typeof view.rows)[number]) => number) =>
				view.rows.reduce((s, r) => s + f(r), 0);
			expect(view.totals.needCount).toBeCloseTo(sum((r) => r.needCount!));
			expect(view.totals.places).toBeCloseTo(sum((r) => r.places));
			expect(view.totals.gap).toBeCloseTo(sum((r) => r.gap!));
			expect(view.totals.coverage).toBeCloseTo(view.totals.places / view.totals.needCount!);
		}
		const r1 = computeGapView(baseline, query({ region: 'R1' })).totals;
		expect(r1.needCount).toBeCloseTo(500 + 1500);
		expect(r1.places).toBeCloseTo(100 + 150 + 450);
		// Gaps are floored per PDU before they are added: 250 + 1050.
		expect(r1.gap).toBeCloseTo(250 + 1050);
	});

	it('totals need, gap and coverage are null when any row’s need is unknown', () => {
		// No published share of veterans, so no row's need is known.
		const veterans = computeGapView(baseline, query({ region: 'R1', subgroup: 'veterans' }));
		expect(veterans.rows.every((r) => r.needCount === null)).toBe(true);
		expect(veterans.totals).toEqual({ needCount: null, places: 0, gap: null, coverage: null });

		// No need share for this category; places are still added up.
		const ete = computeGapView(
			{
				...baseline,
				services: [
					...baseline.services,
					service({
						reference: 'ETE',
						categories: ['Education, Training and Employment'],
						lotLevel: 'region',
						regionCode: 'R1',
						placesPerYear: 80
					})
				]
			},
			query({ region: 'R1', category: 'Education, Training and Employment' })
		);
		expect(ete.totals.needCount).toBeNull();
		expect(ete.totals.gap).toBeNull();
		expect(ete.totals.coverage).toBeNull();
		expect(ete.totals.places).toBeCloseTo(80);
	});

	it('women: only the women’s share of a mixed service counts', () => {
		const view = computeGapView(baseline, query({ region: 'R1', subgroup: 'women' }));
		const a2 = view.rows.find((r) => r.pdu === 'A2')!;
		expect(a2.needCount).toBeCloseTo(3000 * 0.5 * 0.11);
		expect(a2.places).toBeCloseTo(450 * 0.11);
	});

	it('an empty region has zero totals and no coverage', () => {
		expect(computeGapView(baseline, query({ region: 'R9' })).totals).toEqual({
			needCount: 0,
			places: 0,
			gap: 0,
			coverage: null
		});
	});
});
