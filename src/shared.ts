/**
 * The code the script tag shares with what it loads (its second stage and the add-ons),
 * as `window.AttuneShared`, so that they use the tag's copy instead of carrying their own.
 * This module is the whole contract:
 * - {@link TAG_SHARED} is set by the tag (src/script-tag.ts) before anything loads;
 * - {@link STAGE2_SHARED} is added by the second stage (src/addons/stage2.ts), which is what
 *   loads the widget add-ons, so they find both.
 * rollup.config.mjs reads the import lines below: a module imported in the first group is
 * the tag's, a module in the second the second stage's, and a bundle loaded later takes
 * every name it imports from such a module from `window.AttuneShared` (test/shared.test.ts
 * checks each built file against these two objects).
 */
// The tag's modules:
import { evalCondition, isObject, KNOWN_OPERATORS, regexRisk, seg } from './decide/condition';
import { LOGIC, OPERATORS, TYPES } from './decide/operators';
import { hasOwn, put } from './core/own';
import { safeUrl } from './decide/url';
import { DEFAULT_PROFILE_OPTIONS, profileView } from './profile/profile';
import { newId } from './core/id';
import { toJson } from './core/json';
import { eventKey } from './store/event-log';
import { setTimeZone, timeZone } from './collect/context';
import { createLifecycle, RECORD, SEND } from './core/lifecycle';
// The second stage's modules:
import { checkCondition } from './decide/condition-check';
import { whenSeen } from './widgets/visible';

/** What the tag provides, before its second stage and any add-on load. */
export const TAG_SHARED = {
  evalCondition,
  isObject,
  KNOWN_OPERATORS,
  regexRisk,
  seg,
  LOGIC,
  OPERATORS,
  TYPES,
  hasOwn,
  put,
  safeUrl,
  profileView,
  DEFAULT_PROFILE_OPTIONS,
  newId,
  toJson,
  eventKey,
  setTimeZone,
  timeZone,
  createLifecycle,
  RECORD,
  SEND,
};

/** What the second stage adds, before it loads any widget add-on. */
export const STAGE2_SHARED = { checkCondition, whenSeen };

/** The global the tag and its second stage fill. */
export type Shared = typeof TAG_SHARED & Partial<typeof STAGE2_SHARED>;
