// What a simulated visitor does on the demo's pages (scripts/simulate-visitors.mjs owns
// the visitor, its decisions and its events): recommendation rows ranked by the real
// models, the quiz driven through the real runner, product pages, carts and orders.
// Every event has the name and properties the SDK or the shop's calls would give it:
// rows as src/widgets/recommend/mount.ts records them, the quiz as
// src/widgets/quiz/render.ts does, products as examples/shop.js describes them.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const LIMIT = 4;

// A product as the shop's calls describe it (examples/shop.js, toProduct).
const described = (p, extra = {}) => ({ product_id: p.id, name: p.title, category: p.categories[0], tags: p.tags, price: p.price, currency: 'EUR', ...extra });
// A product as a recommendation row's events list it (mount.ts, item).
const item = (p, position) => ({ product_id: p.id, name: p.title, category: p.categories[0], price: p.price, position });

// What the models know of the visitor (src/recommend/visitor.ts, visitorOfProfile).
function visitorOf(s) {
  const outcomeTags = [...new Set(Object.values(s.quizzes).flatMap((q) => q.tags ?? []))];
  return {
    viewed: s.viewed,
    carted: s.cart.map((p) => p.id).reverse(),
    purchased: s.purchased,
    affinities: { categories: s.categoryViews, tags: s.tagViews },
    outcomeTags,
  };
}

/**
 * A recommendation row on the page: ranked by the real model for `listId`; with chance
 * `seenRate` it comes on screen ("Product List Viewed"), then with chance `clickRate` the
 * visitor clicks a card, higher ones more often ("Product Clicked"). Resolves to the
 * clicked product, if any.
 */
export function showRow(s, listId, seenRate, clickRate, time, anchor) {
  const { sdk, random, catalog } = s;
  const input = { catalog, visitor: visitorOf(s) };
  const products =
    listId == 'for-you'
      ? sdk.forYou(input, { limit: LIMIT })
      : listId == 'similar'
        ? sdk.similar(input, anchor, { limit: LIMIT })
        : sdk.recentlyViewed(input, { limit: LIMIT, includePurchased: true, fill: false });
  if (!products.length || random() >= seenRate) return undefined;
  s.track('Product List Viewed', { list_id: listId, products: products.map((p, i) => item(p, i + 1)) }, time);
  if (random() >= clickRate) return undefined;
  // Position bias: the first card is clicked about twice as often as the third.
  const weights = products.map((p, i) => (p.categories[0] == s.favourite ? 2 : 1) / (i + 1));
  let x = random() * weights.reduce((a, b) => a + b, 0);
  const i = Math.max(0, weights.findIndex((w) => (x -= w) < 0));
  s.track('Product Clicked', { list_id: listId, ...item(products[i], i + 1) }, time + 4_000 + Math.floor(random() * 20_000));
  return products[i];
}

// A plausible answer to one question of any type the quiz format has.
function answerTo(q, random) {
  const values = (q.options || []).map((o) => o.value);
  const pick = () => values[Math.floor(random() * values.length)];
  if (q.type == 'single' || q.type == 'image') return pick();
  if (q.type == 'multiple') {
    const lo = q.min ?? 1;
    const n = lo + Math.floor(random() * ((q.max ?? values.length) - lo + 1));
    return values.filter(() => random() < 0.5).concat(values).filter((v, i, a) => a.indexOf(v) === i).slice(0, Math.max(n, 1));
  }
  if (q.type == 'scale' || q.type == 'number') {
    const lo = q.min ?? 1;
    return lo + Math.floor(random() * ((q.max ?? 5) - lo + 1));
  }
  if (q.optional) return '';
  return q.type == 'email' ? { email: 'visitor@example.com', consent: true } : 'Fine';
}

/**
 * Takes the quiz through the real runner (`createQuizRunner`), answering at random and
 * leaving at each question with chance `leaveRate`; records what the quiz widget
 * records. A finished quiz becomes part of the visitor's profile (outcome, tags, traits),
 * as "Quiz Completed" makes it in the SDK. Resolves to the time after it, and the
 * outcome and its products when finished.
 */
export function runQuiz(s, time, leaveRate) {
  const { sdk, random, quiz } = s;
  const runner = sdk.createQuizRunner(quiz);
  let t = time;
  let q = runner.current();
  s.track('Quiz Started', { quiz_id: quiz.id, question_id: q.id }, t);
  for (; (q = runner.current()); t += 5_000 + Math.floor(random() * 25_000)) {
    if (random() < leaveRate) {
      s.track('Quiz Abandoned', { quiz_id: quiz.id, question_id: q.id, ...runner.progress() }, t + 60_000);
      return { time: t + 60_000 };
    }
    const { index } = runner.progress();
    const problem = runner.answer(q.id, answerTo(q, random)) || runner.next();
    if (problem) throw new Error(`the simulated answer to ${q.id} was refused: ${problem.message}`);
    const answer = runner.state().answers[q.id];
    s.track('Quiz Question Answered', { quiz_id: quiz.id, question_id: q.id, index, ...(/text|email/.test(q.type) ? {} : { answer: answer ?? null }) }, t);
  }
  const r = runner.result();
  const answers = {};
  for (const question of quiz.questions) if (question.id in r.answers && !/text|email/.test(question.type)) answers[question.id] = r.answers[question.id];
  s.track('Quiz Completed', { quiz_id: quiz.id, outcome: r.outcome.id, products: r.products, tags: r.tags, scores: r.scores, answers, traits: r.traits }, t);
  s.quizzes[quiz.id] = { outcome: r.outcome.id, tags: r.tags, scores: r.scores, answers, at: t };
  Object.assign(s.traits, r.traits);
  const products = r.products.map((id) => s.catalog.find((p) => p.id == id)).filter(Boolean);
  return { time: t, outcome: r.outcome.id, products };
}

// A product the visitor opens by themselves: their favourite category three times as often.
function chooseProduct(s) {
  const weights = s.catalog.map((p) => (p.categories[0] == s.favourite ? 3 : 1) * (s.viewed.includes(p.id) ? 0.3 : 1));
  let x = s.random() * weights.reduce((a, b) => a + b, 0);
  return s.catalog[Math.max(0, weights.findIndex((w) => (x -= w) < 0))];
}

/**
 * Product pages from `next` (a clicked card or a quiz pick) or the visitor's interests,
 * with their rows; then, with chance `intent`, a cart, and with `orderRate` an order.
 * A cart left from an earlier visit is reported first, as the triggers add-on would
 * ("Cart Abandoned"). Resolves to whether a cart was filled and the order's revenue.
 */
export function browse(s, { time, next, intent, orderRate }) {
  const { random } = s;
  let t = time;
  if (s.cart.length && t - s.cartAt >= HOUR) {
    const value = s.cart.reduce((sum, p) => sum + p.price, 0);
    const products = s.cart.map((p) => ({ product_id: p.id, quantity: 1, price: p.price }));
    s.track('Cart Abandoned', { products, value, cart_updated_at: new Date(s.cartAt).toISOString(), currency: 'EUR' }, t - 30_000);
    s.cart = [];
  }
  const pages = 1 + Math.floor(random() * 4);
  let product;
  for (let k = 0; k < pages; k++) {
    product = next ?? chooseProduct(s);
    next = undefined;
    s.page('/product.html', `?id=${product.id}`, `${product.title} · Trail & Co.`, t);
    s.track('Product Viewed', described(product), t + 300);
    s.viewed = [product.id, ...s.viewed.filter((id) => id != product.id)].slice(0, 20);
    const category = product.categories[0];
    s.categoryViews[category] = (s.categoryViews[category] ?? 0) + 1;
    for (const tag of product.tags) s.tagViews[tag] = (s.tagViews[tag] ?? 0) + 1;
    next = showRow(s, 'similar', 0.55, 0.1, t + 15_000, product.id);
    if (!next && random() < 0.2) next = showRow(s, 'recently-viewed', 1, 0.1, t + 40_000);
    t += 45_000 + Math.floor(random() * 3 * MINUTE);
  }
  if (random() >= intent) return { carted: false };
  const cart = [product];
  const companion = s.viewed.map((id) => s.catalog.find((p) => p.id == id)).find((p) => p && p != product);
  if (companion && random() < 0.3) cart.push(companion);
  for (const p of cart) {
    s.track('Product Added', described(p, { quantity: 1 }), t);
    t += 20_000;
  }
  s.cart = cart;
  s.cartAt = t;
  if (random() >= orderRate) return { carted: true };
  const revenue = cart.reduce((sum, p) => sum + p.price, 0);
  const lines = cart.map((p) => ({ product_id: p.id, price: p.price, quantity: 1 }));
  s.track('Checkout Started', { value: revenue, currency: 'EUR', products: lines }, (t += MINUTE));
  s.track('Order Completed', { order_id: `${s.anonymousId}-order-${++s.orders}`, revenue, currency: 'EUR', products: lines }, (t += 2 * MINUTE));
  s.purchased = [...cart.map((p) => p.id), ...s.purchased];
  s.cart = [];
  return { carted: true, revenue };
}
