import type { CrsCategory } from '../categories';
import type { Subgroup } from '../subgroups';

/**
 * Explanation ids: stable strings that name one output number, so a page, a CSV or an API client
 * can look up how it was reached in `result.explanations`.
 *
 * - `pdu:<PDU code>:<category>[:<subgroup>]:<baseline|scenario>.<places|gap>` (subgroup left out for "all")
 * - `headline:<field>` and `headline:<category>:<field>`
 * - `change:<change id>:partner:<n>:<field>` (n from 1, in the order given)
 * - `change:<change id>:lot:<lot id>:<field>` and `change:<change id>:<field>` for a lot design
 * - `cocommission:<PDU code>:<category>:<subgroup>:<field>`
 * - `market:<change id>:<field>`
 */
export const explainId = {
	pdu: (
		pdu: string,
		category: CrsCategory,
		subgroup: Subgroup,
		which: 'baseline' | 'scenario',
		measure: 'places' | 'gap'
	) =>
		subgroup === 'all'
			? `pdu:${pdu}:${category}:${which}.${measure}`
			: `pdu:${pdu}:${category}:${subgroup}:${which}.${measure}`,
	headline: (field: string, category: CrsCategory | null = null) =>
		category ? `headline:${category}:${field}` : `headline:${field}`,
	partner: (changeId: string, partnerIndex: number, field: string) =>
		`change:${changeId}:partner:${partnerIndex + 1}:${field}`,
	lot: (changeId: string, lotId: string, field: string) =>
		`change:${changeId}:lot:${lotId}:${field}`,
	design: (changeId: string, field: string) => `change:${changeId}:${field}`,
	coCommission: (pdu: string, category: CrsCategory, subgroup: Subgroup, field: string) =>
		`cocommission:${pdu}:${category}:${subgroup}:${field}`,
	market: (changeId: string, field: string) => `market:${changeId}:${field}`,
	assumption: (key: string) => `assumption:${key}`
};
