// Widgets on an instance: a quiz mounted from the page or from code (and a broken one
// reported by path, rendering nothing), a placement whose variant shows a quiz, and
// recommendation rows rendered from a catalog with its problems reported by path.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { makeAttune, readStore, uniqueSite } from '../helpers';

const QUIZ = JSON.parse(readFileSync('examples/product-finder.quiz.json', 'utf8'));
const CATALOG = {
  products: [
    { id: 'tent', title: 'Tent', url: '/p/tent', price: 200, currency: 'EUR', categories: ['camping'] },
    { id: 'stove', title: '<img src=x onerror="window.pwned=1">Stove', url: '/p/stove', price: 40, categories: ['camping'] },
    { id: 'mug', title: 'Mug', url: 'javascript:alert(1)', categories: ['kitchen'] },
    { id: 'tent', title: 'Again', url: '/p/tent2' },
  ],
};

afterEach(() => {
  document.body.innerHTML = '';
});

const until = async (check: () => unknown) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return check();
};

describe('quizzes on an instance', () => {
  it('mounts a registered quiz into an element', async () => {
    document.body.innerHTML = '<div data-attune-quiz="product-finder"></div>';
    const { attune, errors } = makeAttune();
    attune.addQuiz(QUIZ);
    await attune.ready;
    await attune.mountQuiz(document.querySelector('[data-attune-quiz]')!, 'product-finder');
    expect(document.querySelector('.attune-quiz legend')!.textContent).toBe('What will you mostly do?');
    expect(document.querySelectorAll('.attune-quiz')).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('records Quiz Abandoned once when the page is left half-way', async () => {
    const { attune } = makeAttune();
    const root = document.createElement('div');
    document.body.append(root);
    await attune.ready;
    await attune.mountQuiz(root, QUIZ);
    root.querySelector<HTMLInputElement>('input[value="run"]')!.checked = true;
    root.querySelector('form')!.requestSubmit();
    dispatchEvent(new Event('pagehide'));
    dispatchEvent(new Event('pagehide'));
    await attune.flush();
    const abandoned = (await attune.export())!.events.filter((e) => e.event === 'Quiz Abandoned');
    expect(abandoned.map((e) => e.properties)).toEqual([expect.objectContaining({ quiz_id: 'product-finder', question_id: 'distance', answered: 1 })]);
  });

  it('keeps progress: a mount right after an answer resumes there, and so does a new instance once written', async () => {
    const site = uniqueSite();
    const { attune } = makeAttune({ site });
    await attune.ready;
    const first = document.body.appendChild(document.createElement('div'));
    await attune.mountQuiz(first, QUIZ);
    first.querySelector<HTMLInputElement>('input[value="run"]')!.checked = true;
    first.querySelector('form')!.requestSubmit();
    const next = first.querySelector('legend')!.textContent;
    expect(next).not.toBe('What will you mostly do?');
    // Not yet written: the progress is read back from what waits for the write.
    const again = document.body.appendChild(document.createElement('div'));
    await attune.mountQuiz(again, QUIZ);
    expect(again.querySelector('legend')!.textContent).toBe(next);
    await attune.flush();
    expect(await readStore(site, 'state')).toContainEqual(expect.objectContaining({ answers: { activity: 'run' } }));
    const later = makeAttune({ site }).attune;
    await later.ready;
    const third = document.body.appendChild(document.createElement('div'));
    await later.mountQuiz(third, QUIZ);
    expect(third.querySelector('legend')!.textContent).toBe(next);
  });

  it('renders nothing for a broken quiz and reports each problem with its path', async () => {
    const { attune, errors } = makeAttune();
    const root = document.createElement('div');
    document.body.append(root);
    await attune.mountQuiz(root, { ...QUIZ, outcomes: QUIZ.outcomes.filter((o: { when?: unknown }) => o.when) });
    expect(root.children).toHaveLength(0);
    expect(errors.map((e) => [e.code, e.path])).toContainEqual(['quiz-invalid', 'quiz(product-finder).outcomes']);
  });

  it('mounts the quiz a placement variant names, in place of the slot markup', async () => {
    document.body.innerHTML = '<section data-attune-slot="finder"><p>Default</p></section>';
    const { attune, errors } = makeAttune({
      slots: true,
      config: { placements: [{ id: 'finder', slot: 'finder', variants: [{ id: 'quiz', content: { quiz: 'product-finder' } }] }] },
    });
    attune.addQuiz(QUIZ);
    const slot = document.querySelector('[data-attune-slot]')!;
    expect(await until(() => slot.querySelector('.attune-quiz legend'))).toBeTruthy();
    expect(slot.textContent).not.toContain('Default');
    expect(errors).toEqual([]);
  });
});

describe('recommendation rows on an instance', () => {
  it('renders a row from the catalog, as text, skipping bad items and reporting them by path', async () => {
    document.body.innerHTML = '<div data-attune-recs="popular" data-limit="3"></div><div data-attune-recs="nonsense"></div>';
    const { attune, errors } = makeAttune({ catalog: CATALOG });
    const row = document.querySelector('[data-attune-recs="popular"]')!;
    // The mug (a javascript: URL) and the repeated tent are skipped; the rest is used.
    expect(await until(() => row.querySelectorAll('[data-attune-card]').length === 2)).toBe(true);
    expect([...row.querySelectorAll('[data-attune-card]')].map((c) => c.getAttribute('data-attune-card'))).toEqual(['tent', 'stove']);
    expect(row.querySelector('[data-attune-card="stove"] .attune-recs__title')!.textContent).toBe('<img src=x onerror="window.pwned=1">Stove');
    expect(row.querySelectorAll('img[src="x"]')).toHaveLength(0);
    expect(row.querySelector('[data-attune-card="tent"] a')!.getAttribute('href')).toBe('/p/tent');
    expect(errors.map((e) => [e.code, e.path])).toEqual(
      expect.arrayContaining([
        ['catalog-invalid', 'catalog.products[2].url'],
        ['catalog-invalid', 'catalog.products[3].id'],
        ['recs-invalid', 'recs(nonsense)'],
      ]),
    );
    // "Product List Viewed" waits for the row to be on screen: the end-to-end test sees it.
    (row.querySelector('[data-attune-card="tent"]') as HTMLElement).click();
    await attune.flush();
    const clicked = (await attune.export())!.events.find((e) => e.event === 'Product Clicked');
    expect(clicked?.properties).toEqual({ list_id: 'popular', product_id: 'tent', name: 'Tent', category: 'camping', price: 200, position: 1 });
  });

  it("reports a catalog's problems to every instance given it, once each", async () => {
    document.body.innerHTML = '<div data-attune-recs="popular" data-limit="3"></div>';
    const catalog = structuredClone(CATALOG);
    const problems = (errors: { code: string; path: string }[]) => errors.filter((e) => e.code === 'catalog-invalid').map((e) => e.path);
    const first = makeAttune({ catalog });
    expect(await until(() => problems(first.errors).length === 2)).toBe(true);
    const second = makeAttune({ site: uniqueSite(), catalog });
    expect(await until(() => problems(second.errors).length === 2)).toBe(true);
    expect(problems(second.errors)).toEqual(['catalog.products[2].url', 'catalog.products[3].id']);
    second.attune.mountWidgets();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(problems(first.errors)).toHaveLength(2);
    expect(problems(second.errors)).toHaveLength(2);
  });

  it('renders a hand-picked row in the given order, leaving out ids the catalog does not have', async () => {
    document.body.innerHTML = '<div data-attune-recs="products" data-product="stove nope tent"></div><div data-attune-recs="products"></div>';
    makeAttune({ catalog: CATALOG });
    const [picked, empty] = document.querySelectorAll('[data-attune-recs]');
    expect(await until(() => picked.querySelectorAll('[data-attune-card]').length === 2)).toBe(true);
    expect([...picked.querySelectorAll('[data-attune-card]')].map((c) => c.getAttribute('data-attune-card'))).toEqual(['stove', 'tent']);
    // No ids, no row: it is hidden rather than filled with anything else.
    expect(empty.hasAttribute('hidden')).toBe(true);
    expect(empty.querySelectorAll('[data-attune-card]')).toHaveLength(0);
  });

  it('mountWidgets() draws the rows and quizzes an app adds after load, and resolves once they are drawn', async () => {
    const { attune, errors } = makeAttune({ catalog: CATALOG });
    attune.addQuiz(QUIZ);
    await attune.ready;
    await attune.mountWidgets(); // nothing on the page yet: nothing to do, and no error
    document.body.innerHTML = '<div data-attune-recs="popular" data-limit="2"></div><div data-attune-quiz="product-finder"></div>';
    await attune.mountWidgets();
    expect([...document.querySelectorAll('[data-attune-recs] [data-attune-card]')].map((el) => el.getAttribute('data-attune-card'))).toEqual(['tent', 'stove']);
    expect(document.querySelector('[data-attune-quiz] legend')!.textContent).toBe('What will you mostly do?');
    // Again: the row is drawn anew, the quiz is not mounted twice.
    await attune.mountWidgets();
    expect(document.querySelectorAll('[data-attune-recs] [data-attune-card]')).toHaveLength(2);
    expect(document.querySelectorAll('.attune-quiz')).toHaveLength(1);
    expect(errors.filter((e) => !e.code.startsWith('catalog'))).toEqual([]);
  });

  it('renders rows again with a catalog set in code', async () => {
    document.body.innerHTML = '<div data-attune-recs="recently-viewed"></div><div data-attune-recs="for-you"></div>';
    const { attune } = makeAttune();
    await attune.ready;
    attune.productViewed({ product_id: 'stove', category: 'camping' });
    attune.catalog(CATALOG);
    const recent = document.querySelector('[data-attune-recs="recently-viewed"]')!;
    expect(await until(() => recent.querySelector('[data-attune-card="stove"]'))).toBeTruthy();
    const forYou = document.querySelector('[data-attune-recs="for-you"]')!;
    expect([...forYou.querySelectorAll('[data-attune-card]')].map((c) => c.getAttribute('data-attune-card'))).not.toContain('stove');
  });
});
