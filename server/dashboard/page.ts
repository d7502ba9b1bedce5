/**
 * The dashboard's HTML, rendered on the server: the sign-in form, the "off" page
 * and the signed-in shell that the script fills. Every value written into markup
 * goes through {@link escapeHtml}; the pages have no inline script or style, and
 * their filter form works as a plain GET form, so the URL always says what is shown.
 */
import { ADMIN_OFF_MESSAGE } from '../admin';

/** Text made safe for HTML text and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const layout = (title: string, body: string, script = false) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
${script ? '<link rel="stylesheet" href="/dashboard/uplot.css">\n' : ''}<link rel="stylesheet" href="/dashboard/app.css">
${script ? '<script type="module" src="/dashboard/app.js"></script>\n' : ''}</head>
<body>
${body}
</body>
</html>
`;

/** What the sign-in form says: nothing yet, a wrong token, a session the token no longer matches, a form it could not read, or too many wrong tokens. */
export type SignInProblem = 'none' | 'wrong' | 'expired' | 'unreadable' | 'throttled';

const PROBLEM_TEXT: Record<Exclude<SignInProblem, 'none'>, string> = {
  wrong: 'That token is not the one the collector was started with. Check it and try again.',
  expired: 'Your session has ended (the admin token changed). Sign in again.',
  unreadable: 'The form could not be read (too large, too slow, or not a form). Try again.',
  throttled: 'Too many wrong tokens came from this address. Wait a minute, then try again.',
};

/** The sign-in page: one labelled password field, posting to `/dashboard/login`. */
export function signInPage(site: string, problem: SignInProblem = 'none'): string {
  const error = problem === 'none' ? '' : `<p class="error" id="token-error" role="alert"><strong>Not signed in:</strong> ${escapeHtml(PROBLEM_TEXT[problem])}</p>\n`;
  return layout(
    'Sign in · Attune dashboard',
    `<main class="signin">
<h1>Attune dashboard</h1>
<p>Enter the admin token the collector was started with (<code>--admin-token</code> or <code>ATTUNE_ADMIN_TOKEN</code>). This browser then stays signed in until you sign out.</p>
${error}<form method="post" action="/dashboard/login">
<input type="hidden" name="site" value="${escapeHtml(site)}">
<label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required${problem === 'none' ? '' : ' aria-invalid="true" aria-describedby="token-error"'}>
<button type="submit">Sign in</button>
</form>
</main>`,
  );
}

/** The page shown while no admin token is configured: what to do about it. */
export function offPage(): string {
  const message = ADMIN_OFF_MESSAGE[0].toUpperCase() + ADMIN_OFF_MESSAGE.slice(1);
  return layout(
    'Dashboard off · Attune',
    `<main class="signin">
<h1>The dashboard is off</h1>
<p>${escapeHtml(message)}.</p>
<p>For example: <code>attune-collector --admin-token "$(openssl rand -hex 24)"</code>, then open this page again and sign in with that token. The token must be at least 16 characters long.</p>
</main>`,
  );
}

/** What the signed-in shell is showing, from the URL (already validated). */
export interface ShellQuery {
  site: string;
  from: string;
  to: string;
  segment: string | null;
}

/**
 * The signed-in page: a heading, the filter form (site, dates, segment), a status
 * line the script updates, and an empty region the script fills with the report.
 */
export function shellPage(q: ShellQuery): string {
  const segment = q.segment ? `<option value="${escapeHtml(q.segment)}" selected>${escapeHtml(q.segment)}</option>` : '';
  return layout(
    `${q.site} · Attune dashboard`,
    `<header class="top">
<p class="brand">Attune dashboard</p>
<form method="post" action="/dashboard/logout"><button type="submit" class="quiet">Sign out</button></form>
</header>
<main id="main">
<h1>Results for <span class="site">${escapeHtml(q.site)}</span></h1>
<form class="filters" method="get" action="/dashboard" aria-label="What to show">
<div><label for="f-site">Site</label><input id="f-site" name="site" value="${escapeHtml(q.site)}" required></div>
<div><label for="f-from">From</label><input id="f-from" name="from" type="date" value="${escapeHtml(q.from)}" required></div>
<div><label for="f-to">To</label><input id="f-to" name="to" type="date" value="${escapeHtml(q.to)}" required></div>
<div><label for="f-segment">Visitors</label><select id="f-segment" name="segment"><option value="">Everyone</option>${segment}</select></div>
<div><button type="submit">Show</button></div>
</form>
<p id="status" role="status">Loading the report…</p>
<div id="report"></div>
</main>`,
    true,
  );
}
