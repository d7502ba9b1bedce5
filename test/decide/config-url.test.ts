import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { safeUrl, type UrlAttribute } from '../../src/decide/url';

const safe: [string, UrlAttribute][] = [
  ['https://cdn.example.com/a.jpg', 'src'],
  ['HTTP://example.com/', 'href'],
  ['/img/a.png', 'src'],
  ['img/a.png', 'src'],
  ['../a.png?x=1:2', 'src'],
  ['//cdn.example.com/a.png', 'src'],
  ['?page=2', 'href'],
  ['#top', 'href'],
  ['', 'href'],
  ['./javascript:x', 'href'],
  ['mailto:shop@example.com', 'href'],
  ['tel:+441234', 'href'],
  ['/a.png 1x, https://x.y/b.png 2x', 'srcset'],
  ['a.png 480w,b.png 800w', 'srcset'],
];

const unsafe: [string, UrlAttribute][] = [
  ['javascript:alert(1)', 'href'],
  ['JavaScript:alert(1)', 'href'],
  ['  javascript:alert(1)', 'href'],
  ['\u0000javascript:alert(1)', 'href'],
  ['java\tscript:alert(1)', 'href'],
  ['java\nscript:alert(1)', 'src'],
  ['data:text/html,<script>alert(1)</script>', 'href'],
  ['data:image/png;base64,AAAA', 'src'],
  ['vbscript:msgbox(1)', 'href'],
  ['blob:https://example.com/uuid', 'src'],
  ['file:///etc/passwd', 'href'],
  ['mailto:a@b.c', 'src'],
  ['tel:123', 'srcset'],
  ['/a.png 1x, javascript:x 2x', 'srcset'],
  ['data:image/png;base64,AAAA 1x', 'srcset'],
];

describe('safeUrl', () => {
  it.each(safe)('accepts %j as %s', (url, attr) => expect(safeUrl(url, attr)).toBe(true));
  it.each(unsafe)('refuses %j as %s', (url, attr) => expect(safeUrl(url, attr)).toBe(false));

  it('agrees with the URL parser: whatever it accepts resolves to http(s), mailto or tel', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.webUrl(), fc.constantFrom('javascript', 'data', 'vbscript', 'mailto', 'tel', 'https').chain((s) => fc.string().map((t) => s + ':' + t))),
        fc.constantFrom<UrlAttribute>('href', 'src'),
        (url, attr) => {
          if (!safeUrl(url, attr)) return;
          let protocol = 'https:';
          try {
            protocol = new URL(url, 'https://shop.example/').protocol;
          } catch {
            return; // unparseable: a browser would not follow it either
          }
          expect(attr == 'href' ? ['http:', 'https:', 'mailto:', 'tel:'] : ['http:', 'https:']).toContain(protocol);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
