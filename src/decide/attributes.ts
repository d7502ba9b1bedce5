/**
 * What conditions read: the visitor's profile, plus `context` (the current page's
 * Segment context: campaign, locale, screen…), `page` (the current URL's parts and its
 * query parameters) and `segments` (ids of the segments the visitor is in now).
 */
import { evalCondition, type UnknownOperatorHandler } from './condition';
import type { ValidSegment } from './config-types';
import type { EventContext } from '../core/types';
import type { Profile } from '../profile/profile';

/** The attributes of one decision. */
export type VisitorAttributes = Profile & {
  context: EventContext;
  page: EventContext['page'] & { query: Record<string, string> };
  segments: string[];
};

/**
 * Builds the attributes and works out the segments. Segments are tested in the order
 * they are written; a segment's condition sees `segments` as the ones matched before
 * it, so a segment may build on earlier ones. Broken segments never match.
 *
 * @example visitorAttributes(attune.profile(), readContext(), config.segments).segments // ['eco-fans']
 */
export function visitorAttributes(profile: Profile, context: EventContext, segments: Record<string, ValidSegment>, onUnknown?: UnknownOperatorHandler): VisitorAttributes {
  const query: Record<string, string> = {};
  new URLSearchParams(context.page.search).forEach((value, key) => (query[key] = value));
  const attributes: VisitorAttributes = { ...profile, context, page: { ...context.page, query }, segments: [] };
  for (const id of Object.keys(segments)) {
    const segment = segments[id];
    if (!segment.broken && evalCondition(segment.when, attributes, onUnknown)) attributes.segments.push(id);
  }
  return attributes;
}
