// @vitest-environment node
// schema/sites.schema.json and parseSites (server/sites.ts) agree: the demo's generated
// file and a full example pass both, and each bad document fails both.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoSites } from '../../scripts/demo-sites.mjs';
import { parseSites } from '../../server/sites';
import { schemaChecker } from '../json-schema';

type Any = any;
const schema = JSON.parse(readFileSync(resolve(__dirname, '../../schema/sites.schema.json'), 'utf8'));
const valid = schemaChecker(schema);
const check = (document: unknown) => valid(schema, document);

const EXAMPLE = {
  sites: {
    'shop-1': {
      description: 'The main shop',
      writeKeys: ['wk_live_0123456789abcdef', 'wk_next_0123456789abcdef'],
      origins: ['https://shop.example', 'http://127.0.0.1:5173'],
      retainDays: 90,
      triggers: { cartAbandonedMinutes: 30, browseAbandonedMinutes: 120, browseViews: 2, winBackDays: 45 },
      webhooks: [{ url: 'https://hooks.example/attune', events: ['Cart Abandoned'], secret: 'a-secret-of-24-characters!', traits: ['first_name'] }],
      sensitiveTraits: ['email'],
      storeSensitiveTraits: false,
    },
    'shop-2': { writeKeys: ['wk_shop2_0123456789abcd'], retainDays: null },
  },
};

const edit = (change: (site: Any) => void) => {
  const document: Any = structuredClone(EXAMPLE);
  change(document.sites['shop-1']);
  return document;
};

describe('schema/sites.schema.json', () => {
  it('is JSON Schema 2020-12 with a description on every setting', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    for (const [name, prop] of Object.entries<Any>(schema.$defs.site.properties)) expect(prop.description, name).toMatch(/\w/);
    for (const [name, prop] of Object.entries<Any>(schema.$defs.webhook.properties)) expect(prop.description, name).toMatch(/\w/);
  });

  it("accepts the demo's generated file and a full example, as parseSites does", () => {
    for (const document of [demoSites('http://127.0.0.1:5173/'), EXAMPLE]) {
      expect(check(document)).toBe(true);
      expect(parseSites(document).problems).toEqual([]);
    }
  });

  it('refuses what parseSites refuses, and parseSites names the JSON path', () => {
    const bad: [string, unknown, string][] = [
      ['no sites', {}, '$.sites'],
      ['a bad site id', { sites: { ' shop': { writeKeys: ['wk_0123456789abcdef'] } } }, '$.sites[" shop"]'],
      ['no keys', edit((s) => (s.writeKeys = [])), '$.sites["shop-1"].writeKeys'],
      ['a short key', edit((s) => (s.writeKeys = ['short'])), '$.sites["shop-1"].writeKeys[0]'],
      ['an origin with a path', edit((s) => (s.origins = ['https://shop.example/app'])), '$.sites["shop-1"].origins[0]'],
      ['a typo', edit((s) => (s.retainDay = 30)), '$.sites["shop-1"].retainDay'],
      ['retention of 0 days', edit((s) => (s.retainDays = 0)), '$.sites["shop-1"].retainDays'],
      ['a plain-http webhook', edit((s) => (s.webhooks[0].url = 'http://hooks.example/x')), '$.sites["shop-1"].webhooks[0].url'],
      ['a short secret', edit((s) => (s.webhooks[0].secret = 'short')), '$.sites["shop-1"].webhooks[0].secret'],
      ['a fractional trigger', edit((s) => (s.triggers.browseViews = 1.5)), '$.sites["shop-1"].triggers.browseViews'],
    ];
    for (const [name, document, path] of bad) {
      expect(check(document), name).toBe(false);
      expect(parseSites(document).problems.map((p) => p.path), name).toContain(path);
    }
  });
});
