/** `?region=N54&category=Accommodation` for a choice, leaving out what is not chosen; '' for none. */
export function choiceQuery(choice: { region?: string | null; category?: string | null }): string {
	const parts = Object.entries(choice)
		.filter((entry): entry is [string, string] => Boolean(entry[1]))
		.map(([key, value]) => `${key}=${encodeURIComponent(value)}`);
	return parts.length ? `?${parts.join('&')}` : '';
}
