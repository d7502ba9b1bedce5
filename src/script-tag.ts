import { createInstance, type Attune, type QuizModule, type RecommendModule, type TriggersModule, type ValidatorModule } from './api/create';
import type { AttuneOptions, CaptureOptions } from './api/options';
import type { Stage2Module } from './api/stage2';
import type { WebVitalsModule } from './collect/web-vitals';
import { TAG_SHARED, type Shared } from './shared';

type Queued = [string, ...unknown[]];
type AttuneWindow = Window & {
  Attune?: Attune;
  attune?: Queued[] | { push(call: Queued): void };
  AttuneShared?: Shared;
  AttuneStage2?: Stage2Module;
  AttuneDebug?: ValidatorModule;
  AttuneWebVitals?: WebVitalsModule;
  AttuneQuiz?: QuizModule;
  AttuneRecs?: RecommendModule;
  AttuneTriggers?: TriggersModule;
};

const w = window as AttuneWindow;
const script = (document.currentScript || document.querySelector('script[data-site]')) as HTMLScriptElement | null;
const data = script?.dataset ?? {};
// Add-ons sit beside the script itself, so a self-hosted copy loads its own add-ons.
const base = script?.src ? script.src.replace(/[^/?#]*([?#].*)?$/, '') : '';
const flag = (value: string | undefined) => value !== undefined && value !== 'false';

/** The part of the Trusted Types API that Attune uses (TypeScript's DOM types lack it). */
type ScriptUrlPolicy = { createScriptURL(name: string): string };
type TrustedTypes = { createPolicy(name: string, rules: ScriptUrlPolicy): ScriptUrlPolicy };

// The URL of add-on `name` beside the tag. Whatever `name` is, the result is such a URL:
// anything but letters, digits and `_` is dropped, so no `../` or other host gets in.
const addonUrl = (name: string) => `${base}attune.${name.replace(/\W/g, '')}.min.js`;

// Under a CSP with `require-trusted-types-for 'script'` a script's src takes no plain
// string, only what a policy made. Attune's own, `attune`, makes nothing but add-on URLs.
// It is made once, at the first add-on, where the API exists. Where the API is missing, or
// the page's `trusted-types` directive does not allow the name, the rules stand in and give
// the plain string (which a page requiring Trusted Types then refuses, as it asked).
const rules: ScriptUrlPolicy = { createScriptURL: addonUrl };
let policy: ScriptUrlPolicy | undefined;
const scriptUrl = (name: string) => {
  if (!policy) {
    try {
      policy = (w as { trustedTypes?: TrustedTypes }).trustedTypes?.createPolicy('attune', rules);
    } catch {
      // The name is not allowed.
    }
    policy ||= rules;
  }
  return policy.createScriptURL(name);
};

/** Loads `attune.<name>.min.js` from beside the script tag and resolves with what it defines. */
const loadAddon = <T>(name: string, global: keyof AttuneWindow) =>
  new Promise<T>((resolve, reject) => {
    const tag = document.createElement('script');
    tag.src = scriptUrl(name);
    tag.async = true;
    tag.onload = tag.onerror = () => (w[global] ? resolve(w[global] as T) : reject(new Error(`${tag.src} did not load`)));
    document.head.appendChild(tag);
  });

if (!w.Attune) {
  // What the second stage and the add-ons take from the tag instead of carrying their own copy (src/shared.ts).
  w.AttuneShared = { ...TAG_SHARED };
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
    // data-write-key: the site's (public) write key, sent as Segment's clients send it.
    sync: { writeKey: data.writeKey },
  };
  // data-no-capture="scrollDepth webVitals" switches those kinds off; "all" switches every kind off.
  if (data.noCapture) {
    const off = data.noCapture.split(/[\s,]+/) as (keyof CaptureOptions | 'all')[];
    options.capture = off.includes('all') ? false : {};
    off.forEach((kind) => options.capture && kind !== 'all' && (options.capture[kind] = false));
  }
  const attune = createInstance(options, {
    stage2: () => loadAddon<Stage2Module>('stage2', 'AttuneStage2'),
    validator: () => loadAddon<ValidatorModule>('debug', 'AttuneDebug'),
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
