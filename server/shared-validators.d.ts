/**
 * The two DOM names the validators at the door (src/validate.ts, shared with the
 * browser) mention, typed for the collector's program, which has no DOM library.
 * `validateConfig` checks CSS selectors with `document` only where it exists
 * (`typeof document != 'undefined'`): on Node it is undefined and selectors are not
 * checked. `Element` appears only in the type of a quiz hook that renders products.
 * Typing just these two keeps every other DOM name an error in server code.
 */
declare var document: { createDocumentFragment(): { querySelector(selector: string): unknown } } | undefined;
interface Element {}
