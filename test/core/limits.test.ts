import { describe, expect, it } from 'vitest';
import { buildEvent } from '../../src/core/event';
import { deeperThan, idProblem, MAX_DEPTH, MAX_ID_LENGTH } from '../../src/core/limits';
import { eventContext } from '../fixtures';

const context = eventContext('https://shop.test/');
const ids = { anonymousId: 'anon-1' };
/** `{ a: { a: … { a: 1 } } }`, `levels` objects deep. */
const nest = (levels: number) => {
  let tree: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i++) tree = { a: tree };
  return tree;
};

describe('the shared limits', () => {
  it('names what is wrong with an id, and accepts 1-200 characters', () => {
    expect(idProblem('x'.repeat(MAX_ID_LENGTH), 'userId')).toBeUndefined();
    expect(idProblem('x'.repeat(MAX_ID_LENGTH + 1), 'userId')).toBe('userId must be a string of 1-200 characters, not 201');
    expect(idProblem('', 'an event name')).toBe('an event name must be a string of 1-200 characters');
    expect(idProblem(7, 'userId')).toBe('userId must be a string of 1-200 characters');
  });

  it('measures depth without recursion, so any tree can be measured', () => {
    // The event is level 0, its properties level 1: 32 objects deep inside it is the most allowed.
    expect(deeperThan({ properties: nest(MAX_DEPTH) }, MAX_DEPTH)).toBe(false);
    expect(deeperThan({ properties: nest(MAX_DEPTH + 1) }, MAX_DEPTH)).toBe(true);
    expect(deeperThan(nest(100_000), MAX_DEPTH)).toBe(true);
    expect(deeperThan([[[1]]], 2)).toBe(false);
    expect(deeperThan([[[[1]]]], 2)).toBe(true);
  });
});

describe('buildEvent refuses at birth what the collector would refuse', () => {
  it('an event name over 200 characters, with the reason', () => {
    const { event, errors } = buildEvent({ type: 'track', event: 'N'.repeat(201) }, ids, context, 0);
    expect(event).toBeUndefined();
    expect(errors.map((e) => [e.code, e.message])).toEqual([
      ['invalid-argument', `Not recorded: an event name must be a string of 1-200 characters, not 201 (at track("${'N'.repeat(40)}"))`],
    ]);
  });

  it('a userId over 200 characters', () => {
    const { event, errors } = buildEvent({ type: 'track', event: 'Ok' }, { ...ids, userId: 'U'.repeat(201) }, context, 0);
    expect(event).toBeUndefined();
    expect(errors[0].message).toContain('userId must be a string of 1-200 characters, not 201');
  });

  it('cuts a tree nested deeper than the limit, reports it once, and keeps the rest', () => {
    const { event, errors } = buildEvent({ type: 'track', event: 'Tree', properties: { tree: nest(4500), ok: [1, 2] } }, ids, context, 0);
    expect(event).toBeDefined();
    expect(deeperThan(event, MAX_DEPTH)).toBe(false);
    expect(event!.properties!.ok).toEqual([1, 2]);
    expect(errors).toHaveLength(1);
    expect(errors[0].code).toBe('unserialisable');
    expect(errors[0].message).toMatch(/properties\.tree(\.a)+ \(nested deeper than 32 levels, dropped\)/);
    // The deepest object kept sits at depth 32 of the event, as the collector counts.
    let depth = 1;
    for (let node = event!.properties!.tree as Record<string, unknown>; node && typeof node === 'object'; node = node.a as Record<string, unknown>) depth++;
    expect(depth).toBe(MAX_DEPTH);
  });
});
