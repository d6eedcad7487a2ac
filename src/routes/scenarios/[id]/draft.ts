import { z } from 'zod';
import {
	scenarioAssumptionsSchema,
	scenarioChangesSchema,
	validateChanges,
	type ScenarioAssumptionsInput,
	type ScenarioBaseline,
	type ScenarioChange
} from '$lib/domain/scenario';

/**
 * The scenario being edited in the studio: what a save sends. Changes are kept in the schema's
 * output shape (defaults filled in) so every editor field has a value to show.
 */
export interface Draft {
	name: string;
	description: string;
	changes: ScenarioChange[];
	assumptions: ScenarioAssumptionsInput;
}

/** What the model runs on: the changes and assumption overrides, once they pass the schemas. */
export interface ModelInput {
	changes: ScenarioChange[];
	assumptions: ScenarioAssumptionsInput;
}

export interface FieldError {
	/** the id of the form field the message is about (see fieldId) */
	id: string;
	/** for the error summary: where and what, e.g. "Change 1, partner 1: £ a year: enter a number" */
	message: string;
	/** for beside the field: what */
	short: string;
}

const draftSchema = z.strictObject({
	name: z.string().max(200),
	description: z.string().max(2000),
	changes: scenarioChangesSchema,
	assumptions: scenarioAssumptionsSchema
});

/** The id of the studio field at a path in the draft, e.g. `s-changes-0-partners-1-annualGbp`. */
export function fieldId(path: readonly (string | number)[]): string {
	return ['s', ...path.map((p) => String(p).replace(/[^A-Za-z0-9_]/g, '_'))].join('-');
}

const FIELD_WORDS: Record<string, string> = {
	name: 'name',
	kind: 'kind of partner',
	annualGbp: '£ a year',
	category: 'CRS category',
	region: 'probation region',
	pccArea: 'PCC area',
	pdus: 'PDUs',
	subgroup: 'ring-fenced group',
	termYears: 'term (years)',
	turnoverMultiple: 'turnover multiple',
	minInsuranceGbp: 'minimum insurance',
	commissionerCostPerLotGbp: 'commissioner’s cost per lot',
	bidderCostPerBidGbp: 'bidder’s cost per bid',
	setAsidePercent: 'set-aside',
	grantRouteUnderGbp: 'grant route threshold',
	capacityBuildingFundGbp: 'capacity-building fund',
	maxLotGbp: 'largest lot',
	groups: 'lot groups'
};

/** Words for where a problem is, e.g. "Change 1, partner 2: £ a year". */
export function describePath(path: readonly (string | number)[]): string {
	const [head, ...rest] = path;
	if (head === 'name') return 'Scenario name';
	if (head === 'description') return 'Description';
	if (head === 'assumptions') return `Assumption ${rest.join('.')}`;
	if (head !== 'changes') return path.join('.');
	const parts: string[] = [];
	let field: string | undefined;
	rest.forEach((p, i) => {
		if (i === 0 && typeof p === 'number') parts.push(`Change ${p + 1}`);
		else if (p === 'partners' && typeof rest[i + 1] === 'number')
			parts.push(`partner ${(rest[i + 1] as number) + 1}`);
		else if (p === 'groups' && typeof rest[i + 1] === 'number')
			parts.push(`lot group ${(rest[i + 1] as number) + 1}`);
		else if (typeof p === 'string' && FIELD_WORDS[p]) field = FIELD_WORDS[p];
	});
	return field ? `${parts.join(', ')}: ${field}` : parts.join(', ');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
	let value = root;
	for (const key of path) {
		if (value === null || typeof value !== 'object') return undefined;
		value = (value as Record<PropertyKey, unknown>)[key];
	}
	return value;
}

/** The field a zod issue belongs to: nested issues on a PDU list point at the list. */
function issuePath(prefix: string, path: readonly PropertyKey[]): (string | number)[] {
	const out: (string | number)[] = [prefix];
	for (const p of path) {
		if (typeof p === 'symbol') continue;
		if (out[out.length - 1] === 'pdus') break;
		out.push(p);
	}
	return out;
}

/**
 * Check a draft: schema problems and unknown geography, each tied to a field. The model input is
 * null when the changes or assumptions cannot be run; a missing name only stops a save.
 */
export function validateDraft(
	draft: Draft,
	baseline: Pick<ScenarioBaseline, 'pdus'>
): { input: ModelInput | null; errors: FieldError[] } {
	const errors: FieldError[] = [];
	const add = (path: (string | number)[], message: string) =>
		errors.push({
			id: fieldId(path),
			message: `${describePath(path)}: ${message}`,
			short: message
		});
	if (!draft.name.trim()) add(['name'], 'enter a name');
	else if (draft.name.trim().length > 200) add(['name'], 'must be 200 characters or fewer');
	if (draft.description.length > 2000) add(['description'], 'must be 2,000 characters or fewer');

	const zodErrors = (prefix: 'changes' | 'assumptions', error: z.ZodError, data: unknown) => {
		for (const issue of error.issues) {
			const value = valueAt(data, issue.path);
			const message =
				typeof value === 'number' && Number.isNaN(value)
					? 'enter a number'
					: value === undefined && issue.code === 'invalid_type'
						? 'enter a value'
						: issue.message;
			add(issuePath(prefix, issue.path), message);
		}
	};
	const changes = scenarioChangesSchema.safeParse(draft.changes);
	const assumptions = scenarioAssumptionsSchema.safeParse(draft.assumptions);
	if (!changes.success) zodErrors('changes', changes.error, draft.changes);
	if (!assumptions.success) zodErrors('assumptions', assumptions.error, draft.assumptions);
	if (!changes.success || !assumptions.success) return { input: null, errors };
	const geography = validateChanges(baseline, changes.data);
	for (const issue of geography) add(issuePath('changes', issue.path), issue.message);
	if (geography.length) return { input: null, errors };
	return { input: { changes: changes.data, assumptions: assumptions.data }, errors };
}

function toBase64Url(text: string): string {
	const bytes = new TextEncoder().encode(text);
	let binary = '';
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(value: string): string {
	const binary = atob(value.replace(/-/g, '+').replace(/_/g, '/'));
	return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** A draft as a URL-safe string (for `?draft=`), so a reload or a shared link keeps the edits. */
export function encodeDraft(draft: Draft): string {
	return toBase64Url(JSON.stringify(draft));
}

/** A draft from `?draft=`, or null when it cannot be read or does not pass the schemas. */
export function decodeDraft(value: string): Draft | null {
	try {
		const parsed = draftSchema.safeParse(JSON.parse(fromBase64Url(value)));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

/** Two drafts hold the same scenario (compared as JSON, in a stable key order). */
export function sameDraft(a: Draft, b: Draft): boolean {
	return stableJson(a) === stableJson(b);
}

export function stableJson(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) =>
		v && typeof v === 'object' && !Array.isArray(v)
			? Object.fromEntries(
					Object.entries(v as Record<string, unknown>)
						.filter(([, x]) => x !== undefined)
						.sort(([a], [b]) => a.localeCompare(b))
				)
			: v
	);
}
