/**
 * Local or shared mode. Local (one person on their own computer, no sign-in) only when the server
 * listens on a loopback address alone; any other address, or LANDSCAPE_MODE=shared, is shared
 * mode, where everyone signs in. LANDSCAPE_MODE=local cannot switch sign-in off on a server other
 * computers can reach.
 */
export type Mode = 'local' | 'shared';

/** Host names and addresses that only this computer can reach. Unset means the default, loopback. */
export function isLoopbackHost(host: string | undefined): boolean {
	const h = (host ?? '')
		.trim()
		.toLowerCase()
		.replace(/^\[(.*)\]$/, '$1');
	if (h === '' || h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
	const v4 = h.replace(/^::ffff:/, '');
	return /^127(\.\d{1,3}){3}$/.test(v4);
}

/**
 * The mode for this environment (HOST and LANDSCAPE_MODE). Throws on a LANDSCAPE_MODE other than
 * local or shared, so a typo cannot leave a server open.
 */
export function resolveMode(env: Record<string, string | undefined> = process.env): Mode {
	const wanted = env.LANDSCAPE_MODE?.trim().toLowerCase() || undefined;
	if (wanted !== undefined && wanted !== 'local' && wanted !== 'shared')
		throw new Error(
			`LANDSCAPE_MODE is '${env.LANDSCAPE_MODE}': it must be 'local' or 'shared' (or unset)`
		);
	if (wanted === 'shared' || !isLoopbackHost(env.HOST)) return 'shared';
	return 'local';
}
