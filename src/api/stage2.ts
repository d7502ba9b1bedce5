/**
 * The second stage of an instance: what the first paint does not need, loaded after it
 * (the script tag's `attune.stage2.min.js`, the npm module's chunk). It sends the outbox
 * (batching, retries, beacons, the one-sender lease), brings pulls in, captures scroll
 * depth, engaged time and web vitals, watches slots for impressions, loads the widgets,
 * resolves the time zone, and keeps the erasure secret. The first stage holds
 * everything an event needs to be recorded, stored and put in the outbox, so nothing
 * recorded before this stage runs is lost: its sender sends what it finds in the outbox.
 */
import type { AttuneEvent } from '../core/types';
import { RECORD, type Lifecycle } from '../core/lifecycle';
import { setTimeZone, timeZone } from '../collect/context';
import { resolveTimeZone } from '../collect/time-zone';
import { captureScrollDepth } from '../collect/scroll-depth';
import { captureEngagedTime } from '../collect/engaged-time';
import { captureWebVitals } from '../collect/web-vitals';
import { eventKey } from '../store/event-log';
import { createSender, type Sender, type SyncOptions } from '../sync/sender';
import { erasureRecord, forgetRequest, type ErasureRecord } from '../sync/erasure';
import { fetchPulled } from '../sync/pull-fetch';
import { whenSeen } from '../widgets/visible';
import type { Profile, ProfileOptions } from '../profile/profile';
import type { TriggerOptions } from '../recommend/triggers';
import type { CaptureOptions } from './options';
import type { Loaders } from './attune';
import type { Recorder } from './recorder';
import { createWidgets } from './widgets';

/** What the second stage needs from the first. */
export interface Stage2Host {
  recorder: Recorder;
  lifecycle: Lifecycle;
  site: string;
  endpoint?: string;
  sync: SyncOptions;
  capture?: CaptureOptions | false;
  catalog?: unknown;
  catalogUrl?: string;
  triggers?: TriggerOptions;
  /** Quizzes registered with `addQuiz()`, by id. */
  quizzes: Record<string, unknown>;
  loaders: Omit<Loaders, 'stage2' | 'validator'>;
  profile: () => Profile;
  profileOptions: ProfileOptions;
  /** The instance's guarded `track`. */
  track: (event: string, properties?: object) => void;
  /** Records an `identify` with traits only (a quiz's answers). */
  identify: (traits: object) => void;
  /** The path of the current view, for engaged time and scroll depth. */
  path: () => string;
  fail: (code: string, path: string, problem: unknown) => void;
}

/**
 * Starts the second stage on an instance and returns what the first stage calls on it.
 *
 * @example const stage2 = startStage2(host); stage2.newView();
 */
export function startStage2(host: Stage2Host) {
  const { recorder, fail, lifecycle } = host;
  const stops: (() => void)[] = [];
  let sender: Sender | undefined;
  let stopped = false;
  // The erasure secret of the current anonymous id (src/sync/erasure.ts), once loaded or made.
  let erasure: ErasureRecord | undefined;

  // Resolved once, here, after the first paint; an earlier page's stored copy was used until now.
  let zone = timeZone();
  try {
    zone = resolveTimeZone() || zone;
  } catch {
    // No Intl time zone: events go without one.
  }
  setTimeZone(zone);

  // Loads or makes the current anonymous id's erasure secret, and keeps a new one beside the profile.
  const ensureErasure = async (read: boolean) => {
    const stored = read ? await recorder.kept<ErasureRecord>('erasure') : undefined;
    const made = await erasureRecord(stored, recorder.state().anonymousId);
    erasure = made;
    if (made && made !== stored) recorder.keep('erasure', made);
  };

  const erasureKey = () => (erasure?.id == recorder.state().anonymousId ? { anonymousId: erasure.id, hash: erasure.hash } : undefined);
  recorder.onLive(() => {
    if (zone) recorder.keep('timezone', zone);
    // The sender starts once the erasure key is known, so the first batch carries it;
    // meanwhile events go to the outbox, where it finds them.
    ensureErasure(true)
      .catch((error) => fail('internal', 'storage', error))
      .then(() => {
        if (!recorder.syncs || sender || stopped) return;
        sender = createSender(
          { site: host.site, endpoint: host.endpoint, outbox: recorder.outbox(), fail, pending: recorder.pending, erasureKey, lifecycle, timeZone: () => zone },
          host.sync,
        );
        recorder.attach(sender);
      });
  });

  const widgets = createWidgets({
    recorder,
    loaders: host.loaders,
    profile: host.profile,
    profileOptions: host.profileOptions,
    track: host.track,
    identify: host.identify,
    fail,
    endpoint: host.endpoint,
    catalog: host.catalog,
    catalogUrl: host.catalogUrl,
    triggers: host.triggers,
    quizzes: host.quizzes,
  });

  const captures = (kind: keyof CaptureOptions) => host.capture !== false && host.capture?.[kind] !== false;
  const engaged = captures('engagedTime')
    ? captureEngagedTime((ms) => host.track('Page Engaged', { engaged_ms: Math.round(ms), path: host.path() }))
    : undefined;
  if (engaged) stops.push(engaged.stop, lifecycle.onLeave(RECORD, engaged.flush));
  const scroll = captures('scrollDepth') ? captureScrollDepth((depth) => host.track('Scroll Depth Reached', { depth, path: host.path() })) : undefined;
  if (scroll) stops.push(scroll.stop);
  if (captures('webVitals')) {
    captureWebVitals(host.loaders.webVitals, (vital) => host.track('Web Vital Measured', vital), (error) => fail('load-failed', 'capture.webVitals', error));
  }
  // Quizzes and recommendation rows in the page's markup (parsed by now: this stage loads after it).
  widgets.scan(true);

  return {
    widgets,
    fetchPulled,
    /** Calls `seen` once `el` is first on screen (the impression observer); returns a cancel. */
    watch: whenSeen,
    /** Before a new view (an SPA route change): the engaged time and scroll depth so far are the old page's. */
    leaveView() {
      engaged?.flush();
      scroll?.reset();
    },
    /** After a new view started: its rows are seen (and recorded) anew. */
    newView: () => widgets.scan(true),
    /**
     * Forgets everything on the device, and asks the collector to erase the old id too:
     * the request waits in the (new) outbox like an event until the collector answers.
     */
    async forget() {
      const state = recorder.state();
      const asked: AttuneEvent | undefined =
        recorder.live() && sender && erasure?.id == state.anonymousId ? forgetRequest(erasure, state.userId) : undefined;
      await recorder.wipe();
      erasure = undefined;
      if (!recorder.live()) return;
      await ensureErasure(false);
      if (asked) {
        await sender!.enqueue([[eventKey(asked), asked]]);
        sender!.flush();
      }
    },
    /** Stops capture, the sender's timers and listeners, and flushes the engaged time. */
    stop() {
      stopped = true;
      engaged?.flush();
      sender?.stop();
      stops.splice(0).forEach((stop) => stop());
    },
  };
}

/** The second stage started by {@link startStage2}. */
export type Stage2 = ReturnType<typeof startStage2>;

/** The module the entries load as the second stage. */
export interface Stage2Module {
  startStage2: typeof startStage2;
}
