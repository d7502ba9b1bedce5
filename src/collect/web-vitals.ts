import type { JsonObject } from '../core/types';

/** A web-vitals metric as the `web-vitals` library reports it. */
export interface VitalMetric {
  name: string;
  value: number;
  rating: string;
  delta: number;
  id: string;
  navigationType: string;
}

type OnMetric = (callback: (metric: VitalMetric) => void) => void;

/** The part of the `web-vitals` module Attune uses. */
export interface WebVitalsModule {
  onLCP: OnMetric;
  onCLS: OnMetric;
  onINP: OnMetric;
  onFCP: OnMetric;
  onTTFB: OnMetric;
}

/**
 * Records LCP, CLS, INP, FCP and TTFB once `load` brings the `web-vitals` code,
 * which is fetched after start so it never weighs on the script tag.
 */
export function captureWebVitals(
  load: () => Promise<WebVitalsModule>,
  onVital: (properties: JsonObject) => void,
  onLoadError: (error: unknown) => void,
): void {
  load().then((vitals) => {
    const report = (metric: VitalMetric) =>
      onVital({
        metric: metric.name,
        value: Math.round(metric.value * 1000) / 1000,
        rating: metric.rating,
        metric_id: metric.id,
        navigation_type: metric.navigationType,
      });
    [vitals.onLCP, vitals.onCLS, vitals.onINP, vitals.onFCP, vitals.onTTFB].forEach((on) => on(report));
  }, onLoadError);
}
