/**
 * URL checks for attribute values that come from config or a catalog. Only web
 * URLs may be loaded or followed: `http:`, `https:` and relative URLs everywhere,
 * plus `mailto:` and `tel:` for links. `javascript:`, `data:`, `vbscript:`, `blob:`
 * and every other scheme are refused.
 */

/** The attributes whose values are URLs, and so are checked by {@link safeUrl}. */
export type UrlAttribute = 'href' | 'src' | 'srcset';

/**
 * Whether `url` is safe as the value of attribute `attr`. Control characters and
 * whitespace are removed before the scheme is read, anywhere in the string (browsers
 * drop tabs and newlines even inside `java\tscript:`), so the check errs on the side
 * of refusing. A `srcset` is safe when every candidate's URL is safe as a `src`.
 *
 * @example safeUrl('/sale?ref=hero', 'href') // true
 * @example safeUrl(' JavaScript:alert(1)', 'href') // false
 */
export function safeUrl(url: string, attr: UrlAttribute): boolean {
  if (attr == 'srcset') return url.split(',').every((c) => safeUrl(c.trim().split(/\s/)[0], 'src'));
  const scheme = /^([a-z][a-z\d+.-]*):/i.exec(url.replace(/[\0-\x20\x7f-\x9f]/g, ''));
  return !scheme || (attr == 'href' ? /^(https?|mailto|tel)$/i : /^https?$/i).test(scheme[1]);
}
