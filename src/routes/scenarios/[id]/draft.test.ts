import { describe, expect, it } from 'vitest';
import { changes, makeBaseline } from '$lib/domain/scenario/test-fixtures';
import { deleteAt, getAt, setAt } from './assumption-paths';
import { describeDifferences } from './diff';
import {
	decodeDraft,
	describePath,
	encodeDraft,
	fieldId,
	sameDraft,
	validateDraft,
	type Draft
} from './draft';

const baseline = makeBaseline();
const partner = {
	name: 'Area A PCC',
	kind: 'pcc' as const,
	annualGbp: 100_000,
	category: 'Accommodation' as const,
	area: { pccArea: 'a' }
};
const draft = (over: Partial<Draft> = {}): Draft => ({
	name: 'Test scenario',
	description: '',
	changes: changes({ type: 'co-commission', partners: [partner] }),
	assumptions: { planningDate: '2024-01-01' },
	...over
});

describe('validateDraft', () => {
	it('passes a good draft to the model', () => {
		const result = validateDraft(draft(), baseline);
		expect(result.errors).toEqual([]);
		expect(result.input?.changes[0]).toMatchObject({ type: 'co-commission' });
		expect(result.input?.assumptions).toEqual({ planningDate: '2024-01-01' });
	});

	it.each([
		{
			what: 'a half-typed amount',
			edit: (d: Draft) => {
				(d.changes[0] as { partners: { annualGbp: number }[] }).partners[0]!.annualGbp = NaN;
			},
			id: 's-changes-0-partners-0-annualGbp',
			message: 'Change 1, partner 1: £ a year: enter a number',
			runs: false
		},
		{
			what: 'a negative amount',
			edit: (d: Draft) => {
				(d.changes[0] as { partners: { annualGbp: number }[] }).partners[0]!.annualGbp = -5;
			},
			id: 's-changes-0-partners-0-annualGbp',
			message: 'Change 1, partner 1: £ a year: ',
			runs: false
		},
		{
			what: 'an unknown PCC area',
			edit: (d: Draft) => {
				(d.changes[0] as { partners: { area: unknown }[] }).partners[0]!.area = {
					pccArea: 'nowhere'
				};
			},
			id: 's-changes-0-partners-0-area-pccArea',
			message: 'Change 1, partner 1: PCC area: unknown PCC area "nowhere"',
			runs: false
		},
		{
			what: 'an empty name (the model still runs; only saving needs it)',
			edit: (d: Draft) => {
				d.name = '  ';
			},
			id: 's-name',
			message: 'Scenario name: enter a name',
			runs: true
		},
		{
			what: 'an assumption out of range',
			edit: (d: Draft) => {
				d.assumptions = { transactionCosts: { expectedBidShare: 2 } };
			},
			id: 's-assumptions-transactionCosts-expectedBidShare',
			message: 'Assumption transactionCosts.expectedBidShare: ',
			runs: false
		}
	])('ties $what to its field', ({ edit, id, message, runs }) => {
		const d = draft();
		edit(d);
		const result = validateDraft(d, baseline);
		expect(result.errors.map((e) => e.id)).toContain(id);
		expect(result.errors.find((e) => e.id === id)!.message.startsWith(message)).toBe(true);
		expect(result.input !== null).toBe(runs);
	});

	it('points problems inside a PDU list at the list', () => {
		const d = draft({
			changes: changes({ type: 'relet', region: 'R', category: 'Accommodation' })
		});
		(d.changes[0] as { lotGeography: unknown }).lotGeography = {
			groups: [{ name: 'Lot 1', pdus: ['P1', 'P9'] }]
		};
		const result = validateDraft(d, baseline);
		expect(result.errors).toEqual([
			{
				id: 's-changes-0-lotGeography-groups-0-pdus',
				message: 'Change 1, lot group 1: PDUs: unknown PDU "P9"',
				short: 'unknown PDU "P9"'
			}
		]);
	});
});

describe('the draft in the address', () => {
	it('survives encoding, including names outside ASCII', () => {
		const d = draft({ name: 'Cymru – gwasanaethau £', description: 'Caf é' });
		const encoded = encodeDraft(d);
		expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
		expect(decodeDraft(encoded)).toEqual(d);
	});

	it.each(['', 'not base64!', encodeDraft({ ...draft(), changes: [{ type: 'x' }] } as never)])(
		'refuses a draft it cannot read: %#',
		(value) => {
			expect(decodeDraft(value)).toBeNull();
		}
	);

	it('compares drafts whatever their key order or left-out fields', () => {
		const a = draft();
		const b = JSON.parse(JSON.stringify(draft())) as Draft;
		b.assumptions = { planningDate: '2024-01-01', siteCatchmentKm: undefined };
		expect(sameDraft(a, b)).toBe(true);
		expect(sameDraft(a, draft({ name: 'Other' }))).toBe(false);
	});
});

describe('field ids and words', () => {
	it('makes ids that are valid in a URL fragment', () => {
		expect(fieldId(['assumptions', 'unitCostGbp', 'Education, Training and Employment'])).toBe(
			's-assumptions-unitCostGbp-Education__Training_and_Employment'
		);
	});

	it('names a field in the words the page uses', () => {
		expect(describePath(['changes', 1, 'eligibility', 'turnoverMultiple'])).toBe(
			'Change 2: turnover multiple'
		);
	});
});

describe('describeDifferences', () => {
	it('says nothing for the same scenario', () => {
		expect(describeDifferences(draft(), draft())).toEqual([]);
	});

	it('names the partner fields, changes and assumptions that differ', () => {
		const mine = draft({
			name: 'Mine',
			changes: changes(
				{ type: 'co-commission', partners: [{ ...partner, annualGbp: 50_000, name: 'PCC' }] },
				{ type: 'relet', region: 'R', category: 'Accommodation' }
			),
			assumptions: { planningDate: '2024-01-01', unitCostGbp: { Accommodation: 2000 } }
		});
		const lines = describeDifferences(draft(), mine, (code) => `Region ${code}`);
		expect(lines).toEqual([
			'Name: theirs is “Test scenario”, yours is “Mine”',
			'Co-commissioning (Area A PCC): partner 1 (PCC): name, £ a year differs',
			'Re-let of Accommodation in Region R: in your version only',
			'Assumption “unitCostGbp” differs'
		]);
	});

	it('says which side has a change the other does not', () => {
		const theirs = draft({
			changes: changes(
				{ type: 'co-commission', partners: [partner] },
				{ type: 'inclusion', region: 'S', category: 'Accommodation', setAsidePercent: 10 }
			)
		});
		expect(describeDifferences(theirs, draft())).toEqual([
			'Smaller-provider inclusion for Accommodation in S: in their version only'
		]);
	});
});

describe('assumption overrides', () => {
	it('sets, reads and removes a nested override, leaving no empty objects', () => {
		const overrides = {};
		setAt(overrides, ['thresholds', 'contract', 'turnoverMultiple'], 3);
		expect(getAt(overrides, ['thresholds', 'contract', 'turnoverMultiple'])).toBe(3);
		setAt(overrides, ['planningDate'], '2025-01-01');
		deleteAt(overrides, ['thresholds', 'contract', 'turnoverMultiple']);
		expect(overrides).toEqual({ planningDate: '2025-01-01' });
	});
});
