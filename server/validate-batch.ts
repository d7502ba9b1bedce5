/**
 * Validation of a `POST /v1/batch` body: `{ batch: AttuneEvent[], sentAt?, site? }`.
 */
import { MAX_REPORTED_ERRORS } from './limits';
import { DEFAULT_SITE, siteProblem } from './site';
import { isIsoDateTime, isObject, validateEvent, type ValidEvent, type ValidationError } from './validate-event';

/** Every event valid, or every problem found (up to a bound), never a mix. */
export type BatchValidation = { ok: true; events: ValidEvent[] } | { ok: false; errors: ValidationError[] };

/**
 * Validates a parsed batch body. The site of each event is, first found: the
 * request's `?site=` (`querySite`), the body's `site`, the event's `context.site`,
 * then `"default"`. A batch is all or nothing, so a client that gets a 400 knows that
 * none of it was stored.
 */
export function validateBatch(body: unknown, querySite: string | null): BatchValidation {
  const errors: ValidationError[] = [];
  const report = (index: number | null, path: string, message: string) => {
    if (errors.length < MAX_REPORTED_ERRORS) errors.push({ index, path, message });
  };
  if (querySite !== null && siteProblem(querySite)) report(null, 'site', `?site= ${siteProblem(querySite)}`);
  if (!isObject(body) || !Array.isArray(body.batch)) {
    report(null, 'batch', 'the body must be a JSON object with a "batch" array');
    return { ok: false, errors };
  }
  if (body.site !== undefined && siteProblem(body.site)) report(null, 'site', siteProblem(body.site)!);
  if (body.sentAt !== undefined && !isIsoDateTime(body.sentAt)) report(null, 'sentAt', 'must be an ISO 8601 date-time');
  const site = querySite ?? (body.site as string | undefined) ?? null;
  const events: ValidEvent[] = [];
  body.batch.forEach((raw, index) => {
    const event = validateEvent(raw, site, DEFAULT_SITE, (path, message) => report(index, path, message));
    if (event) events.push(event);
  });
  return errors.length ? { ok: false, errors } : { ok: true, events };
}
