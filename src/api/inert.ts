import { createProfileState, DEFAULT_PROFILE_OPTIONS, profileView } from '../profile/profile';
import type { Attune } from './attune';

const none = () => {};
const done = () => Promise.resolve();

/**
 * The instance `createAttune()` returns where there is no page (server-side rendering
 * under Node, a worker): every method does nothing and answers as an instance would
 * before anything was recorded, so code shared by server and browser runs unchanged.
 */
export function inertInstance(): Attune {
  return {
    ready: done(),
    track: none,
    page: none,
    identify: none,
    alias: none,
    group: none,
    productViewed: none,
    productAdded: none,
    productRemoved: none,
    checkoutStarted: none,
    orderCompleted: none,
    profile: () => profileView(createProfileState(''), Date.now(), DEFAULT_PROFILE_OPTIONS),
    consent: () => 'pending',
    forget: done,
    export: () => Promise.resolve(undefined),
    flush: done,
    outboxSize: () => Promise.resolve(0),
    stats: () => null,
    decide: () => ({ variant: null, reason: 'error', group: 'treatment', segment: null, explain: { error: { message: 'not in a browser', path: 'decide' } } }),
    viewed: none,
    setConfig: () => [],
    setStats: none,
    addQuiz: none,
    mountQuiz: done,
    catalog: none,
    mountWidgets: done,
    on: () => none,
    destroy: none,
  };
}
