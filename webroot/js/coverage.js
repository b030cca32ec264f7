// Coverage: per destination area code, demand, local supply by tier and numbers to buy (GET /api/coverage).

import { $, el, fill, time, orDash, download, attachmentName } from './dom.js';
import { getJson, call, query, ApiError } from './api.js';

let notify = () => {};

export function initCoverage(notice) {
  notify = notice;
  $('coverage-filter').addEventListener('submit', (e) => { e.preventDefault(); loadCoverage(); });
  $('coverage-export').addEventListener('click', exportCoverage);
}

function params() {
  return { pool: $('coverage-pool').value.trim(), days: $('coverage-days').value.trim() };
}

export async function loadCoverage() {
  try {
    const report = await getJson(`/api/coverage${query(params())}`);
    fill($('coverage-body'), report.items.map(row));
    $('coverage-empty').hidden = report.items.length > 0;
  } catch (e) {
    notify(`Coverage could not be loaded: ${e.message}`, true);
  }
}

function row(c) {
  const s = c.supply;
  const tiers = [s.area_code, s.overlay, s.state, s.time_zone].map((n) => orDash(n)).join(' / ');
  const cells = [String(c.demand), `${Math.round(c.outside_share * 100)} %`,
    `${time(c.peak_hour)} (${c.peak_hour_allocations})`, c.mean_hold_seconds === null ? '-' : `${c.mean_hold_seconds} s`,
    tiers, String(c.headroom_at_peak), orDash(c.region)];
  return el('tr', { 'data-area-code': c.area_code, class: c.numbers_to_buy > 0 ? 'short' : null },
    el('td', {}, c.area_code), el('td', { class: 'buy' }, String(c.numbers_to_buy)),
    cells.map((text) => el('td', {}, text)));
}

/** Fetched with the header (a plain link could not send it). */
async function exportCoverage() {
  try {
    const { pool, days } = params();
    const response = await call('GET', `/api/coverage/export${query({ pool, days })}`);
    const name = attachmentName(response, `coverage-${pool || 'default'}-${days || 7}d.csv`);
    download(await response.blob(), name);
    notify(`Coverage downloaded as ${name}.`);
  } catch (e) {
    notify(`Coverage export failed: ${e instanceof ApiError ? e.message : e}`, true);
  }
}
