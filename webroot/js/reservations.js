// Reservations: the live list, one-click release, release of every reservation of a campaign.

import { $, el, fill, time, duration, orDash } from './dom.js';
import { getJson, sendJson, query, isAdmin } from './api.js';

let notify = () => {};

export function initReservations(notice) {
  notify = notice;
  $('reservations-filter').addEventListener('submit', (e) => { e.preventDefault(); loadReservations(); });
  $('reservations-refresh').addEventListener('click', loadReservations);
  $('release-campaign').addEventListener('submit', releaseCampaign);
}

export async function loadReservations() {
  try {
    const answer = await getJson(`/api/reservations${query({
      pool: $('r-pool').value.trim(), campaign: $('r-campaign').value.trim(), page: 1, size: 200 })}`);
    fill($('reservations-body'), answer.items.map(row));
    $('reservations-empty').hidden = answer.items.length > 0;
    $('reservations-total').textContent = answer.total > answer.items.length
      ? `Showing ${answer.items.length} of ${answer.total} reservations, soonest expiry first.`
      : `${answer.total} live reservation${answer.total === 1 ? '' : 's'}.`;
  } catch (e) {
    notify(`Reservations could not be loaded: ${e.message}`, true);
  }
}

function row(r) {
  const actions = el('td', { class: 'actions' });
  if (isAdmin()) {
    actions.append(el('button', { type: 'button', class: 'danger release', 'data-cid': r.caller_id,
      'aria-label': `Release ${r.caller_id}`, onclick: (e) => release(r.caller_id, e.target) }, 'Release'));
  }
  const reserved = Date.parse(r.reserved_at);
  const expires = Date.parse(r.expires_at);
  const held = (Date.now() - reserved) / 1000;
  // Past half its TTL: a long call, or a hangup whose release never came.
  const long = held > (expires - reserved) / 2000;
  return el('tr', { 'data-cid': r.caller_id, class: long ? 'long' : null },
    [r.caller_id, orDash(r.pool), orDash(r.campaign), orDash(r.agent), orDash(r.destination), orDash(r.tier),
      time(r.reserved_at)].map((c) => el('td', {}, c)),
    el('td', { class: 'age' }, Number.isNaN(held) ? '-' : duration(held)), el('td', {}, time(r.expires_at)), actions);
}

async function release(cid, button) {
  button.disabled = true;
  try {
    const answer = await sendJson('DELETE', `/api/reservation/${encodeURIComponent(cid)}`);
    notify(answer.message || `${cid} released.`);
  } catch (e) {
    notify(`${cid} could not be released: ${e.message}`, true);
  }
  await loadReservations();
}

async function releaseCampaign(e) {
  e.preventDefault();
  const campaign = $('release-campaign-name').value.trim();
  if (!campaign) return;
  if (!window.confirm(`Release every live reservation of campaign ${campaign}?`)) return;
  try {
    const answer = await sendJson('DELETE', `/api/reservations${query({ campaign })}`);
    notify(`${answer.released} reservation${answer.released === 1 ? '' : 's'} of ${campaign} released.`);
  } catch (err) {
    notify(`Reservations of ${campaign} not released: ${err.message}`, true);
  }
  await loadReservations();
}
