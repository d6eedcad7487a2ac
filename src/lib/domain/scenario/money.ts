/**
 * Split `totalGbp` in proportion to `weights`, in whole pennies, so the parts add up to the total
 * exactly (largest-remainder rounding; ties go to the earlier weight, so the split is deterministic).
 * The total is first rounded to the penny. All-zero (or no positive) weights split evenly.
 */
export function splitPennies(totalGbp: number, weights: readonly number[]): number[] {
	const n = weights.length;
	if (n === 0) return [];
	const pennies = Math.round(totalGbp * 100);
	const positive = weights.map((w) => (w > 0 && Number.isFinite(w) ? w : 0));
	let sum = positive.reduce((a, b) => a + b, 0);
	const use = sum > 0 ? positive : positive.map(() => 1);
	if (!(sum > 0)) sum = n;
	const exact = use.map((w) => (pennies * w) / sum);
	const floors = exact.map(Math.floor);
	let left = pennies - floors.reduce((a, b) => a + b, 0);
	const order = exact
		.map((e, i) => ({ i, r: e - floors[i]! }))
		.sort((a, b) => b.r - a.r || a.i - b.i);
	for (let k = 0; left > 0 && k < order.length; k++, left--) floors[order[k]!.i]! += 1;
	return floors.map((p) => p / 100);
}
