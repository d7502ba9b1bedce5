/** The demo site's write key, in examples/*.html as `data-write-key`. */
export const DEMO_WRITE_KEY: string;
/** The demo's sites document, allowing the shop's origin. */
export function demoSites(shopOrigin: string): { $schema: string; sites: Record<string, { description: string; writeKeys: string[]; origins: string[] }> };
