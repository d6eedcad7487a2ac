import { CRS_CATEGORIES, type CrsCategory } from './categories';
import { servicePlacesFor, type CoverageService } from './coverage';
import { referralsOpenOn, serviceCoversPdu, type PduReachKey } from './supply';

/**
 * The contract cliff: the £ a year and places a year whose contracts or grants end by each of a list
 * of dates, with how much of it has no successor recorded. Pure functions over plain arrays.
 *
 * Words used throughout:
 * - "ends by D": its last day is on or before D, so it is not running on the day after D. A contract
 *   whose last day is 31 March 2027 ends by 31 March 2027.
 * - "current": running on the as-of date (usually today), counting a contract past its standard term
 *   while Refer and Monitor still takes referrals for it.
 */

/** A service as the cliff needs it: the coverage model's view of a service, less its eligibility by age and its sites. */
export type CliffService = Omit<CoverageService, 'minAge' | 'maxAge' | 'sites'>;

/** A PDU as the cliff needs it: its geography, and its people on probation to share a service by. */
export interface CliffPdu extends PduReachKey {
	name: string;
	/** people on probation (modelled) */
	caseload: number;
}

export interface CliffOptions {
	/** ISO date on which "current" is measured, usually today */
	asOf: string;
	/** ISO cut-off dates, each on or after `asOf` */
	dates: readonly string[];
	/** £ per person per year, by category: turns annual value into places when none are stated */
	unitCostGbp: Record<CrsCategory, number>;
	/** count only services in this region (nDelius code) */
	regionCode?: string | null;
	/** count only this category's share of each service */
	category?: CrsCategory | null;
}

/** £ a year and places a year. */
export interface CliffAmount {
	gbp: number;
	places: number;
}

export interface CliffDateFigures {
	date: string;
	/** current £ and places whose contracts end by the date */
	ending: CliffAmount;
	/** the part of `ending` with no successor recorded */
	endingNoSuccessor: CliffAmount;
	/**
	 * Current £ and places past their standard term by the date and counted as NOT ended only because
	 * Refer and Monitor still takes referrals after it (extension ends and values are not published).
	 */
	continued: CliffAmount;
}

export interface CliffFigures {
	/** £ and places running on the as-of date */
	current: CliffAmount;
	/** the part of `current` already past its standard term, running on Refer and Monitor referrals */
	continuedNow: CliffAmount;
	byDate: CliffDateFigures[];
}

/** One current service as counted in the cliff. */
export interface CliffServiceRow {
	reference: string;
	name: string;
	leadProvider: string | null;
	regionCode: string | null;
	/** the categories counted (all of the service's, or the chosen one) */
	categories: CrsCategory[];
	/** £ a year counted */
	gbp: number;
	/** places a year counted */
	places: number;
	/** the published or derived end of the standard term */
	endDate: string | null;
	/** its last day counting Refer and Monitor referral windows; null: no end recorded */
	lastDay: string | null;
	/** past its standard term on the as-of date, running on Refer and Monitor referrals */
	continuedNow: boolean;
	/** PDUs its £ and places are shared among */
	pduCount: number;
	/** services recorded as following it, in some category and PDU it covers */
	successors: string[];
}

export interface CliffResult {
	asOf: string;
	dates: string[];
	total: CliffFigures;
	byRegion: (CliffFigures & { regionCode: string })[];
	byCategory: (CliffFigures & { category: CrsCategory })[];
	/** every PDU in scope (the chosen region's, or all), even those with nothing current */
	byPdu: (CliffFigures & { pduCode: string; pduName: string; regionCode: string })[];
	/** £ and places of services that cover no PDU (site-level), so cannot be shared among PDUs */
	unallocated: CliffFigures;
	services: CliffServiceRow[];
	/** current services with no published value and no stated places, so not in the figures */
	notCounted: { reference: string; name: string; recordType: string }[];
}

/** One service × category × PDU: the unit every breakdown adds up. */
interface Piece {
	regionCode: string | null;
	category: CrsCategory;
	pduCode: string | null;
	gbp: number;
	places: number;
	/** per date: ends by it */
	ends: boolean[];
	/** per date: past standard term by it but running on R&M referrals */
	continued: boolean[];
	continuedNow: boolean;
	hasSuccessor: boolean;
}

/** The ISO date `days` after `iso` (negative for before). */
export function addDays(iso: string, days: number): string {
	const d = new Date(`${iso}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
}

/** The ISO date `months` after `iso`, held to the last day of a shorter month (31 Aug + 6 → 28 Feb). */
export function addMonths(iso: string, months: number): string {
	const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
	const index = y * 12 + (m - 1) + months;
	const year = Math.floor(index / 12);
	const month = index - year * 12;
	const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
	return new Date(Date.UTC(year, month, Math.min(d, last))).toISOString().slice(0, 10);
}

/**
 * The default cut-off dates: 31 March (the end of the financial year) of the next three years after
 * `today`, and 6, 12 and 18 months from `today`, in order.
 */
export function defaultCliffDates(today: string): string[] {
	const year = Number(today.slice(0, 4));
	const firstYear = today < `${year}-03-31` ? year : year + 1;
	const marches = [0, 1, 2].map((i) => `${firstYear + i}-03-31`);
	const months = [6, 12, 18].map((n) => addMonths(today, n));
	return [...new Set([...marches, ...months])].sort();
}

/** The R&M definitions that are the same contract as a service (none for a definition itself). */
function linkedDefinitionsOf(
	service: CliffService,
	byReference: ReadonlyMap<string, CliffService>
): CliffService[] {
	if (service.recordType === 'definition') return [];
	return service.linkedReferences
		.map((ref) => byReference.get(ref))
		.filter((s): s is CliffService => s?.recordType === 'definition');
}

/**
 * Whether a service runs on a day: a Refer and Monitor definition while it takes referrals; anything
 * else from its start to its end, and past its end while a linked definition still takes referrals.
 */
function runsOn(service: CliffService, linked: readonly CliffService[], day: string): boolean {
	if (service.recordType === 'definition') return referralsOpenOn(service, day);
	if (service.startDate && service.startDate > day) return false;
	if (!service.endDate || service.endDate >= day) return true;
	return linked.some((d) => referralsOpenOn(d, day));
}

/** Its last day counting linked referral windows; null when no end is recorded. */
function lastDayOf(service: CliffService, linked: readonly CliffService[]): string | null {
	if (service.recordType === 'definition') return service.referralUntil;
	if (!service.endDate) return null;
	let last = service.endDate;
	for (const d of linked) {
		if (!d.referralUntil) return null;
		if (d.referralUntil > last) last = d.referralUntil;
	}
	return last;
}

const sexOverlaps = (a: CliffService['sex'], b: CliffService['sex']) =>
	a === 'any' || b === 'any' || a === b;

const sameContract = (a: CliffService, b: CliffService) =>
	a.linkedReferences.includes(b.reference) || b.linkedReferences.includes(a.reference);

const zero = (): CliffAmount => ({ gbp: 0, places: 0 });

function add(into: CliffAmount, piece: Piece): void {
	into.gbp += piece.gbp;
	into.places += piece.places;
}

function sumPieces(pieces: readonly Piece[], dates: readonly string[]): CliffFigures {
	const figures: CliffFigures = {
		current: zero(),
		continuedNow: zero(),
		byDate: dates.map((date) => ({
			date,
			ending: zero(),
			endingNoSuccessor: zero(),
			continued: zero()
		}))
	};
	for (const piece of pieces) {
		add(figures.current, piece);
		if (piece.continuedNow) add(figures.continuedNow, piece);
		figures.byDate.forEach((row, i) => {
			if (piece.ends[i]) {
				add(row.ending, piece);
				if (!piece.hasSuccessor) add(row.endingNoSuccessor, piece);
			}
			if (piece.continued[i]) add(row.continued, piece);
		});
	}
	return figures;
}

/**
 * The contract cliff for the services current on `options.asOf`.
 *
 * - A service counts with its annual £ and its places a year (stated, else £ ÷ unit cost), split
 *   evenly across its categories (`servicePlacesFor`). Services with neither are listed as not counted.
 * - A Refer and Monitor definition linked to an award is the same contract, represented by the award.
 * - It ends by a date when it is not running on the day after: its end date is on or before the date
 *   and no linked Refer and Monitor definition takes referrals after it. No end date: never ends.
 *   A contract past its standard term that is still taking referrals is NOT ended, and is flagged
 *   as `continued`.
 * - Its £ and places are shared among the PDUs it covers (`serviceCoversPdu` on the as-of date) in
 *   proportion to their caseload (equally when they have none). A service covering no PDU is
 *   `unallocated`.
 * - A successor, per category and PDU, is another service (not the same contract) for the same region
 *   and category, open to some of the same people (sex), covering the PDU after the ending one's last
 *   day, that runs after that day: it starts then or later, or is still open then.
 */
export function computeCliff(
	services: readonly CliffService[],
	pdus: readonly CliffPdu[],
	options: CliffOptions
): CliffResult {
	const { asOf, unitCostGbp } = options;
	const dates = [...new Set(options.dates)].sort();
	const byReference = new Map(services.map((s) => [s.reference, s]));
	const linkedOf = new Map(services.map((s) => [s, linkedDefinitionsOf(s, byReference)]));
	const representedByAward = (s: CliffService) =>
		s.recordType === 'definition' &&
		s.linkedReferences.some((ref) => byReference.get(ref)?.recordType === 'award');
	const regionPdus = (code: string | null) => pdus.filter((p) => p.regionCode === code);
	const pieces: Piece[] = [];
	const rows: CliffServiceRow[] = [];
	const notCounted: CliffResult['notCounted'] = [];

	for (const service of services) {
		if (options.regionCode && service.regionCode !== options.regionCode) continue;
		if (representedByAward(service)) continue;
		const linked = linkedOf.get(service)!;
		if (!runsOn(service, linked, asOf)) continue;
		const categories = service.categories.filter(
			(c) => !options.category || c === options.category
		);
		if (categories.length === 0) continue;
		const shares = categories.map((category) => ({
			category,
			capacity: servicePlacesFor(service, category, unitCostGbp)
		}));
		if (
			service.annualValueGbp === null &&
			shares.every((s) => s.capacity === null || s.capacity.places === 0)
		) {
			notCounted.push({
				reference: service.reference,
				name: service.name,
				recordType: service.recordType
			});
			continue;
		}

		const lastDay = lastDayOf(service, linked);
		const pastTerm = (day: string) => service.endDate !== null && service.endDate < day;
		const ends = dates.map((d) => !runsOn(service, linked, addDays(d, 1)));
		const continued = dates.map((d, i) => !ends[i] && pastTerm(addDays(d, 1)));
		const continuedNow = pastTerm(asOf);
		const covered = regionPdus(service.regionCode).filter((p) =>
			serviceCoversPdu(service, p, asOf)
		);
		const totalCaseload = covered.reduce((sum, p) => sum + p.caseload, 0);
		const pduShares: { pdu: CliffPdu | null; share: number }[] = covered.length
			? covered.map((pdu) => ({
					pdu,
					share: totalCaseload > 0 ? pdu.caseload / totalCaseload : 1 / covered.length
				}))
			: [{ pdu: null, share: 1 }];

		// Successors can only exist for a service that ends; one that never ends needs none.
		const after = lastDay === null ? null : addDays(lastDay, 1);
		const candidates =
			after === null
				? []
				: services.filter((other) => {
						if (other === service || sameContract(service, other)) return false;
						if (other.regionCode !== service.regionCode) return false;
						if (!sexOverlaps(service.sex, other.sex)) return false;
						if (representedByAward(other)) return false;
						const otherLast = lastDayOf(other, linkedOf.get(other)!);
						return otherLast === null || otherLast >= after;
					});
		const successors = new Set<string>();
		let value = 0;
		let places = 0;
		for (const { category, capacity } of shares) {
			const categoryGbp =
				service.annualValueGbp === null ? 0 : service.annualValueGbp / service.categories.length;
			const categoryPlaces = capacity?.places ?? 0;
			value += categoryGbp;
			places += categoryPlaces;
			const inCategory = candidates.filter((c) => c.categories.includes(category));
			for (const { pdu, share } of pduShares) {
				const found = inCategory.filter(
					(c) => pdu === null || (after !== null && serviceCoversPdu(c, pdu, after))
				);
				for (const f of found) successors.add(f.reference);
				pieces.push({
					regionCode: service.regionCode,
					category,
					pduCode: pdu?.code ?? null,
					gbp: categoryGbp * share,
					places: categoryPlaces * share,
					ends,
					continued,
					continuedNow,
					hasSuccessor: found.length > 0
				});
			}
		}
		rows.push({
			reference: service.reference,
			name: service.name,
			leadProvider: service.leadProvider,
			regionCode: service.regionCode,
			categories,
			gbp: value,
			places,
			endDate: service.endDate,
			lastDay,
			continuedNow,
			pduCount: covered.length,
			successors: [...successors].sort()
		});
	}

	const scopePdus = options.regionCode ? regionPdus(options.regionCode) : pdus;
	const regionCodes = [
		...new Set(pieces.map((p) => p.regionCode).filter((c): c is string => c !== null))
	].sort();
	const categoriesInScope = options.category ? [options.category] : CRS_CATEGORIES;
	return {
		asOf,
		dates,
		total: sumPieces(pieces, dates),
		byRegion: regionCodes.map((regionCode) => ({
			regionCode,
			...sumPieces(
				pieces.filter((p) => p.regionCode === regionCode),
				dates
			)
		})),
		byCategory: categoriesInScope.map((category) => ({
			category,
			...sumPieces(
				pieces.filter((p) => p.category === category),
				dates
			)
		})),
		byPdu: scopePdus.map((pdu) => ({
			pduCode: pdu.code,
			pduName: pdu.name,
			regionCode: pdu.regionCode,
			...sumPieces(
				pieces.filter((p) => p.pduCode === pdu.code),
				dates
			)
		})),
		unallocated: sumPieces(
			pieces.filter((p) => p.pduCode === null),
			dates
		),
		services: rows,
		notCounted
	};
}

const MONTHS = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December'
];

/** "31 March 2027" from "2027-03-31". */
export function formatDateWords(iso: string): string {
	const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
	return `${d} ${MONTHS[m - 1]} ${y}`;
}

/** part ÷ whole, or null when there is no whole to take a share of. */
export function shareOf(part: number, whole: number): number | null {
	return whole > 0 ? part / whole : null;
}

/** A share in words: "62%", "less than 1%", "more than 99%" (never rounds a part to none or all). */
export function formatShareWords(share: number): string {
	if (share > 0 && share < 0.005) return 'less than 1%';
	if (share < 1 && share >= 0.995) return 'more than 99%';
	return `${Math.round(share * 100)}%`;
}

/** "the North East", "London": probation regions named after compass points take "the". */
export function regionPhrase(name: string): string {
	return /^(North|South|East|West)\b/.test(name) && name !== 'South Central' ? `the ${name}` : name;
}

export interface CliffSentenceInput {
	/** the cut-off date */
	date: string;
	/** the date "current" was measured on */
	asOf: string;
	/** ending with no successor recorded ÷ current; null when nothing is current */
	share: number | null;
	measure: 'places' | 'gbp';
	category: CrsCategory | null;
	/** null for England and Wales */
	regionName: string | null;
}

function nouns(input: Pick<CliffSentenceInput, 'measure' | 'category' | 'regionName'>) {
	const category = input.category?.toLowerCase() ?? null;
	const place = input.regionName ? regionPhrase(input.regionName) : 'England and Wales';
	return input.measure === 'places'
		? { noun: `${category ? `${category} ` : ''}places`, the: '', verb: 'end', place }
		: {
				noun: `£ a year${category ? ` spent on ${category}` : ''}`,
				the: 'the ',
				verb: 'ends',
				place
			};
}

/**
 * The cliff in a sentence, e.g. "By 31 March 2027, 62% of accommodation places in the North East
 * end, with no successor recorded."
 */
export function describeCliffShare(input: CliffSentenceInput): string {
	const { noun, the, verb, place } = nouns(input);
	const date = formatDateWords(input.date);
	if (input.share === null)
		return `No ${noun} with a published value are recorded as running in ${place} on ${formatDateWords(input.asOf)}, so none can end by ${date}.`;
	if (input.share <= 0)
		return `By ${date}, none of the ${noun} in ${place} ${verb} with no successor recorded.`;
	if (input.share >= 1)
		return `By ${date}, all of the ${noun} in ${place} ${verb}, with no successor recorded.`;
	return `By ${date}, ${formatShareWords(input.share)} of ${the}${noun} in ${place} ${verb}, with no successor recorded.`;
}

/**
 * The honest complication in a sentence: how much counts as running by the date only because Refer
 * and Monitor still takes referrals past the published standard term. Null when none does.
 */
export function describeContinuation(
	input: Omit<CliffSentenceInput, 'share' | 'asOf'> & { share: number | null }
): string | null {
	if (input.share === null || input.share <= 0) return null;
	const { noun, the, place } = nouns(input);
	const plural = input.measure === 'places';
	const amount =
		input.share >= 1
			? plural
				? `All ${noun}`
				: `All of the ${noun}`
			: `${formatShareWords(input.share)} of ${the}${noun}`;
	const opening = `${amount.charAt(0).toUpperCase()}${amount.slice(1)}`;
	return `${opening} in ${place} ${plural ? 'are' : 'is'} past the published standard term by ${formatDateWords(input.date)} and ${plural ? 'count' : 'counts'} as running only because Refer and Monitor still takes referrals; the extensions' end dates and values are not published.`;
}

/** The headline sentences for each cut-off date: the cliff in places, then the continuation caveat. */
export function cliffStatements(
	result: Pick<CliffResult, 'asOf' | 'total'>,
	scope: { category: CrsCategory | null; regionName: string | null }
): { date: string; cliff: string; continuation: string | null }[] {
	const { current } = result.total;
	return result.total.byDate.map((row) => ({
		date: row.date,
		cliff: describeCliffShare({
			date: row.date,
			asOf: result.asOf,
			share: shareOf(row.endingNoSuccessor.places, current.places),
			measure: 'places',
			...scope
		}),
		continuation: describeContinuation({
			date: row.date,
			share: shareOf(row.continued.places, current.places),
			measure: 'places',
			...scope
		})
	}));
}

/** How the cliff is worked out, in plain words, for the API and the page. */
export function describeCliffMethod(unitCostGbp: number): string {
	return [
		'Current: the contracts and grants with a published value that are running on the as-of date (usually today). Today these are the CRS awards of May 2021; a Refer and Monitor contract definition linked to an award is the same contract and is represented by the award, and definitions with no value are listed as not counted.',
		'£ a year is the published award value divided by its standard term (derived). Places a year are modelled: the £ a year for a category divided by a unit cost of £' +
			unitCostGbp.toLocaleString('en-GB') +
			' per person a year, Landscape’s stated assumption because no CRS unit cost is published. A service’s £ is split evenly across its categories.',
		'Ends by a date: its last day is on or before that date. The end dates of the 2021 awards are not published: they are the derived ends of the standard term (25 March 2024; 25 March 2025 for Women’s Services). Many of those contracts are still taking referrals in Refer and Monitor under extensions whose end dates and values are not published. A contract that Refer and Monitor still takes referrals for after a date is treated as NOT ended by that date and is flagged as past its standard term; where Refer and Monitor gives no end to referrals it never ends in these figures, so the real cliff may come sooner.',
		'By PDU: a service’s £ and places are shared among the PDUs its contract geography covers on the as-of date, in proportion to their modelled caseload of people on probation.',
		'No successor recorded: no other service for the same region and category (not a record of the same contract), open to some of the same people, covering the same PDU, runs after the ending one’s last day, whether it starts then or later or is still open then. A successor needs no published value: a Refer and Monitor definition is enough.',
		'% of the current: the part ending divided by everything current, for the same region and category.'
	].join(' ');
}
