import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, passwordProblem } from './passwords';
import { ROLES } from './roles';

/**
 * The sign-in and admin forms' fields, checked at the boundary. Each problem names its field, so
 * the page can link the error summary to it.
 */

export interface FieldError {
	field: string;
	message: string;
}

/** The first problem for each field, in form order. */
export function fieldErrors(error: z.ZodError): FieldError[] {
	const seen = new Set<string>();
	const out: FieldError[] = [];
	for (const issue of error.issues) {
		const field = String(issue.path[0] ?? 'form');
		if (seen.has(field)) continue;
		seen.add(field);
		out.push({ field, message: issue.message });
	}
	return out;
}

const text = (form: FormData, name: string) => {
	const value = form.get(name);
	return typeof value === 'string' ? value : '';
};

export const signInFormSchema = z.object({
	email: z
		.string()
		.trim()
		.min(1, 'Enter your email address')
		.max(254, 'Enter a shorter email address'),
	password: z
		.string()
		.min(1, 'Enter your password')
		.max(MAX_PASSWORD_LENGTH, 'Enter a shorter password'),
	next: z.string()
});
export const readSignInForm = (form: FormData) =>
	signInFormSchema.safeParse({
		email: text(form, 'email'),
		password: text(form, 'password'),
		next: text(form, 'next')
	});

/**
 * Where to go after signing in: a path on this site only (never `//host` or a full URL, which
 * would make the sign-in page an open redirect), and never back to sign-in or sign-out.
 */
export function safeNext(next: string | null | undefined): string {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
	if (/[\r\n]/.test(next)) return '/';
	const path = next.split(/[?#]/)[0]!;
	if (path === '/sign-in' || path.startsWith('/sign-in/') || path === '/sign-out') return '/';
	return next;
}

const newPassword = z.string().superRefine((value, ctx) => {
	const problem = passwordProblem(value);
	if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const passwordFormSchema = z
	.object({
		current: z.string().min(1, 'Enter your current password'),
		password: newPassword,
		confirm: z.string()
	})
	.refine((f) => f.password === f.confirm, {
		path: ['confirm'],
		message: 'The passwords do not match: type the new password again'
	})
	.refine((f) => f.password !== f.current, {
		path: ['password'],
		message: 'Choose a password different from your current one'
	});
export const readPasswordForm = (form: FormData) =>
	passwordFormSchema.safeParse({
		current: text(form, 'current'),
		password: text(form, 'password'),
		confirm: text(form, 'confirm')
	});

const role = z.enum(ROLES, { error: 'Choose a role' });

/** checked against the role by checkOrganisation (partners must name one) */
const organisation = z.string().max(200, 'Organisation must be 200 characters or fewer');

export const inviteFormSchema = z.object({
	email: z.string().trim().min(1, 'Enter their email address'),
	role,
	organisation,
	regions: z.array(z.string())
});
export const readInviteForm = (form: FormData) =>
	inviteFormSchema.safeParse({
		email: text(form, 'email'),
		role: text(form, 'role'),
		organisation: text(form, 'organisation'),
		regions: form.getAll('regions').filter((r): r is string => typeof r === 'string')
	});

export const roleFormSchema = z.object({ role, organisation, regions: z.array(z.string()) });
export const readRoleForm = (form: FormData) =>
	roleFormSchema.safeParse({
		role: text(form, 'role'),
		organisation: text(form, 'organisation'),
		regions: form.getAll('regions').filter((r): r is string => typeof r === 'string')
	});
