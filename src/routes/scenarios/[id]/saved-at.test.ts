import { describe, expect, it } from 'vitest';
import { datasetChanges, formatSavedAt } from './saved-at';

describe('datasetChanges', () => {
	it('lists the datasets whose version moved, appeared or went', () => {
		expect(
			datasetChanges({ pdus: 1, caseload: 2, old: 1 }, { pdus: 1, caseload: 3, 'services-x': 1 })
		).toEqual([
			{ key: 'caseload', saved: 2, current: 3 },
			{ key: 'old', saved: 1, current: null },
			{ key: 'services-x', saved: null, current: 1 }
		]);
	});

	it('is empty when nothing changed', () => {
		expect(datasetChanges({ pdus: 1 }, { pdus: 1 })).toEqual([]);
	});
});

describe('formatSavedAt', () => {
	it('gives the date and the UTC time', () => {
		expect(formatSavedAt('2026-06-05T09:02:33.000Z')).toBe('5 June 2026 at 09:02 UTC');
	});
});
