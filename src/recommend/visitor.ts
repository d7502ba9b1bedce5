/**
 * What the models know of the visitor, as plain lists: the shape shared by the browser
 * (built from the profile by {@link visitorOf}) and the offline benchmark (built from a
 * CSV of interactions), so both rank with the very same code.
 */
import { profileView, DEFAULT_PROFILE_OPTIONS, type Profile, type ProfileOptions, type ProfileState } from '../profile/profile';

/** The visitor's signals. Every list is newest first. */
export interface Visitor {
  /** Products viewed. */
  viewed?: readonly string[];
  /** Products in the cart. */
  carted?: readonly string[];
  /** Products bought. */
  purchased?: readonly string[];
  /** Decayed category and tag affinities (the profile's `affinities`). */
  affinities?: { categories?: Record<string, number>; tags?: Record<string, number> };
  /** Tags of the quiz outcome(s) the visitor reached, e.g. `['vegan', 'trail']`. */
  outcomeTags?: readonly string[];
}

// Finished quizzes as the profile keeps them ("Quiz Completed"); read structurally, so
// this file does not depend on the quiz's part of the profile type.
type WithQuizzes = { quizzes?: Record<string, { tags?: unknown }> };

// The tags of every finished quiz's outcome, each once (for you treats them as a set).
function quizTags(state: WithQuizzes): string[] {
  const tags = Object.values(state.quizzes ?? {}).flatMap((q) => (Array.isArray(q.tags) ? q.tags.filter((t): t is string => typeof t == 'string') : []));
  return [...new Set(tags)];
}

/**
 * The {@link Visitor} of a profile at time `now`: recently viewed, the cart (the
 * latest added line first), purchases, decayed affinities, and the tags of the quiz
 * outcomes the profile holds (unless `outcomeTags` is given).
 *
 * @example forYou({ catalog, visitor: visitorOf(state, Date.now(), { outcomeTags: ['vegan'] }) })
 */
export function visitorOf(
  state: ProfileState,
  now: number,
  { outcomeTags, ...profile }: Partial<ProfileOptions> & { outcomeTags?: readonly string[] } = {},
): Visitor {
  return visitorOfProfile(profileView(state, now, { ...DEFAULT_PROFILE_OPTIONS, ...profile }), outcomeTags);
}

/**
 * The {@link Visitor} of a profile as `attune.profile()` returns it, so code that
 * already has the profile (the recommendation widget) need not carry the profile's code.
 *
 * @example forYou({ catalog, visitor: visitorOfProfile(attune.profile()) })
 */
export function visitorOfProfile(profile: Profile, outcomeTags?: readonly string[]): Visitor {
  return {
    viewed: profile.recentlyViewed,
    carted: profile.cart.items.map((item) => item.product_id).reverse(),
    purchased: profile.purchased,
    affinities: profile.affinities,
    outcomeTags: outcomeTags ?? quizTags(profile),
  };
}
