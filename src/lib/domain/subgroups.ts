import type { SexEligibility } from './supply';

/** The groups of people on probation a gap can be measured for (DOMAIN.md §3). */
export const SUBGROUPS = [
	'all',
	'women',
	'men',
	'young-adults',
	'ethnic-minority',
	'veterans',
	'disabled',
	'no-fixed-abode'
] as const;
export type Subgroup = (typeof SUBGROUPS)[number];

export interface SubgroupDefinition {
	key: Subgroup;
	label: string;
	/** Who a service must admit to serve this group. */
	sex?: Exclude<SexEligibility, 'any'>;
	minAge?: number;
	maxAge?: number;
}

export const SUBGROUP_DEFINITIONS: Record<Subgroup, SubgroupDefinition> = {
	all: { key: 'all', label: 'All people on probation' },
	women: { key: 'women', label: 'Women', sex: 'female' },
	men: { key: 'men', label: 'Men', sex: 'male' },
	'young-adults': { key: 'young-adults', label: 'Young adults (18–25)', minAge: 18, maxAge: 25 },
	'ethnic-minority': { key: 'ethnic-minority', label: 'Ethnic minorities' },
	veterans: { key: 'veterans', label: 'Veterans' },
	disabled: { key: 'disabled', label: 'Disabled people' },
	'no-fixed-abode': { key: 'no-fixed-abode', label: 'No fixed abode' }
};

/** A subgroup's share of the caseload and where it comes from; share null when none is known. */
export interface SubgroupShare {
	subgroup: Subgroup;
	share: number | null;
	source: string;
}

/**
 * Whether a service's eligibility admits a subgroup: its sex rule must allow the subgroup's sex,
 * and its age range must overlap the subgroup's. Everyone counts for "all".
 */
export function admitsSubgroup(
	service: { sex: SexEligibility; minAge: number | null; maxAge: number | null },
	subgroup: Subgroup
): boolean {
	const def = SUBGROUP_DEFINITIONS[subgroup];
	if (subgroup === 'all') return true;
	if (def.sex && service.sex !== 'any' && service.sex !== def.sex) return false;
	if (def.minAge !== undefined && service.maxAge !== null && service.maxAge < def.minAge)
		return false;
	if (def.maxAge !== undefined && service.minAge !== null && service.minAge > def.maxAge)
		return false;
	return true;
}

export function parseSubgroup(value: string): Subgroup | undefined {
	return (SUBGROUPS as readonly string[]).includes(value) ? (value as Subgroup) : undefined;
}
