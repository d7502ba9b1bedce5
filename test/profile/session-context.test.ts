import { describe, expect, it } from 'vitest';
import { classifyDevice, classifyReferrer } from '../../src/profile/session-context';

const PAGE = 'https://shop.test/landing';

describe('classifyReferrer', () => {
  it.each([
    ['', undefined, 'direct'],
    ['https://shop.test/other', undefined, 'internal'],
    ['https://www.google.com/', undefined, 'search'],
    ['https://www.google.co.uk/', undefined, 'search'],
    ['https://duckduckgo.com/', undefined, 'search'],
    ['https://www.bing.com/search?q=x', undefined, 'search'],
    ['https://t.co/abc', undefined, 'social'],
    ['https://m.facebook.com/', undefined, 'social'],
    ['https://l.instagram.com/', undefined, 'social'],
    ['https://www.linkedin.com/feed', undefined, 'social'],
    ['https://x.com/someone', undefined, 'social'],
    ['https://mail.google.com/', undefined, 'email'],
    ['https://outlook.live.com/mail/', undefined, 'email'],
    ['https://blog.example.org/post', undefined, 'other'],
    ['https://bit.co/xyz', undefined, 'other'],
    ['https://blog.example.org/post', 'email', 'email'],
    ['', 'Newsletter', 'email'],
    ['not a url', undefined, 'direct'],
  ])('%s (medium %s) → %s', (referrer, medium, expected) => {
    expect(classifyReferrer(referrer, PAGE, medium)).toBe(expected);
  });
});

describe('classifyDevice', () => {
  it.each([
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148', 390, 'mobile'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36', 412, 'mobile'],
    ['Mozilla/5.0 (Linux; Android 13; SM-X700) Safari/537.36', 1600, 'tablet'],
    ['Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Mobile/15E148', 820, 'tablet'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120', 1920, 'desktop'],
    ['Mozilla/5.0 (X11; Linux x86_64)', 500, 'mobile'],
  ])('%s → %s', (ua, width, expected) => {
    expect(classifyDevice(ua, width)).toBe(expected);
  });
});
