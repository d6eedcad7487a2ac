import { allowedLinks } from '$lib/server/auth/permissions';
import { tileSettings } from '$lib/server/tiles';
import type { LayoutServerLoad } from './$types';

/**
 * Who is signed in (shared mode only: local mode has no accounts to speak of) and which links and
 * controls to offer them, read from the authorisation policy. The server still decides every
 * request; this only keeps people from being shown a way that ends in "You do not have permission".
 */
export const load: LayoutServerLoad = ({ locals }) => {
	const { user, mode } = locals;
	const signedIn = mode === 'shared' && user.role !== 'anonymous';
	return {
		mode,
		account: signedIn ? { name: user.name, role: user.role } : null,
		// Someone who must change a one-time password can go nowhere else until they have.
		can: allowedLinks(user.mustChangePassword ? { ...user, role: 'anonymous' } : user),
		// the maps' backdrop, when LANDSCAPE_TILE_URL names one (the CSP then allows it); else none
		tiles: tileOptions()
	};
};

function tileOptions(): { url: string; attribution: string } | null {
	const tiles = tileSettings();
	return tiles && { url: tiles.url, attribution: tiles.attribution };
}
