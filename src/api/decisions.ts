import type { AttuneEvent } from '../core/types';
import { readContext } from '../collect/context';
import { attributeGoal } from '../decide/attribution';
import { visitorAttributes, type VisitorAttributes } from '../decide/attributes';
import { readConfig } from '../decide/config-reader';
import type { BanditStats, ConfigProblem, ValidConfig, ValidPlacement } from '../decide/config-types';
import { decidePlacement, type Decision } from '../decide/engine';
import { addCounts, toBanditStats } from '../decide/stats';
import { hashBucket } from '../decide/hash';
import { profileView, type ProfileOptions } from '../profile/profile';
import type { Recorder } from './recorder';

/** What {@link createDecisions} needs from the instance. */
export interface DecisionsOptions {
  recorder: Recorder;
  profile: ProfileOptions;
  /** Records an event of Attune's own (`Variant Viewed`, `Variant Converted`, `Segment Entered`…). */
  track: (event: string, properties: object) => void;
  fail: (code: string, path: string, problem: unknown) => void;
}

/**
 * The decision engine wired to the visitor: builds the attributes from the profile
 * and the page, keeps the config and the statistics, stores sticky assignments,
 * records impressions and attributes goals. Each placement is decided once per
 * view (a bandit's draw must not change while the page shows it); `newView()`
 * starts the next one.
 */
export function createDecisions({ recorder, profile: profileOptions, track, fail }: DecisionsOptions) {
  let config: ValidConfig = readConfig({ placements: [] }).config;
  let byId: Record<string, ValidPlacement> = {};
  // Placements the reader left out: deciding one shows the page's markup, reason `error`.
  let left: Record<string, ConfigProblem> = {};
  let given: BanditStats | undefined;
  let pulledBody: unknown;
  let pulled: BanditStats | undefined;
  let decided = new Map<string, Decision>();
  let viewed = new Set<string>();
  let attributes: VisitorAttributes | undefined;
  let attributesKey = '';
  const reported = new Set<string>();

  const report = (code: string) => (message: string, path: string) => {
    if (reported.has(path + message)) return;
    reported.add(path + message);
    fail(code, path, message);
  };
  const unknownOperator = report('unknown-operator');
  const reportProblems = (problems: ConfigProblem[]) => {
    for (const p of problems) report(p.severity == 'error' ? 'config-invalid' : 'config-warning')(p.message, 'config' + p.path.slice(1));
  };

  // The backend's counts: given with setStats(), else pulled, else the config's own.
  const stats = () => {
    if (given) return given;
    const body = recorder.pulled('stats');
    if (body !== undefined && body !== pulledBody) {
      pulledBody = body;
      pulled = toBanditStats(body);
      // Counts made here before this pull are, or soon will be, in it.
      const at = recorder.pulledAt('stats') ?? 0;
      if (at > recorder.memory().localSince)
        recorder.updateMemory((memory) => {
          memory.local = {};
          memory.localSince = at;
        });
    }
    return pulled || config.stats;
  };

  // Rebuilt only when the profile learned something, the page changed, or the config did.
  const currentAttributes = () => {
    const state = recorder.state();
    const key = state.events + ' ' + location.href;
    if (!attributes || key !== attributesKey) {
      attributes = visitorAttributes(profileView(state, Date.now(), profileOptions), readContext(), config.segments, unknownOperator);
      attributesKey = key;
      const before = recorder.memory().segments;
      const now = attributes.segments;
      if (before.join() !== now.join()) {
        recorder.updateMemory((memory) => (memory.segments = now.slice()));
        for (const id of now) if (!before.includes(id)) track('Segment Entered', { segment: id });
        for (const id of before) if (!now.includes(id)) track('Segment Exited', { segment: id });
      }
    }
    return attributes;
  };

  const decide = (id: string): Decision => {
    const known = decided.get(id);
    if (known) return known;
    const placement = byId[id];
    if (!placement) {
      const problem = left[id];
      if (!problem) report('unknown-placement')(`No placement "${id}" in the config`, 'decide');
      return { variant: null, reason: 'error', group: 'treatment', segment: null, store: false, explain: { error: problem ? { message: problem.message, path: problem.path } : { message: 'unknown placement', path: 'decide' } } };
    }
    const memory = recorder.memory();
    const state = recorder.state();
    const unitId = state.userId || state.anonymousId;
    // A holdout bucket is drawn once per visitor and version, and kept.
    const bucket = (key: string, version: number) => {
      const kept = memory.holdouts?.[key];
      if (kept && kept.version === version) return kept.bucket;
      const drawn = hashBucket(key + ':holdout:' + version, unitId);
      recorder.updateMemory((memory) => ((memory.holdouts ||= {})[key] = { version, bucket: drawn }));
      return drawn;
    };
    const decision = decidePlacement(placement, {
      attributes: currentAttributes(),
      unitId,
      siteHoldout: config.holdout > 0 && bucket('$site', config.holdoutVersion) < config.holdout,
      holdoutBucket: placement.holdout > 0 ? bucket(id, placement.version) : undefined,
      segments: attributes!.segments,
      stats: stats(),
      localStats: memory.local,
      sticky: memory.assignments[id],
      onUnknown: unknownOperator,
    });
    if (decision.store && decision.variant != null) {
      const assignment = { variant: decision.variant, version: placement.version };
      recorder.updateMemory((memory) => (memory.assignments[id] = assignment));
    }
    decided.set(id, decision);
    return decision;
  };

  return {
    decide,

    /** Records "Variant Viewed" for the placement's decision in this view, once. */
    viewed(id: string) {
      if (viewed.has(id) || !byId[id]) return;
      const d = decide(id);
      if (d.variant == null) return;
      viewed.add(id);
      const { goal: goals, value, attributionDays: days } = byId[id];
      const variant = d.variant;
      recorder.updateMemory((memory) => {
        memory.exposures[id] = { variant, reason: d.reason, segment: d.segment, group: d.group, at: Date.now(), goals, value, days };
        // The bandit learns from treatment only: the holdout is a control, not an arm.
        if (d.group == 'treatment') addCounts(memory.local, id, d.segment, variant, { impressions: 1 });
      });
      const properties: Record<string, unknown> = { placement: id, variant: d.variant, reason: d.reason, segment: d.segment, group: d.group };
      if (d.explain.holdout && 'site' in d.explain.holdout) properties.holdout = 'site';
      track('Variant Viewed', properties);
    },

    /**
     * Credits a recorded `track` event to the exposures whose goal it is, on any
     * page: exposures carry their goals, so this page needs no config.
     */
    observe(event: AttuneEvent) {
      if (event.type !== 'track') return;
      const conversions = attributeGoal(recorder.memory().exposures, event.event!, event.properties ?? {}, Date.parse(event.timestamp), (id) => byId[id]);
      if (!conversions.length) return;
      recorder.updateMemory((memory) => {
        for (const { first, ...c } of conversions) if (first && c.group == 'treatment') addCounts(memory.local, c.placement, c.segment, c.variant, { conversions: 1 });
      });
      for (const { first, ...conversion } of conversions) track('Variant Converted', conversion);
    },

    /** A new page view: every placement is decided afresh (sticky ones keep their variant). */
    newView() {
      decided = new Map();
      viewed = new Set();
    },

    /** Reads and uses `raw` (src/decide/config-reader.ts); returns the problems it found, each also reported once. */
    setConfig(raw: unknown): ConfigProblem[] {
      const { config: valid, problems, left: out } = readConfig(raw);
      reportProblems(problems);
      left = out;
      config = valid;
      byId = Object.create(null);
      for (const p of valid.placements) byId[p.id] = p;
      attributes = undefined;
      decided = new Map();
      return problems;
    },

    /** Uses these statistics (either shape) instead of pulled ones; `null` goes back to pulling. */
    setStats(next: unknown) {
      given = next == null ? undefined : toBanditStats(next);
      decided = new Map();
    },

    placements: () => config.placements,
    /** Reports problems of the config (the full validator's, under `debug`), each once. */
    reportProblems,
  };
}

/** The decisions created by {@link createDecisions}. */
export type Decisions = ReturnType<typeof createDecisions>;
