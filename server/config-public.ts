/**
 * What `GET /v1/config` serves: only the keys the SDK's validator reads
 * (`validateConfig` in src/decide/config.ts, schema/attune.config.schema.json).
 * Everything else in the file (descriptions, notes, drafts, a marketer's private
 * remarks) stays on the server: the config is public to every browser of the site.
 */

// A shape: the keys kept at one level, each with the shape of its value (`true`: kept
// whole). `map` applies a shape to every value of an object keyed by ids, `list` to
// every item of an array.
type Shape = true | { keys: Record<string, Shape> } | { map: Shape } | { list: Shape };

const keys = (table: Record<string, Shape>): Shape => ({ keys: table });
const list = (item: Shape): Shape => ({ list: item });

const ATTR = keys({ src: true, srcset: true, href: true, alt: true, title: true, class: true, 'aria-label': true });
const OP = keys({ selector: true, text: true, attr: ATTR, addClass: true, removeClass: true, hide: true, show: true });
const CONTENT = keys({ template: true, ops: list(OP), quiz: true, recommend: keys({ strategy: true, limit: true }) });
const VARIANT = keys({ id: true, when: true, weight: true, content: CONTENT });
const PLACEMENT = keys({
  id: true,
  selector: true,
  slot: true,
  strategy: true,
  variants: list(VARIANT),
  default: true,
  goal: true,
  holdout: true,
  sticky: true,
  version: true,
  segments: true,
  attributionDays: true,
  value: true,
});

/** The keys of a site config the SDK reads, as a tree (exported for the test that compares it with the validator). */
export const SDK_CONFIG_SHAPE: Shape = keys({
  segments: { map: keys({ when: true }) },
  placements: list(PLACEMENT),
  holdout: true,
  holdoutVersion: true,
  stats: true,
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function pick(value: unknown, shape: Shape): unknown {
  if (shape === true) return value;
  // A value of the wrong kind is passed on as it is: the SDK reports it with its path.
  if ('list' in shape) return Array.isArray(value) ? value.map((item) => pick(item, shape.list)) : value;
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  if ('map' in shape) {
    for (const [k, v] of Object.entries(value)) out[k] = pick(v, shape.map);
    return out;
  }
  for (const [k, sub] of Object.entries(shape.keys)) if (Object.hasOwn(value, k)) out[k] = pick(value[k], sub);
  return out;
}

/** A site's config with only what the SDK reads (a non-object is returned as it is). */
export const publicConfig = (config: unknown): unknown => pick(config, SDK_CONFIG_SHAPE);
