import type { ConsentState } from './recorder';

/** Whether the browser carries Global Privacy Control or Do Not Track. */
export function hasPrivacySignal(): boolean {
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean };
  return nav.globalPrivacyControl === true || nav.doNotTrack === '1';
}

/** The consent state a page starts in: a privacy signal refuses, `requireConsent` waits. */
export function initialConsent(requireConsent: boolean, respectPrivacySignals: boolean): ConsentState {
  if (respectPrivacySignals && hasPrivacySignal()) return 'denied';
  return requireConsent ? 'pending' : 'granted';
}
