// govuk-frontend ships no type declarations; Landscape uses only initAll.
declare module 'govuk-frontend' {
	export function initAll(config?: Record<string, unknown>): void;
}
