/** Who can see a scenario, as the studio and the scenario list name it. */
export type Visibility = 'draft' | 'shared' | 'published';

export const VISIBILITY_TAGS: Record<Visibility, { text: string; colour: string }> = {
	draft: { text: 'Draft', colour: 'govuk-tag--grey' },
	shared: { text: 'Shared', colour: 'govuk-tag--blue' },
	published: { text: 'Published', colour: 'govuk-tag--green' }
};

/** The label and hint of each choice in "Who can see this scenario". */
export function visibilityOption(
	to: Visibility,
	from: Visibility,
	regionName: string | null
): { label: string; hint: string } {
	const region = regionName ?? 'every region';
	switch (to) {
		case 'draft':
			return {
				label: from === 'published' ? 'Unpublish and return to draft' : 'Return to draft',
				hint: 'Only its owner, its collaborators and administrators can see it.'
			};
		case 'shared':
			return {
				label:
					from === 'published'
						? `Unpublish, and share with ${region} only`
						: `Share with ${region}`,
				hint: regionName
					? `The commissioners and partners of ${regionName} can see it. Viewers cannot.`
					: 'Every commissioner and partner can see it. Viewers cannot.'
			};
		case 'published':
			return {
				label: 'Publish',
				hint: 'Everyone who can sign in to Landscape can see it, viewers included. Publish only what is no longer commercially confidential.'
			};
	}
}
