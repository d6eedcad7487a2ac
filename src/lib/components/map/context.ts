import { getContext, setContext } from 'svelte';
import type { Map as LeafletMapInstance } from 'leaflet';

type Leaflet = typeof import('leaflet');

/** The map and the Leaflet module, once loaded in the browser; layers read them through this. */
export interface MapContext {
	readonly map: LeafletMapInstance | undefined;
	readonly L: Leaflet | undefined;
}

const KEY = Symbol('landscape-map');

export function setMapContext(context: MapContext): void {
	setContext(KEY, context);
}

export function getMapContext(): MapContext {
	const context = getContext<MapContext | undefined>(KEY);
	if (!context) throw new Error('A map layer must be placed inside <LeafletMap>.');
	return context;
}
