// The demo's sites file (.demo/sites.json): one site, "demo", with a fixed write key
// that the example pages carry as data-write-key. Write keys are public by nature (they
// sit in every page), so a fixed one in the repository gives nothing away; it lets the
// seed, the simulation and the pages agree without passing anything around.

/** The demo site's write key, in examples/*.html as `data-write-key`. */
export const DEMO_WRITE_KEY = 'wk_demo_public_0123456789';

/**
 * The demo's sites document, allowing the shop's origin (e.g. http://127.0.0.1:5173).
 *
 * @example writeFileSync('.demo/sites.json', JSON.stringify(demoSites(shop.url), null, 2))
 */
export function demoSites(shopOrigin) {
  return {
    $schema: '../schema/sites.schema.json',
    sites: {
      demo: {
        description: 'The demo shop (npm run demo). Its write key is public, as every write key is.',
        writeKeys: [DEMO_WRITE_KEY],
        origins: [shopOrigin.replace(/\/+$/, '')],
      },
    },
  };
}
