/**
 * The dashboard's script: reads what to show from the filter form (which the server
 * filled from the URL), fetches `/v1/report` same-origin with the session cookie, and
 * draws it. Changing a filter submits the form, so the URL always says what is shown.
 */
import type { Report } from '../../report-types';
import { createFormats } from '../format';
import { el } from './dom';
import { renderReport } from './render';

const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T | null;

function say(status: HTMLElement, ...parts: (string | Node)[]): void {
  status.replaceChildren(...parts);
}

async function load(): Promise<void> {
  const status = $('#status');
  const root = $('#report');
  const form = $<HTMLFormElement>('form.filters');
  if (!status || !root || !form) return;
  const fields = new FormData(form);
  const params = new URLSearchParams();
  for (const name of ['site', 'from', 'to', 'segment']) {
    const value = String(fields.get(name) ?? '');
    if (value) params.set(name, value);
  }
  let response: Response;
  try {
    response = await fetch(`/v1/report?${params}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  } catch {
    say(status, 'The collector did not answer. Check that it is running, then reload the page.');
    return;
  }
  const body = (await response.json().catch(() => null)) as (Report & { error?: string; errors?: { message: string }[] }) | null;
  if (response.status === 401) {
    say(status, 'You are signed out. ', el('a', { href: `/dashboard?${new URLSearchParams({ site: params.get('site') ?? '' })}` }, 'Sign in again'), '.');
    return;
  }
  if (!response.ok || !body) {
    const why = body?.errors?.map((e) => e.message).join('; ') ?? body?.error ?? `error ${response.status}`;
    say(status, `The report could not be shown: ${why}.`);
    return;
  }
  const select = form.querySelector<HTMLSelectElement>('select[name=segment]');
  if (select) {
    const chosen = body.segment ?? '';
    // new Option() sets the text as text: segment ids come from the data.
    select.replaceChildren(new Option('Everyone', '', false, chosen === ''), ...body.segments.map((s) => new Option(s, s, false, s === chosen)));
  }
  const f = createFormats(navigator.language, body.currency);
  renderReport(root, body, f);
  const who = body.segment ? ` for segment ${body.segment}` : '';
  say(status, `Figures from ${body.from} to ${body.to} (UTC days)${who}. Every interval is a 95 % one.`);
}

void load();
