import { describe, expect, it } from 'vitest';
import { gapRowProvenance } from './gap-provenance';

describe('gapRowProvenance', () => {
	const imported = {
		caseloadProvenance: 'published' as const,
		caseloadSource: 'published (imported from durham.csv, version 2)',
		needShares: { Accommodation: 0.4 },
		subgroupShares: { women: 0.12 }
	};

	it('calls need modelled when the caseload is the shipped modelled one', () => {
		expect(gapRowProvenance(undefined, 'Accommodation', 'all', 0.39)).toEqual({
			caseload: 'modelled',
			needShare: 'published national share',
			needCount: 'modelled',
			places: 'derived from published values and the stated unit cost'
		});
		expect(
			gapRowProvenance(
				{ caseloadProvenance: 'modelled', caseloadSource: 'modelled' },
				'Finance, Benefits and Debt',
				'all',
				null
			)
		).toMatchObject({ needShare: 'no published figure', needCount: 'modelled' });
	});

	it('calls need derived from a published imported caseload, and says where its share came from', () => {
		expect(gapRowProvenance(imported, 'Accommodation', 'all', 0.4)).toMatchObject({
			caseload: 'published (imported from durham.csv, version 2)',
			needShare:
				'given for this PDU by its caseload import: published (imported from durham.csv, version 2)',
			needCount: 'derived'
		});
		// the PDU's own women's share keeps it derived; a national subgroup share makes it modelled
		expect(gapRowProvenance(imported, 'Accommodation', 'women', 0.4).needCount).toBe('derived');
		expect(gapRowProvenance(imported, 'Accommodation', 'young-adults', 0.4).needCount).toBe(
			'modelled'
		);
		expect(gapRowProvenance(imported, 'Emotional Wellbeing', 'all', 0.2).needShare).toBe(
			'published national share'
		);
	});
});
