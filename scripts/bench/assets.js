// What the overview page ships: its JavaScript (entry points plus everything reachable through
// static and dynamic imports, less other routes' page nodes) and its CSS, raw and gzipped.
import zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { get } from './http.js';

// A module specifier in a string literal: relative or root-relative (bare specifiers cannot occur in
// built client code, and URLs to other hosts are not followed).
const SPEC = String.raw`(["'\x60])(\.{0,2}\/[^"'\x60\s]*?)\1`;
const IMPORT_PATTERNS = [
	new RegExp(String.raw`\bfrom\s*` + SPEC, 'g'), // import x from"./a.js", export*from"./a.js"
	new RegExp(String.raw`\bimport\s*` + SPEC, 'g'), // import"./a.js"
	new RegExp(String.raw`\bimport\s*\(\s*` + SPEC + String.raw`\s*\)`, 'g') // import("./a.js")
];
// Vite's preload map: const __vite__mapDeps=(i,…,d=(m.f||(m.f=["../nodes/0.js","../assets/0.css"])))
const MAP_DEPS_DEF = /__vite__mapDeps\s*=[^[]*?\[\s*((?:(["'`])[^"'`]*\2\s*,?\s*)+)\]/;
// A dynamic import with its preload list: import(`../nodes/0.js`),__vite__mapDeps([0,1,6])
const DYNAMIC_WITH_DEPS = new RegExp(
	String.raw`\bimport\s*\(\s*` + SPEC + String.raw`\s*\)[^;]{0,80}?__vite__mapDeps\(\[([\d,\s]*)\]`,
	'g'
);
const NODE_FILE = /\/_app\/immutable\/nodes\/(\d+)\.[^/]*\.js$/;

function attributes(tag) {
	const attrs = {};
	for (const m of tag.matchAll(/([^\s=<>"'/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
		attrs[m[1].toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? '';
	}
	return attrs;
}

function specifiers(text) {
	const found = new Set();
	for (const pattern of IMPORT_PATTERNS) for (const m of text.matchAll(pattern)) found.add(m[2]);
	return [...found];
}

/** CSS files that Vite's preload helper attaches to the dynamic imports we follow. */
function preloadedCss(text, allowed) {
	const def = text.match(MAP_DEPS_DEF);
	if (!def) return [];
	const list = [...def[1].matchAll(/(["'`])([^"'`]*)\1/g)].map((m) => m[2]);
	const css = [];
	for (const m of text.matchAll(DYNAMIC_WITH_DEPS)) {
		if (!allowed(m[2])) continue;
		for (const index of m[3].split(',').map((s) => Number(s.trim()))) {
			const dep = list[index];
			if (dep && /\.css(\?|$)/.test(dep)) css.push(dep);
		}
	}
	return css;
}

const isJs = (url) => /\.m?js$/.test(url.pathname);
const isCss = (url) => /\.css$/.test(url.pathname);

/**
 * Crawl the overview at `base` ("http://127.0.0.1:PORT"). Bounded to `maxFiles` files and
 * `budgetMs` of wall time.
 */
export async function measureOverviewAssets(base, { maxFiles = 400, budgetMs = 60_000 } = {}) {
	const deadline = performance.now() + budgetMs;
	const origin = new URL(base).origin;
	const pageUrl = new URL('/', base);
	const page = await get(pageUrl.href, { accept: 'text/html' });
	if (page.status !== 200) throw new Error(`GET / answered ${page.status}`);
	const html = page.body.toString('utf8');

	// The page's own route nodes (SvelteKit's inline bootstrap lists them); SvelteKit's client also
	// loads the root layout (0) and root error page (1) eagerly at start.
	const nodeIdsMatch = html.match(/node_ids\s*:\s*\[([\d,\s]*)\]/);
	const pageNodeIds = nodeIdsMatch
		? nodeIdsMatch[1]
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean)
				.map(Number)
		: null;
	const allowedNodes = pageNodeIds ? new Set([0, 1, ...pageNodeIds]) : null;
	const skippedNodes = new Set();

	const jsQueue = [];
	const jsSeen = new Set();
	const cssSeen = new Set();
	const failures = [];

	const allowJs = (url) => {
		const node = url.pathname.match(NODE_FILE);
		if (node && allowedNodes && !allowedNodes.has(Number(node[1]))) {
			skippedNodes.add(url.pathname);
			return false;
		}
		return true;
	};
	const add = (spec, from) => {
		let url;
		try {
			url = new URL(spec, from);
		} catch {
			return;
		}
		url.hash = '';
		if (url.origin !== origin) return; // only talk to our own server
		if (isCss(url)) cssSeen.add(url.href);
		else if (isJs(url) && allowJs(url) && !jsSeen.has(url.href)) {
			jsSeen.add(url.href);
			jsQueue.push(url.href);
		}
	};

	for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
		const attrs = attributes(m[1]);
		if (attrs.src) add(attrs.src, pageUrl);
		else for (const spec of specifiers(m[2])) add(spec, pageUrl);
	}
	for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
		const attrs = attributes(m[0]);
		const rel = (attrs.rel ?? '').toLowerCase().split(/\s+/);
		if (!attrs.href) continue;
		if (rel.includes('modulepreload')) add(attrs.href, pageUrl);
		else if (rel.includes('stylesheet')) add(attrs.href, pageUrl);
	}
	const entryCount = jsQueue.length;

	const jsFiles = [];
	while (jsQueue.length && jsFiles.length + failures.length < maxFiles) {
		if (performance.now() > deadline) throw new Error(`JS crawl exceeded ${budgetMs} ms`);
		const href = jsQueue.shift();
		const res = await get(href, { accept: '*/*' });
		if (res.status !== 200) {
			failures.push({ url: href, status: res.status });
			continue;
		}
		jsFiles.push(sizes(href, res.body));
		const text = res.body.toString('utf8');
		for (const spec of specifiers(text)) add(spec, href);
		for (const css of preloadedCss(text, (spec) => allowJs(new URL(spec, href)))) add(css, href);
	}
	const truncated = jsQueue.length > 0;

	const cssFiles = [];
	for (const href of [...cssSeen].slice(0, maxFiles)) {
		if (performance.now() > deadline) throw new Error(`CSS fetch exceeded ${budgetMs} ms`);
		const res = await get(href, { accept: 'text/css' });
		if (res.status !== 200) failures.push({ url: href, status: res.status });
		else cssFiles.push(sizes(href, res.body));
	}

	return {
		entryCount,
		pageNodeIds,
		js: summarise(jsFiles),
		css: summarise(cssFiles),
		skippedOtherRouteNodes: [...skippedNodes].sort(),
		failures,
		truncated
	};
}

function sizes(href, body) {
	return {
		path: new URL(href).pathname,
		raw: body.length,
		gzip: zlib.gzipSync(body, { level: 9 }).length
	};
}

function summarise(files) {
	return {
		files: files.length,
		rawBytes: files.reduce((a, f) => a + f.raw, 0),
		gzipBytes: files.reduce((a, f) => a + f.gzip, 0),
		list: [...files].sort((a, b) => b.gzip - a.gzip || b.raw - a.raw)
	};
}
