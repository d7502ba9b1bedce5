/**
 * Webhook delivery: queued deliveries are posted with Node's fetch, a few at a time,
 * each signed afresh (server/webhooks/sign.ts) with the same idempotency id on every
 * try. A 2xx takes a delivery off the queue; anything else (an error status, a
 * refused connection, a timeout) is retried with exponential backoff, and after the
 * last try the delivery is dropped and the drop is logged. Sending is asynchronous
 * and each queue update is one indexed statement, so deliveries never hold ingest.
 */
import type { RepeatLog } from '../repeat-log';
import type { SiteRegistry } from '../sites';
import type { Delivery, WebhookQueue } from './queue';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signatureHeader } from './sign';

/** How deliveries are tried. */
export interface DeliveryOptions {
  /** Deliveries in flight at most (default 8). */
  concurrency: number;
  /** A try that has no answer after this long fails (default 10 s). */
  timeoutMs: number;
  /** Tries in all before a delivery is dropped (default 10). */
  maxAttempts: number;
  /** The wait after the first failed try; it doubles after each (default 60 s). */
  baseDelayMs: number;
  /** The longest wait between tries (default 6 h). */
  maxDelayMs: number;
  /** How often the queue is looked at for retries that fell due (default 1 s). */
  pollMs: number;
}

/** The defaults: ten tries over about 12 hours (1, 2, 4 … 256 minutes, the last waits capped at 6 h). */
export const DEFAULT_DELIVERY: DeliveryOptions = { concurrency: 8, timeoutMs: 10_000, maxAttempts: 10, baseDelayMs: 60_000, maxDelayMs: 6 * 3600_000, pollMs: 1000 };

/** A running sender. */
export interface WebhookSender {
  /** Looks at the queue now (new signals were queued). */
  kick(): void;
  /** Resolves once nothing is in flight and nothing is due at the clock's now. */
  idle(): Promise<void>;
  /** Stops taking deliveries and waits for those in flight. */
  close(): Promise<void>;
}

/** The wait before try `attempts + 1`, after `attempts` failed ones. */
export const backoffMs = (attempts: number, o: Pick<DeliveryOptions, 'baseDelayMs' | 'maxDelayMs'>): number =>
  Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempts - 1));

/** Starts sending the queue's deliveries. */
export function startWebhookSender(queue: WebhookQueue, sites: SiteRegistry, clock: () => number, problem: RepeatLog, options: Partial<DeliveryOptions> = {}): WebhookSender {
  const o: DeliveryOptions = { ...DEFAULT_DELIVERY, ...options };
  const inFlight = new Map<string, Promise<void>>();
  let closed = false;
  let scheduled = false;

  // Drops are logged with the site, event and idempotency id, never the body (it may hold traits).
  const dropped = (d: Delivery, why: string) =>
    problem(`webhook delivery dropped: ${why}`, `webhook delivery ${d.id} (${d.event}, site ${d.site}) to ${d.url} dropped after ${d.attempts + 1} tries: ${why}`);

  async function send(d: Delivery): Promise<void> {
    const hook = sites.get(d.site)?.webhooks.find((w) => w.url === d.url);
    if (!hook) return queue.remove(d.id);
    let failure: string;
    try {
      const response = await fetch(d.url, {
        method: 'POST',
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(o.timeoutMs),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'attune-collector',
          [SIGNATURE_HEADER]: signatureHeader(hook.secret, clock(), d.body),
          [IDEMPOTENCY_HEADER]: d.id,
          'Attune-Event': d.event,
        },
      });
      // The answer's body is not needed; reading it frees the connection for reuse.
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return queue.remove(d.id);
      failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = (error as Error)?.name === 'TimeoutError' ? `no answer within ${o.timeoutMs} ms` : String((error as Error)?.cause ?? (error as Error)?.message ?? error);
    }
    const attempts = d.attempts + 1;
    if (attempts >= o.maxAttempts) {
      queue.remove(d.id);
      dropped(d, failure);
    } else queue.retryAt(d.id, attempts, clock() + backoffMs(attempts, o));
  }

  function fill(): void {
    scheduled = false;
    if (closed) return;
    const free = o.concurrency - inFlight.size;
    if (free <= 0) return;
    // Those in flight are due too, so ask for enough rows to find `free` others.
    for (const d of queue.due(clock(), free + inFlight.size)) {
      if (inFlight.has(d.id) || inFlight.size >= o.concurrency) continue;
      const done = send(d)
        .catch((error: unknown) => problem(`webhook delivery failed: ${(error as Error)?.message}`, `webhook delivery ${d.id} failed: ${(error as Error)?.stack ?? error}`))
        .finally(() => {
          inFlight.delete(d.id);
          kick();
        });
      inFlight.set(d.id, done);
    }
  }
  function kick(): void {
    if (scheduled || closed) return;
    scheduled = true;
    setImmediate(fill);
  }
  const timer = setInterval(kick, o.pollMs);
  timer.unref();
  kick();

  return {
    kick,
    async idle() {
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve));
        if (inFlight.size) await Promise.all(inFlight.values());
        else if (scheduled) continue;
        else if (closed || queue.due(clock(), 1).length === 0) return;
        else kick();
      }
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await Promise.all(inFlight.values());
    },
  };
}
