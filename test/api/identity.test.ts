// alias() and group() on an instance: Segment-shaped events, refused arguments, and
// the account's traits as `account.*` for conditions, kept across reloads and gone
// after forget().
import { describe, expect, it } from 'vitest';
import { makeAttune, readStore, uniqueSite } from '../helpers';
import type { AttuneEvent } from '../../src/index';

// A B2B page: retail companies see their own hero, everyone else the plain one.
const CONFIG = {
  placements: [
    {
      id: 'hero',
      variants: [
        { id: 'retail', when: { 'account.industry': 'retail', 'account.employees': { $gte: 100 } } },
        { id: 'plain' },
      ],
    },
  ],
};

const stored = async (site: string) => (await readStore(site, 'events')) as AttuneEvent[];

describe('alias()', () => {
  it('records previousId merged into the identified user, in Segment\'s shape', async () => {
    const site = uniqueSite();
    const { attune, errors } = makeAttune({ site });
    attune.identify('user-42');
    attune.alias('old-login@example.com');
    await attune.flush();
    const alias = (await stored(site)).find((e) => e.type === 'alias')!;
    expect(alias).toMatchObject({ type: 'alias', previousId: 'old-login@example.com', userId: 'user-42', anonymousId: attune.profile().anonymousId });
    expect(alias.messageId).toEqual(expect.any(String));
    expect(alias).not.toHaveProperty('properties');
    expect(alias).not.toHaveProperty('traits');
    expect(errors).toEqual([]);
  });

  it('is refused, with a path, before identify() and for an id that is not one', async () => {
    const site = uniqueSite();
    const { attune, errors } = makeAttune({ site });
    attune.alias('old-id');
    attune.identify('user-1');
    attune.alias('');
    attune.alias('x'.repeat(201));
    attune.alias(42 as unknown as string);
    await attune.flush();
    expect((await stored(site)).map((e) => e.type)).toEqual(['identify']);
    expect(errors.map((e) => [e.code, e.path])).toEqual([
      ['invalid-argument', 'alias'],
      ['invalid-argument', 'alias.previousId'],
      ['invalid-argument', 'alias.previousId'],
      ['invalid-argument', 'alias.previousId'],
    ]);
  });
});

describe('identify() under denied consent', () => {
  // A page that calls identify() whatever the visitor chose: refused consent keeps nothing about them.
  const KNOWN = { placements: [{ id: 'hero', variants: [{ id: 'known', when: { userId: { $exists: true } } }, { id: 'plain' }] }] };

  it('keeps no user id: profile(), export() and decisions never see it, nor after consent is granted', async () => {
    const site = uniqueSite();
    const { attune, errors } = makeAttune({ site, requireConsent: true, config: KNOWN });
    attune.consent('denied');
    attune.identify('user-7', { plan: 'gold' });
    attune.alias('old-login@example.com');
    expect(attune.profile().userId ?? null).toBeNull();
    expect(attune.profile().traits).toEqual({});
    expect((await attune.export())!.userId).toBeNull();
    expect(attune.decide('hero').variant).toBe('plain');
    expect(errors).toEqual([]);

    attune.consent('granted');
    await attune.flush();
    expect(attune.profile().userId ?? null).toBeNull();
    expect((await stored(site)).map((e) => e.type)).toEqual([]);
  });
});

describe('group()', () => {
  it('records groupId and the account traits, not mixed into the user traits', async () => {
    const site = uniqueSite();
    const { attune, errors } = makeAttune({ site });
    attune.identify('user-42', { name: 'Ada' });
    attune.group('acme', { name: 'Acme Ltd', industry: 'retail', employees: 250, plan: 'enterprise', callback: () => 1 });
    await attune.flush();
    const group = (await stored(site)).find((e) => e.type === 'group')!;
    expect(group).toMatchObject({
      type: 'group',
      groupId: 'acme',
      userId: 'user-42',
      traits: { name: 'Acme Ltd', industry: 'retail', employees: 250, plan: 'enterprise' },
    });
    expect(group).not.toHaveProperty('properties');
    expect(attune.profile().traits).toEqual({ name: 'Ada' });
    expect(attune.profile().account).toEqual({ id: 'acme', name: 'Acme Ltd', industry: 'retail', employees: 250, plan: 'enterprise' });
    // The function was dropped from the traits and reported, as for any event.
    expect(errors.map((e) => [e.code, e.path])).toEqual([['unserialisable', 'group']]);
  });

  it('updates the same account, replaces it for another, and refuses a bad groupId', () => {
    const { attune, errors } = makeAttune();
    attune.group('acme', { industry: 'retail', plan: 'free' });
    attune.group('acme', { plan: 'pro' });
    expect(attune.profile().account).toEqual({ id: 'acme', industry: 'retail', plan: 'pro' });
    // A trait named id never overrides the account's id.
    attune.group('globex', { employees: 12, id: 'spoofed' });
    expect(attune.profile().account).toEqual({ id: 'globex', employees: 12 });
    attune.group('', { plan: 'x' });
    attune.group(undefined as unknown as string);
    expect(attune.profile().account).toEqual({ id: 'globex', employees: 12 });
    expect(errors.map((e) => [e.code, e.path])).toEqual([
      ['invalid-argument', 'group.groupId'],
      ['invalid-argument', 'group.groupId'],
    ]);
  });

  it('lets conditions read account.*, keeps the account across reloads, and forget() clears it', async () => {
    const site = uniqueSite();
    const first = makeAttune({ site, config: CONFIG }).attune;
    await first.ready;
    first.group('acme', { industry: 'retail', employees: 250 });
    expect(first.decide('hero').variant).toBe('retail');
    await first.flush();

    const second = makeAttune({ site, config: CONFIG }).attune;
    await second.ready;
    expect(second.profile().account).toEqual({ id: 'acme', industry: 'retail', employees: 250 });
    expect(second.decide('hero')).toMatchObject({ variant: 'retail', reason: 'rule' });
    await second.forget();
    expect(second.profile().account).toBeUndefined();

    const third = makeAttune({ site, config: CONFIG }).attune;
    await third.ready;
    expect(third.profile().account).toBeUndefined();
    expect(third.decide('hero').variant).toBe('plain');
  });
});
