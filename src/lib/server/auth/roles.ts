/**
 * Who is making a request, and what their role lets them do. Landscape has four roles, each
 * scoped to probation regions (region codes such as N54); an admin's scope is every region.
 */
export const ROLES = ['admin', 'commissioner', 'partner', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** One line per role, as the admin pages and the CLI describe them. */
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
	admin: 'everything, in every region, including people and the audit log',
	commissioner:
		'imports data, and creates, edits and publishes scenarios in their regions; reads everything in their regions',
	partner:
		'(PCC, local authority, NHS) reads their regions; creates its own scenarios, and changes its own organisation’s contributions to co-commissioning scenarios in their regions',
	viewer: 'reads published scenarios and the baseline'
};

/** The person behind a request: the local administrator (local mode), an account, or nobody. */
export interface AppUser {
	/** the account's id; null for the local administrator and for someone not signed in */
	id: number | null;
	/** how the person is named in owners, "saved by" and the audit log: the account's email */
	name: string;
	email: string | null;
	/** 'anonymous' until someone signs in (shared mode only) */
	role: Role | 'anonymous';
	/** the region codes they work in, or 'all' (admins) */
	regions: readonly string[] | 'all';
	/** signed in with a password an admin set, which must be changed before anything else */
	mustChangePassword: boolean;
	/**
	 * The organisation a partner speaks for (as named in co-commissioning contributions); null for
	 * other roles, and for a partner an admin has not yet given one.
	 */
	organisation: string | null;
}

/** Local mode: one person on one computer, acting as administrator with no sign-in. */
export const LOCAL_ADMINISTRATOR: AppUser = Object.freeze({
	id: null,
	name: 'local administrator',
	email: null,
	role: 'admin',
	regions: 'all',
	mustChangePassword: false,
	organisation: null
});

/** Shared mode, before signing in. */
export const ANONYMOUS: AppUser = Object.freeze({
	id: null,
	name: 'anonymous',
	email: null,
	role: 'anonymous',
	regions: [],
	mustChangePassword: false,
	organisation: null
});

export const isRole = (value: unknown): value is Role =>
	typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** True when `user` works in region `code` (admins work in every region). */
export function worksInRegion(user: AppUser, code: string | null): boolean {
	if (code === null) return false;
	return user.regions === 'all' || user.regions.includes(code);
}
