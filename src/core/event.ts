import { attuneError, type AttuneError } from './errors';
import { newId } from './id';
import type { AttuneEvent, EventContext, EventType, JsonObject } from './types';
import { cleanObject, utf8Length } from './clean';
import { toJson } from './json';
import { idProblem, MAX_EVENT_BYTES } from './limits';

export { MAX_EVENT_BYTES } from './limits';

/** What a caller gives to build an event; ids, time and context are added. */
export interface EventInput {
  type: EventType;
  event?: string;
  name?: string;
  properties?: unknown;
  traits?: unknown;
  previousId?: string;
  groupId?: string;
}

/** The outcome of {@link buildEvent}: the event if it may be recorded, and any problems found. */
export interface BuiltEvent {
  event?: AttuneEvent;
  errors: AttuneError[];
}

/**
 * Builds an event at birth: a fresh `messageId`, the time, the context, and
 * properties cleaned into plain JSON. Values that cannot be serialised are
 * dropped and reported. An event the collector would refuse is refused here, with
 * the reason, so it never enters the outbox: one over {@link MAX_EVENT_BYTES}, or
 * whose name or `userId` is over the shared limit.
 */
export function buildEvent(
  input: EventInput,
  ids: { anonymousId: string; userId?: string },
  context: EventContext,
  now: number,
): BuiltEvent {
  const where = input.type === 'track' ? `track("${String(input.event).slice(0, 40)}")` : input.type;
  const issues: string[] = [];
  const errors: AttuneError[] = [];
  const refuse = (code: string, message: string): BuiltEvent => (errors.push(attuneError(code, where, message)), { errors });
  const badName = input.type === 'track' && idProblem(input.event, 'an event name');
  if (badName) return refuse('invalid-argument', `Not recorded: ${badName}`);
  const badUser = !!ids.userId && idProblem(ids.userId, 'userId');
  if (badUser) return refuse('invalid-argument', `Not recorded: ${badUser}`);
  const event: AttuneEvent = {
    type: input.type,
    anonymousId: ids.anonymousId,
    messageId: newId(),
    timestamp: new Date(now).toISOString(),
    context,
  };
  if (ids.userId) event.userId = ids.userId;
  if (input.event !== undefined) event.event = input.event;
  if (input.name !== undefined) event.name = input.name;
  // Segment's shapes: identify and group carry traits, alias only its two ids.
  if (input.previousId) event.previousId = input.previousId;
  if (input.groupId) event.groupId = input.groupId;
  if (input.type == 'identify' || input.type == 'group') event.traits = cleanObject(input.traits, 'traits', issues);
  else if (input.type != 'alias') event.properties = cleanObject(input.properties, 'properties', issues) as JsonObject;
  if (issues.length) {
    errors.push(attuneError('unserialisable', where, `Not recorded: ${issues.join(', ')}`));
  }
  const json = toJson(event);
  // Only strings that could be over the limit are measured byte by byte.
  const bytes = json.length * 3 > MAX_EVENT_BYTES ? utf8Length(json) : json.length;
  if (bytes > MAX_EVENT_BYTES) return refuse('too-large', `Event of ${bytes} bytes is over the ${MAX_EVENT_BYTES}-byte limit; dropped`);
  return { event, errors };
}
