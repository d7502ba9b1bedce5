/**
 * Validation of a `POST /v1/batch` body: `{ batch: AttuneEvent[], sentAt?, site? }`.
 */
import { timestampProblem } from '../src/core/limits';
import { MAX_REPORTED_ERRORS } from './limits';
import { DEFAULT_SITE, siteProblem } from './site';
import { isObject, validateEvent, type ValidEvent, type ValidationError } from './validate-event';

/**
 * What to do with a batch: store `events` and report `rejected` (the events refused,
 * by index), or refuse the request whole with `errors`: for a problem of the request
 * itself, or when no event at all is valid.
 */
export type BatchValidation = { ok: true; events: ValidEvent[]; rejected: ValidationError[] } | { ok: false; errors: ValidationError[] };

/**
 * Validates a parsed batch body at the receiver's time `now`. The site of each event
 * is, first found: the request's `?site=` (`querySite`), the body's `site`, the
 * event's `context.site`, then `"default"`. One bad event never sinks the others:
 * it is named in `rejected` (the first problem of every rejected event, the others
 * only while the list is shorter than {@link MAX_REPORTED_ERRORS}), so the sender can
 * drop exactly those.
 */
export function validateBatch(body: unknown, querySite: string | null, now: number): BatchValidation {
  const request: ValidationError[] = [];
  const refuse = (path: string, message: string) => request.push({ index: null, path, message });
  if (querySite !== null && siteProblem(querySite)) refuse('site', `?site= ${siteProblem(querySite)}`);
  if (!isObject(body) || !Array.isArray(body.batch)) {
    refuse('batch', 'the body must be a JSON object with a "batch" array');
    return { ok: false, errors: request };
  }
  if (body.site !== undefined && siteProblem(body.site)) refuse('site', siteProblem(body.site)!);
  // sentAt has no upper bound: a device whose clock runs ahead still gets its events judged one by one.
  const sentAtProblem = body.sentAt === undefined ? undefined : timestampProblem(body.sentAt, Infinity);
  if (sentAtProblem) refuse('sentAt', sentAtProblem);
  if (request.length) return { ok: false, errors: request };

  const site = querySite ?? (body.site as string | undefined) ?? null;
  const events: ValidEvent[] = [];
  const rejected: ValidationError[] = [];
  body.batch.forEach((raw, index) => {
    let first = true;
    const event = validateEvent(raw, site, DEFAULT_SITE, now, (path, message) => {
      if (first || rejected.length < MAX_REPORTED_ERRORS) rejected.push({ index, path, message });
      first = false;
    });
    if (event) events.push(event);
  });
  if (rejected.length && !events.length) return { ok: false, errors: rejected };
  return { ok: true, events, rejected };
}
