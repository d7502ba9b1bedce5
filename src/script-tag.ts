import { createInstance, type Attune } from './api/create';
import type { AttuneOptions, CaptureOptions } from './api/options';
import type { WebVitalsModule } from './collect/web-vitals';

type Queued = [string, ...unknown[]];
type AttuneWindow = Window & { Attune?: Attune; attune?: Queued[] | { push(call: Queued): void }; AttuneWebVitals?: WebVitalsModule };

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
    tag.onload = () => (w[global] ? resolve(w[global] as T) : reject(new Error(`${tag.src} defined nothing`)));
    tag.onerror = () => reject(new Error(`${tag.src} did not load`));
    document.head.appendChild(tag);
  });

if (!w.Attune) {
  const options: AttuneOptions = {
    site: data.site,
    endpoint: data.endpoint,
    debug: flag(data.debug),
    requireConsent: flag(data.requireConsent),
    respectPrivacySignals: data.respectPrivacySignals !== 'false',
  };
  // data-capture="page-views clicks" switches on only those kinds; "none" switches all off.
  if (data.capture !== undefined) {
    const kinds = data.capture.split(/[\s,]+/);
    const on = (kind: string) => kinds.includes(kind);
    options.capture = {
      pageViews: on('page-views'),
      clicks: on('clicks'),
      scrollDepth: on('scroll-depth'),
      engagedTime: on('engaged-time'),
      webVitals: on('web-vitals'),
    } satisfies CaptureOptions;
  }
  const attune = createInstance(options, { webVitals: () => loadAddon<WebVitalsModule>('vitals', 'AttuneWebVitals') });
  // Replays calls queued before the script loaded, in order, then takes new ones directly.
  const run = (call: Queued) => {
    const method = Array.isArray(call) ? (attune as unknown as Record<string, unknown>)[call[0]] : undefined;
    if (typeof method === 'function' && call[0] !== 'destroy') method(...call.slice(1));
    else if (options.debug) console.warn('[attune] unknown queued call', call);
  };
  const queued = Array.isArray(w.attune) ? w.attune : [];
  w.Attune = attune;
  w.attune = { push: run };
  queued.forEach(run);
}
