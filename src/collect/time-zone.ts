/**
 * Resolves the device's time zone. The first `Intl.DateTimeFormat` of a page costs about
 * 18 ms, so only the second stage calls this, after the first paint; it is a module of its
 * own so that the tag carries no Intl call at all (test/critical-path.test.ts).
 */
export const resolveTimeZone = (): string | undefined => Intl.DateTimeFormat().resolvedOptions().timeZone;
