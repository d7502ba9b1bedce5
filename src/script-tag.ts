import { createInstance, type Attune, type QuizModule, type RecommendModule, type TriggersModule } from './api/create';
import type { AttuneOptions, CaptureOptions } from './api/options';
import type { WebVitalsModule } from './collect/web-vitals';
import { evalCondition, isObject, KNOWN_OPERATORS, seg } from './decide/condition';
import { checkCondition } from './decide/condition-check';
import { safeUrl } from './decide/url';
import { DEFAULT_PROFILE_OPTIONS, profileView } from './profile/profile';
import { whenSeen } from './widgets/visible';

type Queued = [string, ...unknown[]];
type AttuneWindow = Window & { Attune?: Attune; attune?: Queued[] | { push(call: Queued): void }; AttuneWebVitals?: WebVitalsModule; AttuneQuiz?: QuizModule; AttuneRecs?: RecommendModule; AttuneTriggers?: TriggersModule };

const w = window as AttuneWindow;
const script = (document.currentScript || document.querySelector('script[data-site]')) as HTMLScriptElement | null;
const data = script?.dataset ?? {};
// Add-ons sit beside the script itself, so a self-hosted copy loads its own add-ons.
const base = script?.src ? script.src.replace(/[^/?#]*([?#].*)?$/, '') : '';
const flag = (value: string | undefined) => value !== undefined && value !== 'false';

/** Loads `attune.<name>.min.js` from beside the script tag and resolves with what it defines. */
const loadAddon = <T>(name: string, global: keyof AttuneWindow) =>
  new Promise<T>((resolve, reject) => {
    const tag = document.createElement('script');
    tag.src = `${base}attune.${name}.min.js`;
    tag.async = true;
    tag.onload = tag.onerror = () => (w[global] ? resolve(w[global] as T) : reject(new Error(`${tag.src} did not load`)));
    document.head.appendChild(tag);
  });

if (!w.Attune) {
  // What add-ons take from the tag instead of carrying their own copy (see rollup.config.mjs).
  (w as Window & { AttuneShared?: object }).AttuneShared = { evalCondition, isObject, KNOWN_OPERATORS, seg, checkCondition, safeUrl, profileView, DEFAULT_PROFILE_OPTIONS, whenSeen };
  const options: AttuneOptions = {
    site: data.site,
    endpoint: data.endpoint,
    debug: flag(data.debug),
    requireConsent: flag(data.requireConsent),
    respectPrivacySignals: data.respectPrivacySignals !== 'false',
    // The page's own config comes first (it must precede this tag to be seen), then data-config's URL.
    config: document.querySelector('script[type="application/json"][data-attune-config]')?.textContent ?? undefined,
    configUrl: data.config,
    catalogUrl: data.catalog,
  };
  // data-no-capture="scrollDepth webVitals" switches those kinds off; "all" switches every kind off.
  if (data.noCapture) {
    const off = data.noCapture.split(/[\s,]+/) as (keyof CaptureOptions | 'all')[];
    options.capture = off.includes('all') ? false : {};
    off.forEach((kind) => options.capture && kind !== 'all' && (options.capture[kind] = false));
  }
  const attune = createInstance(options, {
    webVitals: () => loadAddon<WebVitalsModule>('vitals', 'AttuneWebVitals'),
    quiz: () => loadAddon<QuizModule>('quiz', 'AttuneQuiz'),
    recommend: () => loadAddon<RecommendModule>('recs', 'AttuneRecs'),
    triggers: () => loadAddon<TriggersModule>('triggers', 'AttuneTriggers'),
  });
  // Replays calls queued before the script loaded, in order, then takes new ones directly.
  const run = (call: Queued) => {
    const method = Array.isArray(call) ? (attune as unknown as Record<string, unknown>)[call[0]] : undefined;
    if (typeof method === 'function' && call[0] !== 'destroy') method(...call.slice(1));
    else if (options.debug) console.warn('[attune] unknown call', call);
  };
  const queued = Array.isArray(w.attune) ? w.attune : [];
  w.Attune = attune;
  w.attune = { push: run };
  queued.forEach(run);
}
