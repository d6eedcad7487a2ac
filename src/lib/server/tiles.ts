/**
 * An optional map backdrop from a tile server. Landscape's maps draw boundaries only and work with
 * no network; setting LANDSCAPE_TILE_URL (when the server starts, no rebuild) adds tiles under them,
 * and the Content-Security-Policy then allows images from that one origin and no other.
 */

/** A tile server as the maps use it, and the CSP source that lets its images load. */
export interface TileSettings {
	/** Leaflet's URL template, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png */
	url: string;
	/** shown in the map's corner, as the tile server's licence asks */
	attribution: string;
	/** the CSP source: the template's origin, with `{s}` subdomains as a wildcard */
	source: string;
}

/** LANDSCAPE_TILE_URL is not usable; the message says what to set instead. */
export class TileConfigError extends Error {}

const EXAMPLE = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';

/**
 * The tile server from the environment, or null when none is set (boundaries only). Throws
 * TileConfigError for a value that is not an https URL template with {z}, {x} and {y}, or that
 * names no single origin the CSP can allow.
 */
export function readTileSettings(
	env: Record<string, string | undefined> = process.env
): TileSettings | null {
	const url = env.LANDSCAPE_TILE_URL?.trim();
	if (!url) return null;
	const problem = (why: string) =>
		new TileConfigError(
			`LANDSCAPE_TILE_URL is '${url}': ${why}. Give an https URL template such as ${EXAMPLE}, or leave it unset for maps with boundaries only`
		);
	const origin = /^https:\/\/([^/?#]+)(?:[/?#]|$)/i.exec(url);
	if (!origin) throw problem('it must start with https:// and a host name');
	const host = origin[1]!.replace(/^\{s\}\./, '*.');
	// A port is allowed; user names, passwords and other placeholders in the host are not.
	if (!/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/i.test(host))
		throw problem('its host must be a plain name (with {s}. in front for subdomains)');
	for (const part of ['{z}', '{x}', '{y}'])
		if (!url.includes(part)) throw problem(`it must contain ${part}`);
	const attribution =
		env.LANDSCAPE_TILE_ATTRIBUTION?.trim() ||
		(/openstreetmap\.org(:\d+)?$/i.test(host)
			? '© OpenStreetMap contributors'
			: `Map tiles: ${host.replace(/^\*\./, '')}`);
	return { url, attribution, source: `https://${host.toLowerCase()}` };
}

let settings: TileSettings | null | undefined;
/** The tile server for this process, read once. */
export function tileSettings(): TileSettings | null {
	if (settings === undefined) settings = readTileSettings();
	return settings;
}

/**
 * A Content-Security-Policy with `source` added to img-src (which SvelteKit writes from
 * svelte.config.js, without any tile server). Unchanged when it has no img-src.
 */
export function allowTileImages(csp: string, source: string): string {
	return csp
		.split(';')
		.map((directive) => {
			const [name, ...values] = directive.trim().split(/\s+/);
			if (name?.toLowerCase() !== 'img-src' || values.includes(source)) return directive;
			return ` ${[name, ...values, source].join(' ')}`;
		})
		.join(';')
		.trim();
}

/** Let the configured tile server's images through the response's CSP, if there is one. */
export function applyTileSettings(response: Response, tiles = tileSettings()): void {
	if (!tiles) return;
	for (const header of [
		'content-security-policy',
		'content-security-policy-report-only'
	] as const) {
		const csp = response.headers.get(header);
		if (csp) response.headers.set(header, allowTileImages(csp, tiles.source));
	}
}
