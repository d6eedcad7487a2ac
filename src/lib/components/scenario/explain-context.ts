import { getContext, setContext } from 'svelte';
import type { ExplainEntry } from '$lib/domain/scenario';

/** How the outputs open an explanation: by id, in the one dialog the page has. */
export interface ExplainContext {
	/** the entry for an id, if the result has one */
	entry(id: string): ExplainEntry | undefined;
	/** show how a number was reached */
	open(id: string): void;
}

const KEY = Symbol('landscape-scenario-explain');

export function setExplainContext(context: ExplainContext): void {
	setContext(KEY, context);
}

export function getExplainContext(): ExplainContext {
	const context = getContext<ExplainContext | undefined>(KEY);
	if (!context) throw new Error('An explained value must be placed inside <ExplainDialog>.');
	return context;
}
