import { describe, expect, it } from 'vitest';
import { computeGaps, prepareCoverage, type CoverageService } from '../coverage';
import { SUBGROUPS } from '../subgroups';
import { prepareScenarioBase, recomputeCategory, scenarioBaseFor } from './base';
import { makeAssumptions, makeBaseline, SERVICES } from './test-fixtures';

const assumptions = makeAssumptions();

/** A service across the region boundary (P3 in R, P4 in S), for women only. */
const ACROSS: CoverageService = {
	...SERVICES[0]!,
	reference: 'X',
	lotLevel: 'pdu',
	regionCode: null,
	pduCodes: ['P3', 'P4'],
	sex: 'female',
	annualValueGbp: null,
	placesPerYear: 90
};

function lot(reference: string, pduCodes: string[], annualValueGbp: number): CoverageService {
	return {
		...SERVICES[0]!,
		reference,
		lotLevel: 'pdu',
		pduCodes,
		annualValueGbp
	};
}

describe('recomputeCategory', () => {
	it.each([
		{
			title: 'a re-let',
			removed: ['S1', 'S2'],
			added: [lot('L1', ['P1', 'P2'], 240_000), lot('L2', ['P3'], 60_000)]
		},
		{ title: 'new places in one PDU', removed: [], added: [lot('L3', ['P3'], 5_000)] },
		{ title: 'a service withdrawn', removed: ['X'], added: [] },
		{
			title: 'a service across regions added',
			removed: ['S3'],
			added: [lot('L4', ['P2', 'P4'], 70_000)]
		}
	])('gives the gap model’s own numbers for $title', ({ removed, added }) => {
		const baseline = makeBaseline({ services: [...SERVICES, ACROSS] });
		const base = prepareScenarioBase(baseline, assumptions);
		const index = new Map(baseline.pdus.map((p, i) => [p.code, i]));
		const { rows, touched } = recomputeCategory(
			base,
			'Accommodation',
			new Set(removed),
			added.map((service) => ({ service, pduIndexes: service.pduCodes.map((c) => index.get(c)!) })),
			SUBGROUPS
		);
		const full = prepareCoverage(
			baseline.pdus,
			new Map(baseline.needShares),
			[...baseline.services.filter((s) => !removed.includes(s.reference)), ...added],
			assumptions
		);
		for (const s of SUBGROUPS) {
			const expected = computeGaps(full, 'Accommodation', s);
			const got = rows.get(s)!;
			expected.forEach((e, i) => {
				expect(got[i]!.places).toBeCloseTo(e.places, 9);
				expect(got[i]!.gap === null ? null : got[i]!.gap!).toEqual(
					e.gap === null ? null : expect.closeTo(e.gap, 9)
				);
			});
		}
		const reached = new Set([
			...added.flatMap((a) => a.pduCodes),
			...baseline.services
				.filter((s) => removed.includes(s.reference))
				.flatMap((s) =>
					s.lotLevel === 'pdu'
						? s.pduCodes
						: baseline.pdus.filter((p) => p.regionCode === s.regionCode).map((p) => p.code)
				)
		]);
		expect(
			baseline.pdus
				.filter((_, i) => touched[i] === 1)
				.map((p) => p.code)
				.sort()
		).toEqual([...reached].sort());
	});

	it('returns the baseline rows themselves when nothing changes', () => {
		const base = prepareScenarioBase(makeBaseline(), assumptions);
		const { rows } = recomputeCategory(base, 'Accommodation', new Set(), [], ['all']);
		expect(rows.get('all')).toBe(base.rows('Accommodation', 'all'));
	});

	it('keeps one prepared base per baseline object until the gap assumptions change', () => {
		const baseline = makeBaseline();
		const a = scenarioBaseFor(baseline, assumptions);
		expect(scenarioBaseFor(baseline, makeAssumptions())).toBe(a);
		expect(scenarioBaseFor(baseline, makeAssumptions({ thresholds: { smallIncomeGbp: 1 } }))).toBe(
			a
		);
		expect(scenarioBaseFor(baseline, makeAssumptions({ siteCatchmentKm: 10 }))).not.toBe(a);
		expect(scenarioBaseFor(makeBaseline(), assumptions)).not.toBe(a);
	});
});
