/**
 * Localised quiz strings. A quiz is written once for several languages, so any
 * visible string may be a map of locales; the page decides which one shows.
 */
import type { QuizText } from './types';

/**
 * The string of `text` for `locale`: the exact locale (`uk-UA`), then its language
 * (`uk`), then `en`, then the first given. Keys compare ignoring case and `_`/`-`, and a
 * missing or empty text is `""`, so a half-translated quiz still reads.
 *
 * @example localize({ en: 'Next', uk: 'Далі' }, 'uk-UA') // 'Далі'
 */
export function localize(text: QuizText | undefined, locale = ''): string {
  if (typeof text == 'string') return text;
  if (!text || typeof text != 'object') return '';
  const keys = Object.keys(text);
  const norm = (l: string) => l.toLowerCase().replace('_', '-');
  const find = (l: string) => keys.find((k) => norm(k) == norm(l));
  const key = find(locale) || find(locale.split(/[-_]/)[0]) || find('en') || keys[0];
  return key ? String(text[key]) : '';
}

/** The page's language (`<html lang>`, else the browser's), or `""` outside a browser. */
export const pageLocale = (): string =>
  (typeof document != 'undefined' && document.documentElement.lang) || (typeof navigator != 'undefined' && navigator.language) || '';
