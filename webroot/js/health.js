// Number health: the state badge, a number's health in its detail (state, why, outcomes against its pool, trend,
// spam flags), the admin's actions on it (flag, unflag, make healthy) and the CSV import of spam flags.

import { $, el, fill, time, duration, orDash } from './dom.js';
import { sendJson, sendCsv } from './api.js';

/** The states of the rest ladder, in the API's words. */
export const STATES = ['healthy', 'resting', 'probation', 'retired', 'flagged'];

let notify = () => {};
let changed = async () => {};
/** The number whose health the detail shows. */
let shown = null;

/**
 * Wires the detail's health actions and the flag import; {@code onChange(cid)} redraws what an action changed (the
 * list, and the detail when {@code cid} is the number it shows; null after an import).
 */
export function initHealth(notice, onChange) {
  notify = notice;
  changed = onChange;
  $('make-healthy').addEventListener('click', (e) => makeHealthy(e.target));
  $('unflag').addEventListener('click', (e) => unflag(e.target));
  $('flag-form').addEventListener('submit', flag);
  $('flag-import-form').addEventListener('submit', importFlags);
}

/** A number's state as a badge; resting, retired and flagged (out of rotation) stand out. */
export function healthBadge(state) {
  return el('span', { class: `badge health-${state}` }, orDash(state));
}

/** A rate (0.125) as "12.5 %". */
export function percent(rate) {
  return rate === null || rate === undefined ? '-' : `${Number((rate * 100).toFixed(1))} %`;
}

function talk(seconds) {
  if (seconds === null || seconds === undefined) return '-';
  return seconds < 60 ? `${seconds} s` : duration(seconds);
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Why the number is where it is: the evidence of its last move, as a sentence. */
export function reasonText(reason) {
  if (!reason) return 'No move on the rest ladder yet.';
  const r = reason;
  if (r.calls_24h !== undefined) {
    let text = `Answered ${r.answered_24h} of ${r.calls_24h} calls in 24 hours (${percent(r.answer_rate_24h)}): even`
      + ` the upper end of its 95% interval, ${percent(r.upper_bound)}, is below ${r.ratio} × its pool's 7-day`
      + ` answer rate of ${percent(r.pool_answer_rate_7d)} (${percent(r.ratio * r.pool_answer_rate_7d)}); at least`
      + ` ${r.min_calls} calls are needed to judge.`;
    if (r.rests_in_window !== undefined) {
      text += ` Rested ${plural(r.rests_in_window, 'time')} within ${r.retire_days} days; ${r.retire_after} retire it.`;
    }
    return text;
  }
  switch (r.rule) {
    case 'flagged':
      return `Flagged as spam by ${r.source}${r.label ? ` (“${r.label}”)` : ''}, reported on ${r.flagged_on}:`
        + ` out of rotation for up to ${plural(r.flag_rest_days, 'day')} unless unflagged.`;
    case 'rest over': return 'Its rest was over.';
    case "flag's rest over": return "Its spam flag's rest was over (the flag ended).";
    case 'probation over': return 'Its probation was over.';
    case 'unflagged': return `Unflagged by ${orDash(r.by)}.`;
    case 'an admin made it healthy': return 'An admin made it healthy.';
    default: {
      // A rule this page does not know yet: its name and evidence, as words.
      const evidence = Object.entries(r).filter(([k]) => k !== 'rule')
        .map(([k, v]) => `${k.replaceAll('_', ' ')} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
      return [orDash(r.rule), ...evidence].join('; ');
    }
  }
}

/** Fills the detail's health section for the number {@code cid} and shows the actions that apply. */
export function showHealth(cid, health) {
  shown = cid;
  const section = $('detail-health');
  section.hidden = !health;
  if (!health) return;
  const until = health.state === 'retired' ? 'until an admin makes it healthy'
    : health.state === 'healthy' ? '-' : time(health.until);
  fill($('detail-health-facts'), [
    ['State', healthBadge(health.state)], ['Since', time(health.since)], ['Until', until],
    ['Why', reasonText(health.reason)],
  ].flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  fill($('detail-outcomes'), [['Last 24 h', health.last_24h], ['Last 7 days', health.last_7d],
    ["Pool's last 7 days", health.pool_7d]].map(([window, o]) => el('tr', {}, el('th', { scope: 'row' }, window),
    outcomeCells(o))));
  const trend = health.trend || [];
  fill($('detail-trend'), trend.map((d) => el('tr', { 'data-day': d.day }, el('th', { scope: 'row' }, d.day),
    outcomeCells(d).slice(0, 5))));
  $('detail-trend-empty').hidden = trend.length > 0;
  const flags = health.flags || [];
  fill($('detail-flags'), flags.map(flagRow));
  $('detail-flags-empty').hidden = flags.length > 0;
  $('make-healthy').hidden = health.state === 'healthy';
  $('unflag').hidden = !flags.some((f) => f.open);
}

/** Calls, answered, answer rate (with a bar), short calls, mean talk time, outcome unknown. */
function outcomeCells(o) {
  const rate = o.answer_rate === null || o.answer_rate === undefined ? '-'
    : [el('meter', { min: 0, max: 1, value: o.answer_rate, 'aria-hidden': 'true' }),
      el('span', {}, percent(o.answer_rate))];
  const unknown = o.unknown + o.expired;
  return [String(o.calls), String(o.answered), rate, String(o.short_calls), talk(o.mean_talk_seconds),
    o.expired > 0 ? `${unknown} (${o.expired} expired)` : String(unknown)].map((c) => el('td', {}, c));
}

function flagRow(f) {
  const status = f.open ? 'open' : `${orDash(f.end_reason)}${f.ended_by ? ` by ${f.ended_by}` : ''}`;
  return el('tr', { 'data-flag': f.id, class: f.open ? 'open-flag' : null },
    [f.flagged_on, f.source, orDash(f.label), orDash(f.note), time(f.created_at), orDash(f.created_by), status,
      time(f.ended_at)].map((c) => el('td', {}, c)));
}

function path(cid) {
  return `/api/caller-ids/${encodeURIComponent(cid)}`;
}

async function act(button, what) {
  const cid = shown;
  if (!cid) return;
  button.disabled = true;
  try {
    notify(await what(cid));
    await changed(cid);
  } catch (e) {
    notify(`${cid} could not be changed: ${e.message}`, true);
  } finally {
    button.disabled = false;
  }
}

function makeHealthy(button) {
  return act(button, async (cid) => {
    await sendJson('PATCH', path(cid), { health_state: 'healthy' });
    return `${cid} made healthy.`;
  });
}

function unflag(button) {
  return act(button, async (cid) => {
    const answer = await sendJson('DELETE', `${path(cid)}/flags`);
    return `${cid} unflagged; it is ${answer.health_state} now.`;
  });
}

async function flag(e) {
  e.preventDefault();
  const cid = shown;
  if (!cid) return;
  const body = { source: $('flag-source').value.trim() };
  for (const [field, id] of [['label', 'flag-label'], ['flagged_on', 'flag-date'], ['note', 'flag-note']]) {
    const value = $(id).value.trim();
    if (value !== '') body[field] = value;
  }
  const submit = $('flag-submit');
  submit.disabled = true;
  try {
    const answer = await sendJson('POST', `${path(cid)}/flags`, body);
    notify(answer.health_state === 'flagged'
      ? `${cid} flagged as spam: out of rotation until ${time(answer.health_until)}.`
      : `${cid} flag recorded; it stays ${answer.health_state}.`);
    e.target.reset();
    await changed(cid);
  } catch (err) {
    notify(`${cid} not flagged: ${err.message}`, true);
  } finally {
    submit.disabled = false;
  }
}

async function importFlags(e) {
  e.preventDefault();
  const file = $('flag-import-file').files[0];
  const result = $('flag-import-result');
  if (!file) {
    fill(result, el('p', { class: 'error' }, 'Choose a CSV file first.'));
    return;
  }
  const submit = $('flag-import-submit');
  submit.disabled = true;
  fill(result, el('p', {}, `Uploading ${file.name}…`));
  try {
    const r = await sendCsv('/api/flags/import', file);
    fill(result, el('p', { id: 'flag-import-summary' }, `Recorded ${plural(r.flags, 'flag')} on`
      + ` ${plural(r.numbers, 'number')}: ${r.flagged} flagged now (out of rotation),`
      + ` ${r.kept_retired} kept retired.`));
    await changed(null);
  } catch (err) {
    fill(result, el('p', { class: 'error', id: 'flag-import-error' }, `Flags not imported: ${err.message}`));
  } finally {
    submit.disabled = false;
  }
}
