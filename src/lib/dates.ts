// ISO dates (YYYY-MM-DD, UTC), shared by the pages, the API and the model's callers.

/** Today as an ISO date (UTC): the default planning date. */
export function todayIso(): string {
	return new Date().toISOString().slice(0, 10);
}

/** Whether YYYY-MM-DD is a day on the calendar (2027-02-30 is not: Date would roll it over). */
export function isRealIsoDate(value: string): boolean {
	const d = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
