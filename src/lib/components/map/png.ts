import { geoMercator, geoPath } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry } from 'geojson';

/**
 * Draw areas as a PNG (map, title, legend and sources) with d3-geo, independent of Leaflet's DOM,
 * and hand it to the browser as a download.
 */
export async function downloadMapPng<F extends Feature<Geometry, { code: string }>>(options: {
	features: F[];
	fill: (feature: F) => string;
	title: string;
	subtitle: string;
	legend: { colour: (t: number) => string; ticks: { t: number; label: string }[]; title: string };
	source: string;
	filename: string;
}): Promise<void> {
	const width = 1000;
	const mapHeight = 1000;
	const height = mapHeight + 190;
	const collection: FeatureCollection = { type: 'FeatureCollection', features: options.features };
	const projection = geoMercator().fitExtent(
		[
			[20, 90],
			[width - 20, mapHeight + 60]
		],
		collection
	);
	const path = geoPath(projection);
	const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
	const paths = options.features
		.map(
			(f) =>
				`<path d="${path(f) ?? ''}" fill="${options.fill(f)}" stroke="#fff" stroke-width="0.6"/>`
		)
		.join('');
	const stops = Array.from(
		{ length: 11 },
		(_, i) => `<stop offset="${i * 10}%" stop-color="${options.legend.colour(i / 10)}"/>`
	).join('');
	const ly = mapHeight + 90;
	const ticks = options.legend.ticks
		.map(
			(t) =>
				`<text x="${20 + t.t * 400}" y="${ly + 40}" font-size="16" text-anchor="middle">${esc(t.label)}</text>`
		)
		.join('');
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="Arial, sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="20" y="40" font-size="28" font-weight="bold">${esc(options.title)}</text>
<text x="20" y="70" font-size="18">${esc(options.subtitle)}</text>
${paths}
<text x="20" y="${ly - 10}" font-size="16" font-weight="bold">${esc(options.legend.title)}</text>
<defs><linearGradient id="g">${stops}</linearGradient></defs>
<rect x="20" y="${ly}" width="400" height="18" fill="url(#g)"/>${ticks}
<rect x="460" y="${ly}" width="18" height="18" fill="#b1b4b6"/><text x="486" y="${ly + 15}" font-size="16">Need not known</text>
<text x="20" y="${height - 20}" font-size="13" fill="#484949">${esc(options.source)}</text>
</svg>`;
	const image = new Image();
	const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
	try {
		await new Promise<void>((resolve, reject) => {
			image.onload = () => resolve();
			image.onerror = () => reject(new Error('The map image could not be drawn.'));
			image.src = url;
		});
		const canvas = document.createElement('canvas');
		canvas.width = width;
		canvas.height = height;
		canvas.getContext('2d')!.drawImage(image, 0, 0);
		const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
		if (!blob) throw new Error('The map image could not be made.');
		const link = document.createElement('a');
		link.href = URL.createObjectURL(blob);
		link.download = options.filename;
		link.click();
		setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
	} finally {
		URL.revokeObjectURL(url);
	}
}
