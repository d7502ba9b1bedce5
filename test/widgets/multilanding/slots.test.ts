// The slot manager on a parsed page (the script loaded late, as with `async`): slots
// are decided once per view, quiz and recommendation content goes to the widgets, and
// a slot the site hides with data-attune-hide is left on its default when Attune comes
// too late to swap it unseen.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateConfig } from '../../../src/decide/config';
import { decidePlacement } from '../../../src/decide/engine';
import { HIDE_MS, mountSlots, type SlotHost } from '../../../src/widgets/multilanding/slots';
import { whenSeen } from '../../../src/widgets/visible';

const { config } = validateConfig({
  placements: [
    { id: 'hero', slot: 'hero', variants: [{ id: 'eco', content: { template: 'eco' } }] },
    { id: 'quiz', selector: '#quiz', variants: [{ id: 'finder', content: { quiz: 'finder' } }] },
    { id: 'gone', slot: 'gone', variants: [{ id: 'x', content: { template: 'missing' } }] },
  ],
});

function host(overrides: Partial<SlotHost> = {}) {
  const calls = { decided: [] as string[], mounted: [] as [Element, unknown, string][], failed: [] as string[], viewed: [] as string[] };
  const slots = mountSlots({
    placements: () => config.placements,
    decide: (id) => (calls.decided.push(id), decidePlacement(config.placements.find((p) => p.id === id)!, { attributes: {}, unitId: 'u' })),
    viewed: (id) => calls.viewed.push(id),
    watch: whenSeen,
    ready: Promise.resolve(),
    configPending: () => false,
    mount: (el, content, id) => calls.mounted.push([el, content, id]),
    fail: (code, path) => calls.failed.push(`${code} ${path}`),
    ...overrides,
  });
  return { calls, slots };
}

let stop: (() => void) | undefined;
beforeEach(() => {
  document.body.innerHTML = `
    <section data-attune-slot="hero"><h1>Default</h1><template data-attune-variant="eco"><h1>Eco</h1></template></section>
    <div id="quiz"></div>
    <section data-attune-slot="gone"><h1>Stays</h1></section>`;
});
afterEach(() => {
  stop?.();
  vi.restoreAllMocks();
});

describe('mountSlots after parsing', () => {
  it('decides each slot once it is ready, renders it, and hands quiz content to the widget', async () => {
    const { calls, slots } = host();
    stop = slots.stop;
    await Promise.resolve();
    await Promise.resolve();
    expect(document.querySelector('[data-attune-slot="hero"] h1')!.textContent).toBe('Eco');
    expect(calls.mounted.map(([el, content, id]) => [el.id, content, id])).toEqual([['quiz', { quiz: 'finder' }, 'quiz']]);
    expect(calls.failed).toEqual(['template-missing placements.gone']);
    expect(document.querySelector('[data-attune-slot="gone"] h1')!.textContent).toBe('Stays');
    expect([...document.querySelectorAll('[data-attune-done]')]).toHaveLength(3);
    // A DOM change does not decide the same slots again; a new view does.
    document.body.append(document.createElement('p'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls.decided).toEqual(['hero', 'quiz', 'gone']);
    slots.rescan();
    expect(calls.decided).toEqual(['hero', 'quiz', 'gone', 'hero', 'quiz', 'gone']);
    expect(document.querySelector('[data-attune-slot="hero"] h1')!.textContent).toBe('Eco');
  });

  it('waits for stored data before deciding, without hiding slots of a parsed page', async () => {
    let release!: () => void;
    const { calls, slots } = host({ ready: new Promise<void>((resolve) => (release = resolve)) });
    stop = slots.stop;
    const hero = document.querySelector<HTMLElement>('[data-attune-slot="hero"]')!;
    expect(calls.decided).toEqual([]);
    expect(hero.style.visibility).toBe('');
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls.decided).toContain('hero');
  });

  it('leaves a data-attune-hide slot on its default when it comes later than the site hides it', async () => {
    document.querySelector('[data-attune-slot="hero"]')!.setAttribute('data-attune-hide', '');
    vi.spyOn(performance, 'now').mockReturnValue(HIDE_MS + 1);
    const { calls, slots } = host();
    stop = slots.stop;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(document.querySelector('[data-attune-slot="hero"] h1')!.textContent).toBe('Default');
    expect(document.querySelector('[data-attune-slot="hero"]')!.hasAttribute('data-attune-done')).toBe(true);
    expect(calls.decided).not.toContain('hero');
  });

  it('leaves a data-attune-hide slot on its default when stored data comes after the CSS has revealed it', async () => {
    document.querySelector('[data-attune-slot="hero"]')!.setAttribute('data-attune-hide', '');
    const now = vi.spyOn(performance, 'now').mockReturnValue(HIDE_MS - 200);
    let release!: () => void;
    const { calls, slots } = host({ ready: new Promise<void>((resolve) => (release = resolve)) });
    stop = slots.stop;
    expect(calls.decided).toEqual([]);
    now.mockReturnValue(HIDE_MS + 100);
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(document.querySelector('[data-attune-slot="hero"] h1')!.textContent).toBe('Default');
    expect(document.querySelector('[data-attune-slot="hero"]')!.hasAttribute('data-attune-done')).toBe(true);
    expect(calls.decided).not.toContain('hero');
    // Slots without data-attune-hide are not on a clock: the quiz placement was decided.
    expect(calls.decided).toContain('quiz');
  });

  it('swaps a data-attune-hide slot when it is in time', async () => {
    document.querySelector('[data-attune-slot="hero"]')!.setAttribute('data-attune-hide', '');
    vi.spyOn(performance, 'now').mockReturnValue(HIDE_MS - 100);
    const { slots } = host();
    stop = slots.stop;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(document.querySelector('[data-attune-slot="hero"] h1')!.textContent).toBe('Eco');
  });

  it('reports a widget that throws instead of throwing into the page, and still reveals the slot', async () => {
    const { calls, slots } = host({
      mount: () => {
        throw new Error('boom');
      },
    });
    stop = slots.stop;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls.failed).toContain('internal slots');
    expect(document.querySelector('#quiz')!.hasAttribute('data-attune-done')).toBe(true);
  });

  it('reports a selector that does not parse, and carries on', async () => {
    const { config: odd } = validateConfig({ placements: [{ id: 'odd', selector: '#quiz', variants: [{ id: 'a' }] }] });
    odd.placements[0].selector = '##';
    const { calls, slots } = host({ placements: () => [...odd.placements, ...config.placements] });
    stop = slots.stop;
    await new Promise((resolve) => setTimeout(resolve, 0));
    document.body.append(document.createElement('p'));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls.failed.filter((f) => f.startsWith('placement-not-found'))).toEqual(['placement-not-found placements.odd']);
    expect(calls.decided).toContain('hero');
  });
});
