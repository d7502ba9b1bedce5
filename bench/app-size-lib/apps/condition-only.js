// An app that uses only the condition language (say, to preview a segment in an admin tool).
import { evalCondition } from 'attune';

const visitor = { traits: { plan: 'pro' }, counts: { orders: 3 } };
document.body.textContent = String(evalCondition({ 'traits.plan': 'pro', 'counts.orders': { $gte: 2 } }, visitor));
