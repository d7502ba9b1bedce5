// Under `debug`, the full validator (the script tag's attune.debug.min.js, the npm module's
// chunk) reports every problem of the config with its JSON path, as before the tag's
// reader took over: here an unsafe URL and an unknown key, which the reader leaves alone.
import { describe, expect, it, vi } from 'vitest';
import { makeAttune } from '../helpers';

describe('debug', () => {
  it('loads the full validator and reports each problem once, with its path', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const config = { placements: [{ id: 'hero', slot: 's', colour: 'red', variants: [{ id: 'v', content: { ops: [{ attr: { href: 'javascript:alert(1)' } }] } }] }] };
    const { attune, errors } = makeAttune({ debug: true, config });
    await vi.waitFor(() => expect(errors.length).toBe(2));
    attune.setConfig(config);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors.map((e) => [e.code, e.path])).toEqual([
      ['config-invalid', 'config.placements[0].variants[0].content.ops[0].attr.href'],
      ['config-warning', 'config.placements[0].colour'],
    ]);
    // The tag's reader still runs the placement: the URL is dropped when it is applied.
    expect(attune.decide('hero').variant).toBe('v');
  });

  it('does not load it otherwise', async () => {
    const config = { placements: [{ id: 'hero', colour: 'red', variants: [{ id: 'v' }] }] };
    const { errors } = makeAttune({ config });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors).toEqual([]);
  });
});
