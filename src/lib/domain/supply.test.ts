import { describe, expect, it } from 'vitest';
import {
	isOpenOn,
	linkAwardsToDefinitions,
	serviceCoversPdu,
	describeStatus,
	subcontractorsViaLinks,
	type AwardLinkKey,
	type DefinitionLinkKey
} from './supply';

const durham = { code: 'N54DUR', regionCode: 'N54', pccAreaIds: ['durham'] };

describe('serviceCoversPdu', () => {
	it.each([
		{
			name: 'region-level, same region',
			service: { lotLevel: 'region', regionCode: 'N54', pccAreas: [], pduCodes: [] },
			expected: true
		},
		{
			name: 'region-level, other region',
			service: { lotLevel: 'region', regionCode: 'N07', pccAreas: [], pduCodes: [] },
			expected: false
		},
		{
			name: 'PCC area it covers',
			service: {
				lotLevel: 'pcc-area',
				regionCode: 'N54',
				pccAreas: [{ id: 'durham', until: null }],
				pduCodes: []
			},
			expected: true
		},
		{
			name: 'PCC area it does not cover',
			service: {
				lotLevel: 'pcc-area',
				regionCode: 'N54',
				pccAreas: [{ id: 'cleveland', until: null }],
				pduCodes: []
			},
			expected: false
		},
		{
			name: 'named PDU',
			service: { lotLevel: 'pdu', regionCode: null, pccAreas: [], pduCodes: ['N54DUR'] },
			expected: true
		},
		{
			name: 'a site reaches through its location only',
			service: { lotLevel: 'site', regionCode: 'N54', pccAreas: [], pduCodes: [] },
			expected: false
		}
	] as const)('$name → $expected', ({ service, expected }) => {
		expect(
			serviceCoversPdu(
				{ ...service, pccAreas: [...service.pccAreas], pduCodes: [...service.pduCodes] },
				durham
			)
		).toBe(expected);
	});

	it('stops covering a PCC area after its last day', () => {
		const service = {
			lotLevel: 'pcc-area' as const,
			regionCode: 'N54',
			pccAreas: [{ id: 'durham', until: '2023-06-30' }],
			pduCodes: []
		};
		expect(serviceCoversPdu(service, durham, '2023-06-30')).toBe(true);
		expect(serviceCoversPdu(service, durham, '2023-07-01')).toBe(false);
		expect(serviceCoversPdu(service, durham)).toBe(true);
	});
});

describe('isOpenOn', () => {
	it.each([
		{ start: '2021-06-26', end: '2024-03-31', date: '2021-06-25', expected: false },
		{ start: '2021-06-26', end: '2024-03-31', date: '2021-06-26', expected: true },
		{ start: '2021-06-26', end: '2024-03-31', date: '2024-03-31', expected: true },
		{ start: '2021-06-26', end: '2024-03-31', date: '2024-04-01', expected: false },
		{ start: null, end: null, date: '2030-01-01', expected: true }
	])('$start–$end on $date → $expected', ({ start, end, date, expected }) => {
		expect(isOpenOn({ startDate: start, endDate: end }, date)).toBe(expected);
	});
});

describe('linkAwardsToDefinitions', () => {
	const awards: AwardLinkKey[] = [
		{
			key: 'A1',
			regionCode: 'N53',
			lot: 'Accommodation',
			lead: 'Nacro',
			lotLevel: 'region',
			pccAreaIds: [],
			coversWholeRegion: true
		},
		{
			key: 'A2',
			regionCode: 'N53',
			lot: 'Personal Wellbeing',
			lead: 'Ingeus',
			lotLevel: 'pcc-area',
			pccAreaIds: ['derbyshire', 'leicestershire'],
			coversWholeRegion: false
		},
		{
			key: 'A3',
			regionCode: 'N53',
			lot: 'Personal Wellbeing',
			lead: 'Forward',
			lotLevel: 'pcc-area',
			pccAreaIds: ['lincolnshire'],
			coversWholeRegion: false
		}
	];
	const def = (over: Partial<DefinitionLinkKey>): DefinitionLinkKey => ({
		key: 'D',
		regionCode: 'N53',
		contractTypeCode: 'PWB',
		lead: 'Ingeus',
		pccAreaIds: ['derbyshire'],
		visibleFrom: '2021-01-01',
		...over
	});

	it('links a region-level definition to its region-level award', () => {
		const { links } = linkAwardsToDefinitions(awards, [
			def({ key: 'D1', contractTypeCode: 'ACC', lead: 'Nacro', pccAreaIds: [] })
		]);
		expect(links.get('D1')).toBe('A1');
	});
	it('links several PCC-area definitions to one award', () => {
		const { links } = linkAwardsToDefinitions(awards, [
			def({ key: 'D2' }),
			def({ key: 'D3', pccAreaIds: ['leicestershire'] })
		]);
		expect(links.get('D2')).toBe('A2');
		expect(links.get('D3')).toBe('A2');
	});
	it.each([
		{ why: 'another lead', over: { lead: 'Nacro' } },
		{ why: 'a PCC area outside the award', over: { pccAreaIds: ['lincolnshire'] } },
		{ why: 'another contract type', over: { contractTypeCode: 'WOS' } },
		{ why: 'a later call-off', over: { visibleFrom: '2024-06-02' } },
		{ why: 'another region', over: { regionCode: 'N54' } }
	])('does not link $why', ({ over }) => {
		expect(linkAwardsToDefinitions(awards, [def({ key: 'D4', ...over })]).links.size).toBe(0);
	});
	it('links a region-level definition to a PCC-area award that covers the whole region', () => {
		const london: AwardLinkKey = {
			key: 'L1',
			regionCode: 'N07',
			lot: 'Personal Wellbeing',
			lead: 'Catch22',
			lotLevel: 'pcc-area',
			pccAreaIds: ['metropolitan'],
			coversWholeRegion: true
		};
		const { links } = linkAwardsToDefinitions(
			[london],
			[def({ key: 'D6', regionCode: 'N07', lead: 'Catch22', pccAreaIds: [] })]
		);
		expect(links.get('D6')).toBe('L1');
		expect(linkAwardsToDefinitions(awards, [def({ key: 'D7', pccAreaIds: [] })]).links.size).toBe(
			0
		);
	});
	it('leaves a definition that fits two awards unlinked and says so', () => {
		const twin = { ...awards[1]!, key: 'A2b' };
		const result = linkAwardsToDefinitions([...awards, twin], [def({ key: 'D5' })]);
		expect(result.links.size).toBe(0);
		expect(result.ambiguous).toEqual(['D5']);
	});
});

describe('subcontractorsViaLinks', () => {
	it('unions the subcontractors of every linked definition, once each, by name', () => {
		const result = subcontractorsViaLinks(
			[
				{ reference: 'A', linkedReferences: ['D1', 'D2'] },
				{ reference: 'B', linkedReferences: [] }
			],
			[
				{ reference: 'D1', subcontractors: [{ id: 2, name: 'Shelter' }] },
				{
					reference: 'D2',
					subcontractors: [
						{ id: 2, name: 'Shelter' },
						{ id: 1, name: 'Nacro' }
					]
				}
			]
		);
		expect(result).toEqual({
			A: [
				{ id: 1, name: 'Nacro' },
				{ id: 2, name: 'Shelter' }
			]
		});
	});
});

describe('describeStatus', () => {
	const award = {
		recordType: 'award',
		startDate: '2021-06-26',
		endDate: '2024-03-25',
		referralFrom: null,
		referralUntil: null
	};
	const openDefinition = { referralFrom: '2021-01-01', referralUntil: null };
	const closedDefinition = { referralFrom: '2021-01-01', referralUntil: '2023-12-31' };
	const definition = (window: { referralFrom: string | null; referralUntil: string | null }) => ({
		recordType: 'definition',
		startDate: null,
		endDate: null,
		...window
	});
	it.each([
		{
			name: 'award within its term',
			service: award,
			linked: [],
			date: '2023-01-01',
			state: 'open',
			label: 'Running'
		},
		{
			name: 'award past its term, R&M still open',
			service: award,
			linked: [openDefinition],
			date: '2026-11-23',
			state: 'open',
			label: 'Taking referrals'
		},
		{
			name: 'award past its term, R&M closed',
			service: award,
			linked: [closedDefinition],
			date: '2026-11-23',
			state: 'closed',
			label: 'Ended'
		},
		{
			name: 'award before Day 1',
			service: award,
			linked: [],
			date: '2021-06-25',
			state: 'closed',
			label: 'Not started'
		},
		{
			name: 'definition with no closing date',
			service: definition(openDefinition),
			linked: [],
			date: '2026-11-23',
			state: 'open',
			label: 'Taking referrals'
		},
		{
			name: 'definition after its closing date',
			service: definition(closedDefinition),
			linked: [],
			date: '2024-01-01',
			state: 'closed',
			label: 'Referrals closed'
		},
		{
			name: 'definition on its closing date',
			service: definition(closedDefinition),
			linked: [],
			date: '2023-12-31',
			state: 'open',
			label: 'Taking referrals'
		},
		{
			name: 'site with no dates',
			service: {
				recordType: 'site-service',
				startDate: null,
				endDate: null,
				referralFrom: null,
				referralUntil: null
			},
			linked: [],
			date: '2026-11-23',
			state: 'unknown',
			label: 'Dates not known'
		}
	])('$name → $label', ({ service, linked, date, state, label }) => {
		expect(describeStatus(service, linked, date)).toMatchObject({ state, label });
	});

	it('says why an award past its term still counts', () => {
		expect(describeStatus(award, [openDefinition], '2026-11-23').detail).toBe(
			'Standard term ended 2024-03-25; Refer and Monitor still takes referrals (extension values not published)'
		);
	});
});
