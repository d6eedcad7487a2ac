import { createHash } from 'node:crypto';
import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** `'sha256-…'` of an inline style attribute's exact text, for style-src-attr with 'unsafe-hashes'. */
const styleHash = (/** @type {string} */ text) =>
	/** @type {`sha256-${string}`} */ (
		`sha256-${createHash('sha256').update(text).digest('base64')}`
	);

/**
 * The only inline style attributes the app renders: app.html's wrapper around the body, SvelteKit's
 * route announcer (added after the first navigation) and the swatches of the scenario maps' key
 * (src/lib/components/scenario-report/CoverageLegend.svelte, one per colour of coverage-scale.ts).
 * Everything else is styled from the bundled stylesheets, and scripts (Svelte, Leaflet) set styles
 * through the CSSOM, which CSP does not restrict. A new style attribute is refused by the browser,
 * and tests/security.e2e.ts, which fails on any CSP violation, says which.
 */
const INLINE_STYLES = [
	'display: contents',
	'position: absolute; left: 0; top: 0; clip: rect(0 0 0 0); clip-path: inset(50%); overflow: hidden; white-space: nowrap; width: 1px; height: 1px',
	...['#d4351c', '#f47738', '#ffdd00', '#85994b', '#00703c', '#b1b4b6'].map(
		(colour) => `background: ${colour};`
	)
];

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		// A strict Content-Security-Policy on every page. SvelteKit adds the hash of each inline script
		// it writes (its start-up script) to script-src; there is no other inline script.
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self'],
				'style-src-attr': ['unsafe-hashes', ...INLINE_STYLES.map(styleHash)],
				// data: and blob: for Leaflet's images and the map PNG download, drawn on a canvas. A map
				// tile server is added when the server starts, from LANDSCAPE_TILE_URL, and only then
				// (src/lib/server/tiles.ts, applied in hooks.server.ts).
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'frame-ancestors': ['none'],
				'base-uri': ['self'],
				'form-action': ['self']
			}
		}
	}
};

export default config;
