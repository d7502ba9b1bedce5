// @vitest-environment node
// The collector serves the published schemas at /schema/<file>, so a config's
// "$schema" can name the collector: any origin may read them (they are public),
// with the schema media type and an ETag, and Ajv can load a schema from there.
import Ajv2020 from 'ajv/dist/2020';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector, type TestCollector } from './helpers';

const SCHEMAS = fileURLToPath(new URL('../../schema/', import.meta.url));
const FILES = readdirSync(SCHEMAS).filter((f) => f.endsWith('.schema.json'));
// One allowed origin: a page of any other is refused everywhere else, whichever site it names.
const ORIGINS = ['https://shop.example'];
const ELSEWHERE = { Origin: 'https://editor.example' };

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector({ origins: ORIGINS });
});
afterAll(() => c.stop());

describe('GET /schema/<file>', () => {
  it.each(FILES)('serves %s as it is published, to any origin', async (file) => {
    const res = await fetch(`${c.url}/schema/${file}`, { headers: ELSEWHERE });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/schema+json');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.text()).toBe(readFileSync(join(SCHEMAS, file), 'utf8'));
    const etag = res.headers.get('etag')!;
    expect((await fetch(`${c.url}/schema/${file}`, { headers: { ...ELSEWHERE, 'If-None-Match': etag } })).status).toBe(304);
  });

  it('the same origin is refused by the collector’s other endpoints', async () => {
    expect((await fetch(`${c.url}/healthz`, { headers: ELSEWHERE })).status).toBe(403);
  });

  it('answers a preflight, HEAD, and nothing else', async () => {
    const pre = await fetch(`${c.url}/schema/quiz.schema.json`, { method: 'OPTIONS', headers: { ...ELSEWHERE, 'Access-Control-Request-Method': 'GET' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    const head = await fetch(`${c.url}/schema/quiz.schema.json`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(readFileSync(join(SCHEMAS, 'quiz.schema.json')).length)]);
    expect((await fetch(`${c.url}/schema/quiz.schema.json`, { method: 'POST', body: '{}' })).status).toBe(405);
  });

  it('serves nothing else from disk', async () => {
    for (const path of ['/schema/', '/schema/nope.schema.json', '/schema/..%2Fpackage.json', '/schema/%2e%2e%2fpackage.json', '/schema/sub/quiz.schema.json', '/schema/../package.json']) {
      const res = await fetch(`${c.url}${path}`);
      expect(res.status, path).toBe(404);
    }
  });

  it('is a $schema address Ajv can load and validate against', async () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true, formats: { regex: true }, loadSchema: async (uri) => (await fetch(uri)).json() });
    const validate = await ajv.compileAsync({ $ref: `${c.url}/schema/attune.config.schema.json` });
    expect(validate({ $schema: `${c.url}/schema/attune.config.schema.json`, placements: [] })).toBe(true);
    expect(validate({ placements: [{ id: 'h', variants: [{ id: 'a', when: { age: { $gtee: 3 } } }] }] })).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ instancePath: '/placements/0/variants/0/when/age', params: { additionalProperty: '$gtee' } }));
  });
});
