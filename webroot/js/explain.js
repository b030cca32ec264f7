// Explain: which number /next-cid would hand out now for a destination, tier by tier, and why (GET /api/explain).
// A dry run: the server reserves and counts nothing. The question asked is kept in the hash
// (#explain?to=...&campaign=...), so an explanation can be linked.

import { $, el, fill, orDash } from './dom.js';
import { getJson, query } from './api.js';
import { STRATEGIES } from './pools.js';

let notify = () => {};

export function initExplain(notice) {
  notify = notice;
  $('explain-form').addEventListener('submit', (e) => { e.preventDefault(); explainForm(); });
  // The overview's card opens this view with its question; the hash change shows the view and explains.
  $('overview-explain-form').addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `explain${query(fields('overview-explain'))}`;
  });
}

/** The destination and campaign of the form whose fields' ids start with {@code prefix}. */
function fields(prefix) {
  return { to: $(`${prefix}-to`).value.trim(), campaign: $(`${prefix}-campaign`).value.trim() };
}

/** Opening the view: explains what the hash asks, if it asks anything; else keeps the last answer on screen. */
export function loadExplain() {
  const asked = new URLSearchParams(location.hash.split('?')[1] || '');
  if (!asked.has('to')) return Promise.resolve();
  $('explain-to').value = asked.get('to');
  $('explain-campaign').value = asked.get('campaign') || '';
  return explain(fields('explain'));
}

/** The hash follows the question without a hash change (which would explain it a second time). */
function explainForm() {
  const params = fields('explain');
  history.replaceState(null, '', `#explain${query(params)}`);
  explain(params);
}

async function explain(params) {
  try {
    show(await getJson(`/api/explain${query(params)}`));
  } catch (e) {
    $('explain-result').hidden = true;
    notify(`Explain failed: ${e.message}`, true);
  }
}

function show(x) {
  const chosen = x.choice ? x.choice.tier : null;
  $('explain-summary').textContent = summary(x);
  fill($('explain-steps'), x.steps.map((s) => el('tr', { 'data-tier': s.tier, class: s.tier === chosen ? 'chosen' : null },
    [s.tier, orDash(s.key), s.available, s.reserved, s.capped, s.inactive, orDash(s.first)]
      .map((text) => el('td', {}, String(text))))));
  $('explain-counted').textContent = `Reserved, capped and inactive are counted up to ${x.counted_up_to} numbers each.`;
  const decision = $('explain-decision');
  decision.classList.toggle('warning', !x.choice);
  if (x.choice) {
    decision.textContent = `Would hand out ${x.choice.caller_id} (tier ${x.choice.tier})`;
    $('explain-why').textContent = `Why: ${x.choice.why}.`;
  } else {
    const r = x.refusal;
    decision.textContent = `Would refuse: ${r.reason} (/next-cid answers ${r.status})`;
    $('explain-why').textContent = `${r.detail}.`;
  }
  $('explain-result').hidden = false;
}

/** Pool and strategy, where the callee is and its local time, the calling window. */
function summary(x) {
  const strategy = STRATEGIES[x.strategy] ? `${STRATEGIES[x.strategy]} (${x.strategy})` : x.strategy;
  const parts = [`${x.destination}${x.campaign ? `, campaign ${x.campaign}` : ''}: pool ${x.pool}, strategy ${strategy}`];
  const place = x.locality;
  if (place) {
    const times = place.local_time.map((t) => `${t.time} ${t.zone}`).join(', ');
    const where = place.town ? `${place.town} (${orDash(place.region)})` : `${orDash(place.region_name)} (${orDash(place.region)})`;
    parts.push(`callee in ${where}, local time ${times || '-'}`);
  } else {
    parts.push('the numbering plan does not place the callee (no town, state or zone)');
  }
  const w = x.calling_window;
  if (!w) parts.push('no calling window');
  else if (w.inside === null) parts.push(`calling window ${w.window}: no local time to check it against`);
  else parts.push(`calling window ${w.window}: the callee is ${w.inside ? 'inside' : 'outside'} it`);
  return parts.join(' · ');
}
