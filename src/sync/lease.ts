/** How long a lease holds without being released, in ms: longer than a drain of the outbox takes. */
export const LEASE_MS = 30_000;

/**
 * Takes the lease `name` in localStorage for `holder`, unless another holder's
 * lease is still running: the fallback for browsers without Web Locks. Two tabs
 * writing at once both write; the last write wins, and the read-back lets only its
 * holder go on. Without localStorage it grants the lease: a repeat that slips
 * through is dropped by the backend by `messageId`.
 */
export function takeLease(name: string, holder: string, now = Date.now()): boolean {
  try {
    const [other, until] = (localStorage.getItem(name) || '').split(' ');
    if (other && other !== holder && +until > now) return false;
    localStorage.setItem(name, `${holder} ${now + LEASE_MS}`);
    return localStorage.getItem(name) === `${holder} ${now + LEASE_MS}`;
  } catch {
    return true;
  }
}

/** Gives the lease back, if `holder` still has it. */
export function releaseLease(name: string, holder: string): void {
  try {
    if (localStorage.getItem(name)?.startsWith(`${holder} `)) localStorage.removeItem(name);
  } catch {
    // Nothing to give back.
  }
}
