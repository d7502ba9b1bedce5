import { afterEach, describe, expect, it } from 'vitest';
import { captureClicks, propertiesOf } from '../../src/collect/clicks';

let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  document.body.replaceChildren();
});

describe('captureClicks', () => {
  it('records clicks on [data-attune-track] and inside it, with data-attune-prop-* properties', () => {
    document.body.innerHTML = `
      <button data-attune-track="Plan Chosen" data-attune-prop-plan="pro" data-attune-prop-seats="5" data-attune-prop-price-eur="9.90" data-attune-prop-code="007">
        <span id="inner">Choose</span>
      </button>
      <button id="plain">Plain</button>`;
    const seen: [string, unknown][] = [];
    stop = captureClicks((name, properties) => seen.push([name, properties]));
    (document.getElementById('inner') as HTMLElement).click();
    (document.getElementById('plain') as HTMLElement).click();
    expect(seen).toEqual([['Plan Chosen', { plan: 'pro', seats: 5, price_eur: 9.9, code: '007' }]]);
  });

  it('sees clicks whose handlers stop propagation', () => {
    document.body.innerHTML = `<a href="#" data-attune-track="Link Followed"><b id="b">go</b></a>`;
    document.getElementById('b')!.addEventListener('click', (e) => e.stopPropagation());
    const seen: string[] = [];
    stop = captureClicks((name) => seen.push(name));
    document.getElementById('b')!.click();
    expect(seen).toEqual(['Link Followed']);
  });

  it('ignores an empty event name', () => {
    document.body.innerHTML = `<button id="x" data-attune-track="">x</button>`;
    const seen: string[] = [];
    stop = captureClicks((name) => seen.push(name));
    document.getElementById('x')!.click();
    expect(seen).toEqual([]);
  });

  it('reads properties as numbers only when they are plain numbers', () => {
    const el = document.createElement('div');
    el.setAttribute('data-attune-prop-a', '12');
    el.setAttribute('data-attune-prop-b', '1e3');
    el.setAttribute('data-attune-prop-c', '');
    el.setAttribute('data-other', 'x');
    expect(propertiesOf(el)).toEqual({ a: 12, b: '1e3', c: '' });
  });
});
