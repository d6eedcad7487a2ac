import { describe, expect, it } from 'vitest';
import { allowTileImages, applyTileSettings, readTileSettings, TileConfigError } from './tiles';

const CSP =
	"default-src 'self'; script-src 'self' 'sha256-abc='; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'";

describe('readTileSettings', () => {
	it('is off unless LANDSCAPE_TILE_URL is set', () => {
		expect(readTileSettings({})).toBeNull();
		expect(readTileSettings({ LANDSCAPE_TILE_URL: '  ' })).toBeNull();
	});

	it.each([
		[
			'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
			'https://tile.openstreetmap.org',
			'© OpenStreetMap contributors'
		],
		[
			'https://{s}.tiles.example.org/base/{z}/{x}/{y}.png?key=1',
			'https://*.tiles.example.org',
			'Map tiles: tiles.example.org'
		],
		[
			'https://maps.example.org:8443/{z}/{x}/{y}.png',
			'https://maps.example.org:8443',
			'Map tiles: maps.example.org:8443'
		]
	])('%s is allowed as %s', (url, source, attribution) => {
		expect(readTileSettings({ LANDSCAPE_TILE_URL: url })).toEqual({ url, source, attribution });
	});

	it('takes the attribution the tile server asks for', () => {
		expect(
			readTileSettings({
				LANDSCAPE_TILE_URL: 'https://maps.example.org/{z}/{x}/{y}.png',
				LANDSCAPE_TILE_ATTRIBUTION: '© Example Maps'
			})?.attribution
		).toBe('© Example Maps');
	});

	it.each([
		['http://tile.openstreetmap.org/{z}/{x}/{y}.png', 'must start with https://'],
		['tile.openstreetmap.org/{z}/{x}/{y}.png', 'must start with https://'],
		['https://user:pw@tiles.example.org/{z}/{x}/{y}.png', 'plain name'],
		['https://{z}.example.org/{z}/{x}/{y}.png', 'plain name'],
		["https://tiles.example.org';/{z}/{x}/{y}.png", 'plain name'],
		['https://tiles.example.org/{z}/{x}.png', 'must contain {y}']
	])('refuses %s, saying why', (url, why) => {
		const read = () => readTileSettings({ LANDSCAPE_TILE_URL: url });
		expect(read).toThrow(TileConfigError);
		expect(read).toThrow(why);
		expect(read).toThrow('https://tile.openstreetmap.org/{z}/{x}/{y}.png');
	});
});

describe('allowTileImages', () => {
	it('adds exactly the tile origin to img-src and changes nothing else', () => {
		expect(allowTileImages(CSP, 'https://tile.openstreetmap.org')).toBe(
			"default-src 'self'; script-src 'self' 'sha256-abc='; img-src 'self' data: blob: https://tile.openstreetmap.org; connect-src 'self'; object-src 'none'"
		);
	});

	it('adds it once, and leaves a policy without img-src alone', () => {
		const once = allowTileImages(CSP, 'https://a.example.org');
		expect(allowTileImages(once, 'https://a.example.org')).toBe(once);
		expect(allowTileImages("default-src 'self'", 'https://a.example.org')).toBe(
			"default-src 'self'"
		);
	});

	it('is applied to a page response only when tiles are configured', () => {
		const page = () =>
			new Response('<!doctype html>', { headers: { 'content-security-policy': CSP } });
		const without = page();
		applyTileSettings(without, null);
		expect(without.headers.get('content-security-policy')).toBe(CSP);
		const withTiles = page();
		applyTileSettings(
			withTiles,
			readTileSettings({ LANDSCAPE_TILE_URL: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png' })
		);
		expect(withTiles.headers.get('content-security-policy')).toContain(
			"img-src 'self' data: blob: https://*.tiles.example.org;"
		);
		const json = Response.json({});
		applyTileSettings(
			json,
			readTileSettings({ LANDSCAPE_TILE_URL: 'https://t.example.org/{z}/{x}/{y}' })
		);
		expect(json.headers.get('content-security-policy')).toBeNull();
	});
});
