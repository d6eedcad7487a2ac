import { caseAndSpaceKey } from './text';

/**
 * The eight Commissioned Rehabilitative Services (CRS) categories: the supply-side words for need.
 * The Dynamic Framework has 14 categories; these eight are the ones demand is measured against.
 */
export const CRS_CATEGORIES = [
	'Accommodation',
	'Education, Training and Employment',
	'Finance, Benefits and Debt',
	'Dependency and Recovery',
	'Lifestyle and Associates',
	'Family and Significant Others',
	'Emotional Wellbeing',
	'Social Inclusion'
] as const;
export type CrsCategory = (typeof CRS_CATEGORIES)[number];

/** Short labels for tight table columns; the full name stays in the header's title. */
export const CATEGORY_SHORT: Record<CrsCategory, string> = {
	Accommodation: 'Accommodation',
	'Education, Training and Employment': 'ETE',
	'Finance, Benefits and Debt': 'FBD',
	'Dependency and Recovery': 'D&R',
	'Lifestyle and Associates': 'Lifestyle',
	'Family and Significant Others': 'Family',
	'Emotional Wellbeing': 'Wellbeing',
	'Social Inclusion': 'Social inclusion'
};

const CATEGORY_ALIASES: Record<string, CrsCategory> = {
	accommodation: 'Accommodation',
	ete: 'Education, Training and Employment',
	'education, training and employment': 'Education, Training and Employment',
	'education, training & employment': 'Education, Training and Employment',
	'education training and employment': 'Education, Training and Employment',
	'finance benefits & debt': 'Finance, Benefits and Debt',
	'finance, benefits and debt': 'Finance, Benefits and Debt',
	'finance, benefit and debt': 'Finance, Benefits and Debt',
	'finance, benefit & debt': 'Finance, Benefits and Debt',
	'finance benefits and debt': 'Finance, Benefits and Debt',
	fbd: 'Finance, Benefits and Debt',
	'dependency & recovery': 'Dependency and Recovery',
	'dependency and recovery': 'Dependency and Recovery',
	'd&r': 'Dependency and Recovery',
	'lifestyle & associates': 'Lifestyle and Associates',
	'lifestyle and associates': 'Lifestyle and Associates',
	'family & significant others': 'Family and Significant Others',
	'family and significant others': 'Family and Significant Others',
	'emotional wellbeing': 'Emotional Wellbeing',
	'emotional well-being': 'Emotional Wellbeing',
	'social inclusion': 'Social Inclusion'
};

/** The CRS category a free-text name stands for, or undefined when it is not one of the eight. */
export function parseCategory(name: string): CrsCategory | undefined {
	return CATEGORY_ALIASES[caseAndSpaceKey(name)];
}

/**
 * Categories named in a Refer and Monitor `need_areas` field (`;`-separated, as published).
 * Complexity suffixes such as "Accommodation (1) Low Complexity" are folded into their category;
 * names that are not CRS categories (e.g. "Custody Support") are returned in `unmatched`.
 */
export function parseNeedAreas(field: string): { categories: CrsCategory[]; unmatched: string[] } {
	const found = new Set<CrsCategory>();
	const unmatched: string[] = [];
	for (const raw of field.split(';')) {
		const part = raw.trim();
		if (!part) continue;
		const base = part
			.replace(/\s*\(\d\).*$/, '')
			.replace(/\s+core activities$|\s+pre-release$/i, '');
		const category = parseCategory(base);
		if (category) found.add(category);
		else if (base.toLowerCase() !== 'personal wellbeing') unmatched.push(part);
	}
	return { categories: CRS_CATEGORIES.filter((c) => found.has(c)), unmatched };
}

/** CRS lots as let in 2021, and the categories each lot delivers. */
export const CRS_LOTS = [
	'Accommodation',
	'Education, Training and Employment',
	'Personal Wellbeing',
	"Women's Services"
] as const;
export type CrsLot = (typeof CRS_LOTS)[number];

/**
 * The categories a 2021 lot covers. Personal Wellbeing was let as the four wellbeing categories;
 * Women's Services as a whole-person service across all eight for women (as the Refer and Monitor
 * contract definitions for those lots list them).
 */
export const LOT_CATEGORIES: Record<CrsLot, readonly CrsCategory[]> = {
	Accommodation: ['Accommodation'],
	'Education, Training and Employment': ['Education, Training and Employment'],
	'Personal Wellbeing': [
		'Lifestyle and Associates',
		'Family and Significant Others',
		'Emotional Wellbeing',
		'Social Inclusion'
	],
	"Women's Services": CRS_CATEGORIES
};

/**
 * The CRS categories a Refer and Monitor contract type delivers (ACC, ETE, DNR…, FBD…, PWB, WOS/WSM),
 * used when a contract definition's activities name none; [] for a type that is not a CRS lot.
 */
export function categoriesOfContractType(code: string): CrsCategory[] {
	if (code === 'ACC') return ['Accommodation'];
	if (code === 'ETE') return ['Education, Training and Employment'];
	if (code.startsWith('DNR')) return ['Dependency and Recovery'];
	if (code.startsWith('FBD')) return ['Finance, Benefits and Debt'];
	if (code === 'PWB') return [...LOT_CATEGORIES['Personal Wellbeing']];
	if (code === 'WOS' || code === 'WSM') return [...CRS_CATEGORIES];
	return [];
}

/** Refer and Monitor contract-type codes for the four 2021 lots. */
export const LOT_CONTRACT_TYPE: Record<CrsLot, string> = {
	Accommodation: 'ACC',
	'Education, Training and Employment': 'ETE',
	'Personal Wellbeing': 'PWB',
	"Women's Services": 'WOS'
};

export function parseLot(name: string): CrsLot | undefined {
	const key = name.trim().toLowerCase();
	return CRS_LOTS.find((lot) => lot.toLowerCase() === key);
}
