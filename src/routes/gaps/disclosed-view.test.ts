import { beforeAll, describe, expect, it } from 'vitest';
import { seesSuppressedCounts } from '$lib/domain/disclosure';
import type { GapQuery } from '$lib/gap-query';
import { computeGapView, type GapBaseline } from '$lib/gap-view';
import { loadGapBaseline } from '$lib/server/planning/gap-baseline';
import { freshDatabase } from '$lib/server/testing/fresh-db';
import { showGapView } from './disclosed-view';

// The shipped data has no PDU small enough for a count under 5, so Sunderland (N54SUND) is given
// an illustrative caseload of 40: 40 × the need share × the women's share is under 5.
let baseline: GapBaseline;
beforeAll(async () => {
	const { db } = await freshDatabase({ seed: true });
	const loaded = await loadGapBaseline(db);
	baseline = {
		...loaded,
		pdus: loaded.pdus.map((p) => (p.code === 'N54SUND' ? { ...p, caseload: 40 } : p))
	};
}, 60_000);

const query = (over: Partial<GapQuery> = {}): GapQuery => ({
	region: 'N54',
	category: 'Accommodation',
	subgroup: 'women',
	date: '2026-11-29',
	unitCost: 1000,
	continued: true,
	measure: 'coverage',
	pdu: null,
	...over
});

const shown = (q: GapQuery, disclose = true) =>
	showGapView(baseline, q, computeGapView(baseline, q), disclose);

describe('the gap view as a viewer sees it', () => {
	it('hides a small count, its coverage and gap, and one more so the total cannot give it back', () => {
		const raw = computeGapView(baseline, query());
		const sunderland = raw.rows.find((r) => r.pdu === 'N54SUND')!;
		expect(sunderland.needCount).toBeGreaterThan(0);
		expect(sunderland.needCount).toBeLessThan(5);

		const view = shown(query());
		const row = view.rows.find((r) => r.pdu === 'N54SUND')!;
		expect(row).toMatchObject({
			suppressed: 'primary',
			needCount: null,
			coverage: null,
			gap: null
		});
		const secondary = view.rows.filter((r) => r.suppressed === 'secondary');
		expect(secondary).toHaveLength(1);
		// the region total less every count shown is two hidden counts together, never one
		const shownSum = view.rows.reduce((s, r) => s + (r.needCount ?? 0), 0);
		const hiddenSum = raw.totals.needCount! - shownSum;
		expect(hiddenSum).toBeCloseTo(sunderland.needCount! + rawNeed(secondary[0]!.pdu));
		expect(hiddenSum).toBeGreaterThan(sunderland.needCount! + 1);
		// counted over women and men together: Sunderland's men and one more man's count are hidden too
		expect(view.hidden).toEqual({ primary: 1, secondary: 3 });
		// places are never hidden
		expect(row.places).toBe(sunderland.places);
	});

	it('hides the same PDUs in the national view as in the region view', () => {
		const national = shown(query({ region: null }));
		const hidden = national.rows.filter((r) => r.suppressed).map((r) => r.pdu);
		const regional = shown(query())
			.rows.filter((r) => r.suppressed)
			.map((r) => r.pdu);
		expect(hidden.sort()).toEqual(regional.sort());
	});

	it('men are protected too: women and men add up to everyone in the PDU', () => {
		const men = shown(query({ subgroup: 'men' }));
		expect(men.rows.find((r) => r.pdu === 'N54SUND')!.suppressed).not.toBeNull();
	});

	it('hides nothing for all people on probation, and nothing when disclosure does not apply', () => {
		expect(shown(query({ subgroup: 'all' })).hidden).toBeNull();
		const plain = shown(query(), false);
		expect(plain.hidden).toBeNull();
		expect(plain.rows.every((r) => r.suppressed === null && r.needCount !== null)).toBe(true);
		expect(plain.totals).toMatchObject({ suppressed: null });
	});

	it('applies to viewers only', () => {
		expect(seesSuppressedCounts('viewer')).toBe(true);
		for (const role of ['admin', 'commissioner', 'partner', 'anonymous'])
			expect(seesSuppressedCounts(role)).toBe(false);
	});
});

function rawNeed(pdu: string): number {
	return computeGapView(baseline, query()).rows.find((r) => r.pdu === pdu)!.needCount!;
}
