// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
	namespace App {
		interface Error {
			message: string;
		}
		interface Locals {
			/** who is making the request (local mode: the one person at this computer) */
			user: { name: string };
			/** the X-Request-Id sent, or a new one; logged and returned with the response */
			requestId: string;
		}
	}
}

export {};
