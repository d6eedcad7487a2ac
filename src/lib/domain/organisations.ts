/** Organisation types as the Dynamic Framework and the sector use them. */
export const ORG_TYPES = ['vcse', 'private', 'public', 'mutual'] as const;
export type OrgType = (typeof ORG_TYPES)[number];

/** How each organisation type is written in tables. */
export const ORG_TYPE_LABELS: Record<string, string> = {
	vcse: 'VCSE',
	private: 'Private',
	public: 'Public',
	mutual: 'Mutual'
};

/**
 * A key for matching organisation names written differently in different sources:
 * case, curly quotes, "&"/"and", punctuation and spacing are ignored, and so is a leading "The".
 * Legal suffixes are kept: "St Giles Wise Ltd" and "St Giles Wise Group Partnership" stay distinct.
 */
export function normaliseOrganisationName(name: string): string {
	return name
		.normalize('NFKD')
		.replace(/[\u2018\u2019\u201B\u2032]/g, "'")
		.toLowerCase()
		.replace(/&/g, ' and ')
		.replace(/['.,]/g, '')
		.replace(/[^a-z0-9]+/g, ' ')
		.trim()
		.replace(/^the /, '');
}

export interface OrganisationAlias {
	alias: string;
	/** The canonical name the alias stands for. */
	canonical: string;
}

/**
 * Resolve a name to its canonical spelling: first an explicit alias (a curated list, each with a
 * stated basis), then a match on the normalised name against the known canonical names.
 * Returns undefined when nothing matches, so the caller can keep the name as a new organisation
 * rather than guess.
 */
export function resolveOrganisationName(
	name: string,
	canonicalNames: readonly string[],
	aliases: readonly OrganisationAlias[]
): string | undefined {
	const key = normaliseOrganisationName(name);
	const alias = aliases.find((a) => normaliseOrganisationName(a.alias) === key);
	if (alias) return alias.canonical;
	return canonicalNames.find((c) => normaliseOrganisationName(c) === key);
}
