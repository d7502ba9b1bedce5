// Putting a variant into a slot: templates are cloned, operations only ever set
// text and safe attributes, and applying again starts from the page's own markup.
import { beforeEach, describe, expect, it } from 'vitest';
import { applyContent } from '../../../src/widgets/multilanding/apply';

let slot: HTMLElement;
beforeEach(() => {
  document.body.innerHTML = `
    <section data-attune-slot="hero"><h1>Default</h1><a class="cta" href="/sale">Shop</a><img src="/a.jpg" alt="a">
      <template data-attune-variant="eco"><h1>Eco</h1><p class="eco">Green</p></template>
      <template data-attune-variant="sale"><h1>Sale</h1></template>
    </section>`;
  slot = document.querySelector('[data-attune-slot]')!;
});

const h1 = () => slot.querySelector('h1')!.textContent;

describe('applyContent', () => {
  it('replaces the markup with a template, keeps the templates, and can go back to the default', () => {
    expect(applyContent(slot, { template: 'eco' })).toBe(true);
    expect(h1()).toBe('Eco');
    expect(slot.querySelector('.eco')!.textContent).toBe('Green');
    expect(slot.querySelectorAll('template')).toHaveLength(2);
    expect(applyContent(slot, { template: 'sale' })).toBe(true);
    expect(h1()).toBe('Sale');
    expect(slot.querySelector('.eco')).toBe(null);
    expect(applyContent(slot, undefined)).toBe(true);
    expect(h1()).toBe('Default');
    expect(slot.querySelector('.cta')!.getAttribute('href')).toBe('/sale');
  });

  it('leaves the default when the template is missing, and says so', () => {
    expect(applyContent(slot, { template: 'nope' })).toBe(false);
    expect(h1()).toBe('Default');
  });

  it('applies operations to every match inside the slot, or the slot itself', () => {
    applyContent(slot, {
      ops: [
        { selector: 'h1', text: 'New' },
        { selector: '.cta', attr: { href: 'https://shop.test/new', title: 'New!' } },
        { selector: 'img', attr: { src: '/b.jpg', alt: 'b' } },
        { selector: '.cta', addClass: 'big  bold', removeClass: 'cta' },
        { addClass: 'personalised' },
        { selector: 'img', hide: true },
      ],
    });
    expect(h1()).toBe('New');
    const link = slot.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('https://shop.test/new');
    expect(link.title).toBe('New!');
    expect(link.className).toBe('big bold');
    expect(slot.querySelector('img')!.getAttribute('src')).toBe('/b.jpg');
    expect(slot.querySelector('img')!.hidden).toBe(true);
    expect(slot.classList.contains('personalised')).toBe(true);
    applyContent(slot, { ops: [{ selector: 'img', show: true }] });
    // Applying again started from the original: the earlier text change is gone.
    expect(h1()).toBe('Default');
    expect(slot.querySelector('img')!.hidden).toBe(false);
  });

  it('sets text as text, and never sets unsafe URLs or other attributes, even unvalidated', () => {
    applyContent(slot, {
      ops: [
        { selector: 'h1', text: '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>' },
        { selector: '.cta', attr: { href: ' JaVa\tScRiPt:alert(1)' } },
        { selector: 'img', attr: { src: 'data:image/svg+xml,<svg onload=alert(1)>' } },
        { selector: '.cta', attr: { onclick: 'alert(1)', style: 'color:red' } as never },
      ],
    });
    expect(h1()).toContain('<script>');
    expect(slot.querySelectorAll('script')).toHaveLength(0);
    expect(slot.querySelectorAll('img')).toHaveLength(1);
    expect(slot.querySelector('.cta')!.getAttribute('href')).toBe('/sale');
    expect(slot.querySelector('img')!.getAttribute('src')).toBe('/a.jpg');
    expect(slot.querySelector('.cta')!.hasAttribute('onclick')).toBe(false);
    expect(slot.querySelector('.cta')!.hasAttribute('style')).toBe(false);
    expect((window as { pwned?: number }).pwned).toBe(undefined);
  });
});
