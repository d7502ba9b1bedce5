// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest';
import { timestampProblem } from '../../src/core/limits';
import vectors from '../vectors/timestamps.json';
import { batchOf, startTestCollector, trackEvent, type TestCollector } from './helpers';

interface Case {
  input: unknown;
  now: string;
  accepted: boolean;
  reason?: string;
}

const cases = vectors.cases as Case[];
let c: TestCollector | undefined;
afterEach(() => c?.stop());

describe('timestamps (test/vectors/timestamps.json)', () => {
  it.each(cases)('$input at $now: accepted $accepted', ({ input, now, accepted, reason }) => {
    const problem = timestampProblem(input, Date.parse(now));
    if (accepted) expect(problem).toBeUndefined();
    else expect(problem).toContain(reason);
  });

  it('the collector stores the accepted ones and rejects the others, saying why', async () => {
    let now = 0;
    c = await startTestCollector({ clock: () => now });
    for (const at of new Set(cases.map((k) => k.now))) {
      now = Date.parse(at);
      const group = cases.filter((k) => k.now === at);
      const res = await c.post(batchOf(group.map(({ input }) => trackEvent('Timed', {}, { timestamp: input }))));
      expect(res.status).toBe(200);
      const { stored, rejected } = (await res.json()) as { stored: number; rejected: { index: number; path: string; message: string }[] };
      expect(stored).toBe(group.filter((k) => k.accepted).length);
      const refused = group.flatMap((k, index) => (k.accepted ? [] : [{ index, path: 'timestamp', message: expect.stringContaining(k.reason!) }]));
      expect(rejected).toEqual(refused);
    }
  });
});
