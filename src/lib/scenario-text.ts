import type { ScenarioChange } from '$lib/domain/scenario';
import { PARTNER_KIND_LABELS } from '$lib/domain/scenario/schema';
import { formatGbp } from './format';

/** Names for codes, so a change reads in the words users use. */
export interface PlaceNames {
	regions: ReadonlyMap<string, string>;
	pccAreas: ReadonlyMap<string, string>;
	pdus: ReadonlyMap<string, string>;
}

const nameOr = (map: ReadonlyMap<string, string>, code: string) => map.get(code) ?? code;

/** Where a partner's money may go, in words: "Durham PCC area", "North East", "3 PDUs: …". */
export function describeArea(
	area: { region: string } | { pccArea: string } | { pdus: string[] },
	names: PlaceNames
): string {
	if ('region' in area) return `${nameOr(names.regions, area.region)} region`;
	if ('pccArea' in area) return `${nameOr(names.pccAreas, area.pccArea)} PCC area`;
	const list = area.pdus.map((c) => nameOr(names.pdus, c));
	return `${list.length} PDU${list.length === 1 ? '' : 's'}: ${list.join(', ')}`;
}

/** One line per change, for reports, history and conflict messages. */
export function describeChange(change: ScenarioChange, names: PlaceNames): string {
	switch (change.type) {
		case 'co-commission':
			return `Co-commissioning: ${change.partners
				.map(
					(p) =>
						`${p.name} (${PARTNER_KIND_LABELS[p.kind]}) puts ${formatGbp(p.annualGbp)} a year into ${p.category} in ${describeArea(p.area, names)}${p.subgroup && p.subgroup !== 'all' ? `, ring-fenced to ${p.subgroup}` : ''}`
				)
				.join('; ')}`;
		case 'relet': {
			const lots =
				typeof change.lotGeography === 'string'
					? {
							region: 'one regional lot',
							'pcc-area': 'a lot per PCC area',
							pdu: 'a lot per PDU'
						}[change.lotGeography]
					: `${change.lotGeography.groups.length} lots of named PDUs`;
			return `Re-let ${change.category} in ${nameOr(names.regions, change.region)} as ${change.mechanism === 'grant' ? 'grants' : 'contracts'}, ${lots}, ${change.termYears}-year term, ${change.annualGbp === undefined ? 'at the current contracts’ value' : `${formatGbp(change.annualGbp)} a year`}`;
		}
		case 'inclusion': {
			const parts = [
				change.setAsidePercent > 0 &&
					`${change.setAsidePercent}% set aside for ${change.setAsideFor === 'small' ? 'small' : 'small or specialist'} providers`,
				change.grantRouteUnderGbp !== null &&
					`grants for lots under ${formatGbp(change.grantRouteUnderGbp)}`,
				change.capacityBuildingFundGbp > 0 &&
					`a ${formatGbp(change.capacityBuildingFundGbp)} capacity-building fund`,
				change.maxLotGbp !== null && `lots of at most ${formatGbp(change.maxLotGbp)} a year`
			].filter(Boolean);
			return `Smaller-provider inclusion for ${change.category} in ${nameOr(names.regions, change.region)}: ${parts.length ? parts.join(', ') : 'no measures set'}`;
		}
	}
}
