import { getContext, setContext } from 'svelte';
import type { CrsCategory } from '$lib/domain/categories';
import type { ScenarioBaseline } from '$lib/domain/scenario';

/** What every editor field needs from the studio: its error, and the geography to choose from. */
export interface StudioContext {
	/** the message for a field id, if the draft has a problem there */
	errorFor(id: string): string | undefined;
	regions: ScenarioBaseline['regions'];
	pccAreas: NonNullable<ScenarioBaseline['pccAreas']>;
	pdus: readonly { code: string; name: string; regionCode: string }[];
	/** the category and region a new change starts with (the view's) */
	defaults(): { category: CrsCategory; region: string };
	/** the organisation the person speaks for (partners): a contribution they add is in its name */
	speaksFor: string | null;
}

const KEY = Symbol('landscape-scenario-studio');

export function setStudioContext(context: StudioContext): void {
	setContext(KEY, context);
}

export function getStudioContext(): StudioContext {
	const context = getContext<StudioContext | undefined>(KEY);
	if (!context) throw new Error('A studio field must be placed inside the studio.');
	return context;
}

/** Called on every edit, so a bench can time an edit to the next map restyle. */
export function markEdit(): void {
	performance.mark('landscape:scenario-edit');
}
