/**
 * Puts a variant into a slot safely. Only two things reach the DOM: the site
 * owner's own `<template>` markup (cloned, never re-parsed) and config strings set
 * as text or as attributes from a safe list with their URLs checked again here, so
 * a config that skipped validation still cannot inject markup or script.
 */
import type { ContentOp, VariantContent } from '../../decide/config-types';
import { safeUrl, type UrlAttribute } from '../../decide/url';

const SAFE_ATTRIBUTES = ['src', 'srcset', 'href', 'alt', 'title', 'class', 'aria-label'];

// The slot's own markup, kept the first time it changes, so that a later decision
// (an SPA view that keeps the slot) can return to the default or pick another template.
const originals = new WeakMap<Element, Node[]>();

const classes = (s: unknown) => (typeof s == 'string' ? s.split(/\s+/).filter(Boolean) : []);

function applyOp(slot: Element, op: ContentOp) {
  const targets = op.selector ? Array.from(slot.querySelectorAll(op.selector)) : [slot];
  for (const el of targets) {
    if (typeof op.text == 'string') el.textContent = op.text;
    if (op.attr)
      for (const [name, value] of Object.entries(op.attr))
        if (SAFE_ATTRIBUTES.includes(name) && typeof value == 'string' && (!/^(src|srcset|href)$/.test(name) || safeUrl(value, name as UrlAttribute)))
          el.setAttribute(name, value);
    el.classList.add(...classes(op.addClass));
    el.classList.remove(...classes(op.removeClass));
    if (op.hide) el.setAttribute('hidden', '');
    if (op.show) el.removeAttribute('hidden');
  }
}

/**
 * Shows `content` in `slot`: a template's content replaces the slot's markup (the
 * templates stay, inert); operations change the markup in place; no content keeps
 * the page's own markup. Applying again starts from the original markup. Returns
 * false when a named template is missing (the original markup then stays).
 *
 * @example applyContent(document.querySelector('[data-attune-slot="hero"]'), { template: 'eco' })
 */
export function applyContent(slot: Element, content: VariantContent | undefined): boolean {
  const saved = originals.get(slot);
  // Copies go in, so the kept original is never changed by the operations that follow.
  if (saved) slot.replaceChildren(...saved.map((n) => n.cloneNode(true)));
  if (!content) return true;
  const keep = () => saved || originals.set(slot, Array.from(slot.childNodes, (n) => n.cloneNode(true)));
  if ('template' in content) {
    const templates = Array.from(slot.children).filter((el) => el.localName == 'template');
    const chosen = templates.find((t) => t.getAttribute('data-attune-variant') === content.template) as HTMLTemplateElement | undefined;
    if (!chosen) return false;
    keep();
    slot.replaceChildren(chosen.content.cloneNode(true), ...templates);
  } else if ('ops' in content && Array.isArray(content.ops)) {
    keep();
    content.ops.forEach((op) => applyOp(slot, op));
  }
  return true;
}
