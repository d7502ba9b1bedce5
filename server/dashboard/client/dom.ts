/**
 * Building DOM safely: every piece of data becomes a text node, never markup, so a
 * variant named `<img src=x onerror=…>` shows as those characters. Attributes are
 * set one by one and never `style` (the page's CSP forbids inline style; sizes are
 * set through CSSOM properties where needed, which the CSP allows).
 */

/** A child: an element, text (shown as text), or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes: `class` and the ARIA and form attributes the dashboard uses. */
export type Attributes = Record<string, string | number | boolean | undefined>;

/** An element with attributes and children; strings become text nodes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    // Defence in depth: event handlers and inline style would be refused by the CSP anyway.
    if (name === 'style' || name.startsWith('on')) throw new Error(`refusing attribute ${name}`);
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, ...children);
  return node;
}

/** Appends children, strings and numbers as text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Removes every child of `node`. */
export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}
