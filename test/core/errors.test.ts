import { describe, expect, it, vi } from 'vitest';
import { attuneError, createReporter } from '../../src/core/errors';
import { createEmitter } from '../../src/core/emitter';

describe('errors', () => {
  it('name the code and the path', () => {
    const error = attuneError('invalid-argument', '$.placements[2].variants', 'Weights must add up to 1');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'AttuneError', code: 'invalid-argument', path: '$.placements[2].variants' });
    expect(error.message).toBe('Weights must add up to 1 (at $.placements[2].variants)');
  });

  it('reach onError even when it throws itself, and the console once per message in debug mode', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const seen: string[] = [];
    const report = createReporter((e) => {
      seen.push(e.code);
      throw new Error('faulty handler');
    }, true);
    expect(() => {
      report(attuneError('a', 'x', 'same'));
      report(attuneError('a', 'x', 'same'));
      report(attuneError('b', 'y', 'other'));
    }).not.toThrow();
    expect(seen).toEqual(['a', 'a', 'b']);
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });

  it('stay off the console without debug', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    createReporter(undefined, false)(attuneError('a', 'x', 'quiet'));
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});

describe('emitter', () => {
  it('isolates listeners that throw and lets listeners unsubscribe', () => {
    const failures: unknown[] = [];
    const emitter = createEmitter<{ ping: number }>((e) => failures.push(e));
    const got: number[] = [];
    emitter.on('ping', () => {
      throw new Error('bad listener');
    });
    const off = emitter.on('ping', (n) => got.push(n));
    emitter.emit('ping', 1);
    off();
    emitter.emit('ping', 2);
    expect(got).toEqual([1]);
    expect(failures).toHaveLength(2);
  });
});
