// Keyboard-only navigation: Tab through the page until a given link has focus.
import type { Page } from '@playwright/test';

export type Focused = { tag: string; text: string; href: string | null };

/** What has focus now: tag name, text with whitespace collapsed, and href for links. */
export async function focused(page: Page): Promise<Focused> {
	return page.evaluate(() => {
		const el = document.activeElement;
		if (!el) return { tag: '', text: '', href: null };
		return {
			tag: el.tagName.toLowerCase(),
			text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
			href: el.getAttribute('href')
		};
	});
}

function matches(text: string, name: string | RegExp): boolean {
	return typeof name === 'string' ? text === name : name.test(text);
}

/**
 * Press Tab (at most maxPresses times) until the focused element is a link whose text is `name`
 * (exactly, or matching the RegExp), optionally with an href matching `href`. Returns the focused link;
 * throws with the path taken if it is never reached.
 */
export async function tabToLink(
	page: Page,
	name: string | RegExp,
	{ href, maxPresses = 200 }: { href?: RegExp; maxPresses?: number } = {}
): Promise<Focused & { presses: number }> {
	const seen: string[] = [];
	for (let presses = 1; presses <= maxPresses; presses++) {
		await page.keyboard.press('Tab');
		const now = await focused(page);
		seen.push(`${now.tag}:${now.text.slice(0, 40)}`);
		if (now.tag === 'a' && matches(now.text, name) && (!href || href.test(now.href ?? ''))) {
			return { ...now, presses };
		}
	}
	throw new Error(
		`No link "${String(name)}" reached in ${maxPresses} Tab presses. Focus went: ${seen.slice(0, 60).join(' → ')}`
	);
}
