// The overview: live tiles and feed from /api/live, charts from /api/charts/*.

import { $, el, fill, shortTime, orDash } from './dom.js';
import { getJson } from './api.js';
import { allocationsChart, areaCodeChart, usageChart } from './charts.js';

const FEED_ROWS = 200;

export function showStats(s) {
  const n = s.numbers || {};
  $('stat-total').textContent = orDash(n.total);
  $('stat-active').textContent = orDash(n.active);
  $('stat-reserved').textContent = orDash(n.reserved);
  $('stat-apm').textContent = orDash(s.allocations_per_minute);
  const o = s.outcomes_last_minute || {};
  $('stat-outcomes').textContent = `${o.ok ?? 0} / ${o.unavailable ?? 0} / ${o.rate_limited ?? 0}`;
  $('stat-latency').textContent = `${orDash(s.p50_ms)} / ${orDash(s.p99_ms)} ms`;
  health($('stat-db'), s.health && s.health.database);
  health($('stat-redis'), s.health && s.health.redis);
}

function health(node, value) {
  const text = typeof value === 'object' && value !== null ? (value.status || JSON.stringify(value)) : orDash(value);
  node.textContent = text;
  node.classList.toggle('bad', !/^(up|ok|healthy|connected)$/i.test(text));
}

function addFeedRow(cells, kind) {
  const body = $('feed');
  body.prepend(el('tr', { class: kind }, cells.map((c) => el('td', {}, c))));
  while (body.rows.length > FEED_ROWS) body.deleteRow(body.rows.length - 1);
  $('feed-empty').hidden = true;
}

/** The latest allocation per number, so a release row can say which call it ended. */
const lastAllocation = new Map();

export function showAllocation(a) {
  lastAllocation.set(a.caller_id, a);
  if (lastAllocation.size > FEED_ROWS) lastAllocation.delete(lastAllocation.keys().next().value);
  addFeedRow([shortTime(a.at), 'allocated', a.caller_id, orDash(a.area_code), orDash(a.campaign),
    orDash(a.tier), '-'], 'allocation');
}

export function showRelease(r) {
  const a = lastAllocation.get(r.caller_id) || {};
  const hold = r.hold_seconds === null || r.hold_seconds === undefined ? '-' : `${Number(r.hold_seconds).toFixed(1)} s`;
  addFeedRow([shortTime(r.at), r.outcome && r.outcome !== 'released' ? `released (${r.outcome})` : 'released',
    r.caller_id, orDash(a.area_code), orDash(a.campaign), orDash(a.tier), hold], 'release');
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
    chart($('chart-usage'), '/api/charts/usage-today?limit=50', usageChart),
  ]);
}

/** Without a stream, the tiles still show the counts /api/stats knows. */
export async function loadStatsFallback() {
  try {
    const s = await getJson('/api/stats');
    $('stat-total').textContent = orDash(s.total_caller_ids);
    $('stat-active').textContent = orDash(s.active_caller_ids);
    $('stat-reserved').textContent = orDash(s.active_reservations);
  } catch {
    // the tiles keep their dashes; the stream status says what is wrong
  }
}
