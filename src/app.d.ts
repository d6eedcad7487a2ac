// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			message: string;
		}
		interface Locals {
			/**
			 * who is making the request: in local mode the one person at this computer (the local
			 * administrator); in shared mode the signed-in account (name = email), or role 'anonymous'
			 */
			user: import('$lib/server/auth/roles').AppUser;
			/** local (no sign-in) or shared (everyone signs in) */
			mode: import('$lib/server/auth/mode').Mode;
			/** the X-Request-Id sent, or a new one; logged and returned with the response */
			requestId: string;
		}
	}
}

export {};
