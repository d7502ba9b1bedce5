/**
 * An error Attune reports instead of throwing. `path` names where the problem is:
 * a JSON path into config (`$.placements[2].variants`) or the API call and argument
 * (`track.properties.price`).
 */
export interface AttuneError extends Error {
  name: 'AttuneError';
  path: string;
  /** A short machine-readable kind, e.g. `too-large`, `storage-unavailable`. */
  code: string;
}

/** Creates an {@link AttuneError}; the message always ends with the path. */
export function attuneError(code: string, path: string, message: string): AttuneError {
  const error = new Error(`${message} (at ${path})`) as AttuneError;
  error.name = 'AttuneError';
  error.code = code;
  error.path = path;
  return error;
}

/** Receives every problem Attune meets; it never sees a throw. */
export type ErrorHandler = (error: AttuneError) => void;

/**
 * Wraps a reporter so that a handler which itself throws cannot break the host
 * page, and in debug mode each distinct problem reaches the console once.
 */
export function createReporter(onError: ErrorHandler | undefined, debug: boolean): ErrorHandler {
  const logged = new Set<string>();
  return (error) => {
    if (debug && !logged.has(error.message)) {
      logged.add(error.message);
      console.warn('[attune]', error.message);
    }
    try {
      onError?.(error);
    } catch {
      // A faulty onError must not turn a reported problem into a thrown one.
    }
  };
}
