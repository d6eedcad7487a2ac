import { formatDate } from '$lib/format';

/** "5 June 2026 at 10:02 UTC": the same on the server and in the browser, so hydration agrees. */
export function formatSavedAt(iso: string): string {
	const time = new Date(iso);
	if (Number.isNaN(time.getTime())) return iso;
	const hm = time.toISOString().slice(11, 16);
	return `${formatDate(iso)} at ${hm} UTC`;
}

/** Datasets whose version differs between two sets: "services-crs: v1 when saved, v2 now". */
export function datasetChanges(
	saved: Record<string, number>,
	current: Record<string, number>
): { key: string; saved: number | null; current: number | null }[] {
	const keys = [...new Set([...Object.keys(saved), ...Object.keys(current)])].sort();
	return keys
		.filter((key) => saved[key] !== current[key])
		.map((key) => ({ key, saved: saved[key] ?? null, current: current[key] ?? null }));
}
