import type { CrsCategory } from '$lib/domain/categories';
import type { Provenance } from '$lib/domain/provenance';
import type { Subgroup } from '$lib/domain/subgroups';

/** What `/api/v1/gaps` says of where a PDU's figures came from. */
export interface GapRowProvenance {
	/** the caseload's own provenance: "modelled", or e.g. "published (imported from x.csv, version 2)" */
	caseload: string;
	/** the need share's: the PDU's imported one, the national one, or none */
	needShare: string;
	/** need = caseload × need share × subgroup share: modelled if any input is, else derived */
	needCount: Provenance;
	places: string;
}

/** A PDU as the gap baseline holds it (only what provenance needs). */
export interface ProvenancePdu {
	caseloadProvenance?: Provenance;
	caseloadSource?: string;
	needShares?: Partial<Record<CrsCategory, number>>;
	subgroupShares?: Partial<Record<Subgroup, number>>;
}

/**
 * The provenance of one PDU's gap figures for `category`, from the inputs it was worked out from:
 * a caseload imported as published gives a derived need; the shipped modelled caseload, or a
 * national subgroup share applied to the PDU, a modelled one. Never "published": need is worked
 * out here.
 */
export function gapRowProvenance(
	pdu: ProvenancePdu | undefined,
	category: CrsCategory,
	subgroup: Subgroup,
	needShare: number | null
): GapRowProvenance {
	const caseloadProvenance = pdu?.caseloadProvenance ?? 'modelled';
	const own = pdu?.needShares?.[category] !== undefined;
	const subgroupModelled = subgroup !== 'all' && pdu?.subgroupShares?.[subgroup] === undefined;
	return {
		caseload: pdu?.caseloadSource ?? 'modelled',
		needShare: own
			? `given for this PDU by its caseload import: ${pdu?.caseloadSource ?? 'imported'}`
			: needShare === null
				? 'no published figure'
				: 'published national share',
		needCount: caseloadProvenance === 'modelled' || subgroupModelled ? 'modelled' : 'derived',
		places: 'derived from published values and the stated unit cost'
	};
}
