// A tiny JSON Schema (2020-12) checker for exactly the keywords Attune's schemas use,
// shared by the schema tests. It throws on any other keyword, so a schema cannot gain
// a constraint the tests would silently ignore.
type Any = any;

const ANNOTATIONS = new Set(['$schema', '$id', '$defs', 'title', 'description', 'default', 'format', 'then', 'else', '$comment']);
const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
const isObject = (v: unknown): v is Record<string, unknown> => typeOf(v) == 'object';
const same = (a: unknown, b: unknown) => JSON.stringify(a) == JSON.stringify(b);

/** A checker for `root` (a schema whose `$ref`s point into its own `$defs`): `valid(subschema, value)`. */
export function schemaChecker(root: Any) {
  return function valid(s: Any, v: Any): boolean {
    if (s === true || s === false) return s;
    return Object.keys(s).every((k) => {
      const x = s[k];
      switch (k) {
        case '$ref':
          return valid(root.$defs[x.replace('#/$defs/', '')], v);
        case 'type':
          return [x].flat().some((t: string) => t == typeOf(v) || (t == 'number' && typeOf(v) == 'integer'));
        case 'enum':
          return x.some((e: unknown) => same(e, v));
        case 'const':
          return same(x, v);
        case 'pattern':
          return typeof v != 'string' || new RegExp(x, 'u').test(v);
        case 'minimum':
          return typeof v != 'number' || v >= x;
        case 'exclusiveMinimum':
          return typeof v != 'number' || v > x;
        case 'maximum':
          return typeof v != 'number' || v <= x;
        case 'minItems':
          return !Array.isArray(v) || v.length >= x;
        case 'items':
          return !Array.isArray(v) || v.every((i) => valid(x, i));
        case 'minProperties':
          return !isObject(v) || Object.keys(v).length >= x;
        case 'maxProperties':
          return !isObject(v) || Object.keys(v).length <= x;
        case 'dependentSchemas':
          return !isObject(v) || Object.keys(x).every((n) => !(n in v) || valid(x[n], v));
        case 'required':
          return !isObject(v) || x.every((r: string) => r in v);
        case 'propertyNames':
          return !isObject(v) || Object.keys(v).every((n) => valid(x, n));
        case 'properties':
          return !isObject(v) || Object.keys(x).every((n) => !(n in v) || valid(x[n], v[n]));
        case 'patternProperties':
          return !isObject(v) || Object.keys(x).every((p) => Object.keys(v).every((n) => !new RegExp(p, 'u').test(n) || valid(x[p], v[n])));
        case 'additionalProperties':
          return (
            !isObject(v) ||
            Object.keys(v).every(
              (n) => (s.properties && n in s.properties) || Object.keys(s.patternProperties || {}).some((p) => new RegExp(p, 'u').test(n)) || valid(x, v[n]),
            )
          );
        case 'if':
          return valid(x, v) ? valid(s.then ?? true, v) : valid(s.else ?? true, v);
        case 'anyOf':
          return x.some((y: Any) => valid(y, v));
        case 'oneOf':
          return x.filter((y: Any) => valid(y, v)).length == 1;
        case 'allOf':
          return x.every((y: Any) => valid(y, v));
        case 'not':
          return !valid(x, v);
        default:
          if (ANNOTATIONS.has(k)) return true;
          throw new Error(`the test's checker does not know the keyword ${k}`);
      }
    });
  };
}
