// The overview: live tiles and feed from /api/live, charts and the load by campaign from /api/charts/*.

import { $, el, fill, shortTime, clock, ms, orDash } from './dom.js';
import { getJson } from './api.js';
import { allocationsChart, areaCodeChart, usageChart } from './charts.js';

const FEED_ROWS = 200;
/** The usage chart's numbers until "Show all" (the API's maximum) is pressed. */
const USAGE_TOP = 15;
const USAGE_ALL = 500;
let usageAll = false;

export function showStats(s) {
  const n = s.numbers || {};
  $('stat-total').textContent = orDash(n.total);
  $('stat-active').textContent = orDash(n.active);
  $('stat-reserved').textContent = orDash(n.reserved);
  showNumberHealth(n.health);
  $('stat-apm').textContent = orDash(s.allocations_per_minute);
  const o = s.outcomes_last_minute || {};
  $('stat-outcomes').textContent = `${o.ok ?? 0} / ${o.unavailable ?? 0} / ${o.rate_limited ?? 0}`;
  $('stat-latency').textContent = `${ms(s.p50_ms)} / ${ms(s.p99_ms)} ms`;
  if (s.minute) {
    const end = new Date(Date.parse(s.minute) + 60_000).toISOString();
    for (const node of document.querySelectorAll('.tile .minute')) node.textContent = `${clock(s.minute)}–${clock(end)}`;
  }
  health($('stat-db'), s.health && s.health.database);
  health($('stat-redis'), s.health && s.health.redis);
}

/**
 * The rest ladder's counts ({healthy, resting, probation, retired, flagged, rested_today, flagged_today}): the
 * numbers out of rotation for their health are the resting, retired and flagged ones.
 */
function showNumberHealth(h) {
  const known = h !== null && h !== undefined;
  $('stat-out').textContent = known ? String(h.resting + h.retired + h.flagged) : '-';
  $('stat-out-parts').textContent = known ? `${h.resting} resting · ${h.retired} retired · ${h.flagged} flagged` : '';
  $('stat-probation').textContent = orDash(known ? h.probation : null);
  $('stat-rested').textContent = orDash(known ? h.rested_today : null);
  $('stat-flagged').textContent = orDash(known ? h.flagged_today : null);
}

function health(node, value) {
  const text = typeof value === 'object' && value !== null ? (value.status || JSON.stringify(value)) : orDash(value);
  node.textContent = text;
  node.classList.toggle('bad', !/^(up|ok|healthy|connected)$/i.test(text));
}

/**
 * Rows stay ordered by time, newest first, a release above the allocation of the same instant: each allocator
 * publishes its own batches, so a release can arrive before the allocation it ends.
 */
function addFeedRow(at, cells, kind, callerId) {
  const body = $('feed');
  const time = Date.parse(at) || Date.now();
  const row = el('tr', { class: kind, 'data-at': time, 'data-cid': callerId }, cells.map((c) => el('td', {}, c)));
  const before = Array.from(body.rows).find((r) => {
    const other = Number(r.dataset.at);
    return other < time || (other === time && kind === 'release' && r.classList.contains('allocation'));
  });
  body.insertBefore(row, before || null);
  while (body.rows.length > FEED_ROWS) body.deleteRow(body.rows.length - 1);
  $('feed-empty').hidden = true;
  return row;
}

/** Draws the feed's times again (in the zone the page now shows times in). */
export function redrawFeedTimes() {
  for (const row of $('feed').rows) {
    row.cells[0].textContent = shortTime(new Date(Number(row.dataset.at)).toISOString());
  }
}

/** The latest allocation per number, so a release row can say which call it ended. */
const lastAllocation = new Map();

/** Whether allocation {@code a} started the call a release at {@code releasedAt} after {@code hold} s ended. */
function startedCall(a, releasedAt, hold) {
  const allocatedAt = Date.parse(a.at) || 0;
  if (hold === null || hold === undefined || Number.isNaN(hold)) return allocatedAt <= releasedAt;
  return Math.abs(releasedAt - hold * 1000 - allocatedAt) < 1000;
}

export function showAllocation(a) {
  lastAllocation.set(a.caller_id, a);
  if (lastAllocation.size > FEED_ROWS) lastAllocation.delete(lastAllocation.keys().next().value);
  const details = [orDash(a.area_code), orDash(a.campaign), orDash(a.tier)];
  addFeedRow(a.at, [shortTime(a.at), 'allocated', a.caller_id, ...details, '-'], 'allocation', a.caller_id);
  // A release that arrived first is completed with what this allocation knows.
  for (const r of $('feed').querySelectorAll('tr.release.pending')) {
    const hold = r.dataset.hold === '' ? null : Number(r.dataset.hold);
    if (r.dataset.cid === a.caller_id && startedCall(a, Number(r.dataset.at), hold)) {
      details.forEach((text, i) => { r.cells[3 + i].textContent = text; });
      r.classList.remove('pending');
    }
  }
}

export function showRelease(r) {
  const last = lastAllocation.get(r.caller_id);
  const a = last && startedCall(last, Date.parse(r.at) || Date.now(), r.hold_seconds) ? last : null;
  const hold = r.hold_seconds === null || r.hold_seconds === undefined ? '-' : `${Number(r.hold_seconds).toFixed(1)} s`;
  const row = addFeedRow(r.at, [shortTime(r.at), r.outcome && r.outcome !== 'released' ? `released (${r.outcome})` : 'released',
    r.caller_id, orDash(a && a.area_code), orDash(a && a.campaign), orDash(a && a.tier), hold], 'release', r.caller_id);
  row.dataset.hold = r.hold_seconds ?? '';
  if (!a) row.classList.add('pending');
}

async function chart(container, path, draw) {
  try {
    draw(container, await getJson(path));
  } catch (e) {
    fill(container, el('p', { class: 'error' }, `Chart unavailable: ${e.message}`));
  }
}

/** Reloads the three charts (they change slowly: the app calls this every minute while the view is open). */
export function loadCharts() {
  return Promise.all([
    chart($('chart-allocations'), '/api/charts/allocations?hours=24', allocationsChart),
    chart($('chart-area-codes'), '/api/charts/area-codes?hours=24', areaCodeChart),
    loadUsage(),
    loadCampaignLoad(),
  ]);
}

function loadUsage() {
  $('usage-scope').textContent = usageAll ? `Every number used today (at most ${USAGE_ALL}).`
    : `The ${USAGE_TOP} most used numbers today.`;
  $('usage-all').textContent = usageAll ? `Top ${USAGE_TOP} only` : 'Show all';
  $('usage-all').setAttribute('aria-pressed', String(usageAll));
  return chart($('chart-usage'), `/api/charts/usage-today?limit=${usageAll ? USAGE_ALL : USAGE_TOP}`, usageChart);
}

export function initOverview() {
  $('usage-all').addEventListener('click', () => { usageAll = !usageAll; loadUsage(); });
}

/** Each campaign's live calls and last minute (the app calls this every 5 s while the view is open). */
export async function loadCampaignLoad() {
  try {
    const load = await getJson('/api/charts/campaigns');
    fill($('campaign-load'), load.items.map((c) => el('tr', { 'data-campaign': c.campaign ?? '' },
      el('td', {}, c.campaign ?? '(none)'), el('td', {}, orDash(c.live_calls)),
      el('td', {}, String(c.allocations_last_minute)), el('td', {}, String(c.not_local_last_minute)))));
    $('campaign-load-empty').hidden = load.items.length > 0;
  } catch (e) {
    fill($('campaign-load'), el('tr', {}, el('td', { colspan: 4, class: 'error' }, `Unavailable: ${e.message}`)));
    $('campaign-load-empty').hidden = true;
  }
}

/** Without a stream, the tiles still show the counts /api/stats knows; answers the stats (null on failure). */
export async function loadStatsFallback() {
  try {
    const s = await getJson('/api/stats');
    $('stat-total').textContent = orDash(s.total_caller_ids);
    $('stat-active').textContent = orDash(s.active_caller_ids);
    $('stat-reserved').textContent = orDash(s.active_reservations);
    showNumberHealth(s.number_health);
    return s;
  } catch {
    // the tiles keep their dashes; the stream status says what is wrong
    return null;
  }
}
