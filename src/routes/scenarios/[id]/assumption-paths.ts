import type { ScenarioAssumptionsInput } from '$lib/domain/scenario';

export type AssumptionKind = 'gbp' | 'number' | 'percent' | 'km' | 'boolean' | 'date';

type Tree = Record<string, unknown>;

/** The value at a path of nested objects, e.g. ['thresholds', 'contract', 'turnoverMultiple']. */
export function getAt(root: unknown, path: readonly string[]): unknown {
	let value = root;
	for (const key of path) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Tree)[key];
	}
	return value;
}

/** Set an override, making the objects on the way. */
export function setAt(root: ScenarioAssumptionsInput, path: readonly string[], value: unknown) {
	let node = root as Tree;
	for (const key of path.slice(0, -1)) {
		if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
		node = node[key] as Tree;
	}
	node[path[path.length - 1]!] = value;
}

/** Remove an override (the default applies again), and any objects it leaves empty. */
export function deleteAt(root: ScenarioAssumptionsInput, path: readonly string[]) {
	const nodes: Tree[] = [root as Tree];
	for (const key of path.slice(0, -1)) {
		const next = nodes[nodes.length - 1]![key];
		if (next === null || typeof next !== 'object') return;
		nodes.push(next as Tree);
	}
	delete nodes[nodes.length - 1]![path[path.length - 1]!];
	for (let i = nodes.length - 1; i > 0; i--) {
		if (Object.keys(nodes[i]!).length > 0) break;
		delete nodes[i - 1]![path[i - 1]!];
	}
}
