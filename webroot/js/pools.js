// Pools and campaign mappings: view for everyone, create / edit / delete for admins; each pool's numbers per state
// of the rest ladder, and its health thresholds (edited by admins).

import { $, el, fill, orDash } from './dom.js';
import { getJson, sendJson, isAdmin } from './api.js';
import { STATES } from './health.js';

let notify = () => {};

/** A pool's strategy, the order within a tier: the API's value and what the page calls it. */
export const STRATEGIES = {
  lru: 'Least recently used',
  least_used_today: 'Least used today',
  round_robin: 'Round robin (list order)',
};
const DEFAULT_TIERS = 'prefix, area_code, overlay, state, time_zone, pool';
const TIERS_HINT = "Nearest first: prefix = the callee's town (NPA-NXX), area_code, overlay, state, time_zone, "
  + 'pool = any number; a pool stops at its last tier (503 no_local_number beyond). Empty: all six.';
const STICKY_HINT = 'A lead called again within N days gets the number it got last, if free. Empty or 0: off.';
/** A pool's health thresholds that are numbers, as the API names them; auto_rest is the form's checkbox. */
const THRESHOLDS = ['min_calls', 'ratio', 'short_call_seconds', 'rest_hours', 'probation_hours',
  'probation_hourly_limit', 'retire_after', 'retire_days', 'flag_rest_days'];
/** The pool whose thresholds the form edits: {name, health} as loaded. */
let editing = null;

export function initPools(notice) {
  notify = notice;
  // The new-pool form's tier field and strategies come from here, as the edit row's do.
  Object.assign($('pool-tiers'), { placeholder: DEFAULT_TIERS, title: TIERS_HINT });
  $('pool-sticky').title = STICKY_HINT;
  fill($('pool-strategy'), strategyOptions('lru'));
  $('pool-form').addEventListener('submit', createPool);
  $('campaign-form').addEventListener('submit', saveCampaign);
  $('health-form').addEventListener('submit', saveThresholds);
  $('health-cancel').addEventListener('click', closeThresholds);
}

export async function loadPools() {
  try {
    const [pools, campaigns] = await Promise.all([getJson('/api/pools'), getJson('/api/campaigns')]);
    fill($('pools-body'), pools.items.length ? pools.items.map(poolRow)
      : el('tr', {}, el('td', { colspan: 10, class: 'empty' }, 'No pools.')));
    fill($('campaigns-body'), campaigns.items.length ? campaigns.items.map(campaignRow)
      : el('tr', {}, el('td', { colspan: 4, class: 'empty' }, 'No campaign is mapped: every campaign uses the pool default.')));
    await loadPoolHealth(pools.items);
  } catch (e) {
    notify(`Pools could not be loaded: ${e.message}`, true);
  }
}

/** Each pool's numbers per state come with the pool alone (GET /api/pools/{name}); a pool that fails says why. */
async function loadPoolHealth(pools) {
  const details = await Promise.all(pools.map((p) => getJson(`/api/pools/${encodeURIComponent(p.name)}`)
    .catch((e) => ({ ...p, error: e.message }))));
  fill($('pool-health-body'), details.map(poolHealthRow));
}

function poolHealthRow(p) {
  const counts = p.counts && p.counts.health;
  const cells = counts ? STATES.map((state) => el('td', { 'data-state': state }, String(counts[state] ?? 0)))
    : el('td', { colspan: 5, class: 'error' }, `Counts unavailable: ${orDash(p.error)}`);
  const actions = el('td', { class: 'actions' });
  if (isAdmin()) {
    actions.append(el('button', { type: 'button', class: 'secondary',
      'aria-label': `Edit health thresholds of ${p.name}`, onclick: () => openThresholds(p) }, 'Edit thresholds'));
  }
  return el('tr', { 'data-pool': p.name }, el('td', {}, p.name), cells,
    el('td', {}, el('span', { class: 'thresholds' }, thresholdsText(p.health))), actions);
}

/** A pool's thresholds in a sentence. */
function thresholdsText(h) {
  if (!h) return '-';
  const rule = h.auto_rest ? `rests a number below ${h.ratio} × the pool's 7-day answer rate (at least ${h.min_calls}`
    + ' calls in 24 h)' : 'automatic rests off';
  return `${rule}; rest ${h.rest_hours} h, then probation ${h.probation_hours} h at ${h.probation_hourly_limit} an`
    + ` hour; retired after ${h.retire_after} rests in ${h.retire_days} days; a flag rests it ${h.flag_rest_days} days;`
    + ` short calls under ${h.short_call_seconds} s`;
}

function openThresholds(p) {
  editing = { name: p.name, health: p.health || {} };
  $('health-form-title').textContent = `Health thresholds of pool ${p.name}`;
  $('health-auto_rest').checked = editing.health.auto_rest !== false;
  for (const name of THRESHOLDS) $(`health-${name}`).value = editing.health[name] ?? '';
  $('health-form').hidden = false;
  $('health-min_calls').focus();
}

function closeThresholds() {
  $('health-form').hidden = true;
  editing = null;
}

/** Only the thresholds changed are sent (the others keep following their defaults); empty returns to the default. */
async function saveThresholds(e) {
  e.preventDefault();
  if (!editing) return;
  const { name, health } = editing;
  const changes = {};
  const autoRest = $('health-auto_rest').checked;
  if (autoRest !== (health.auto_rest !== false)) changes.auto_rest = autoRest;
  for (const field of THRESHOLDS) {
    const text = $(`health-${field}`).value.trim();
    // Something that is no number goes as it is: the server names it.
    const value = text === '' ? null : Number.isNaN(Number(text)) ? text : Number(text);
    if (value !== (health[field] ?? null)) changes[field] = value;
  }
  if (Object.keys(changes).length === 0) {
    notify(`No threshold of ${name} changed.`);
    return;
  }
  try {
    await sendJson('PATCH', `/api/pools/${encodeURIComponent(name)}`, { health: changes });
    notify(`Health thresholds of ${name} saved.`);
    closeThresholds();
    loadPools();
  } catch (err) {
    notify(`Health thresholds of ${name} not saved: ${err.message}`, true);
  }
}

function numberOrNull(v) {
  const s = String(v ?? '').trim();
  return s === '' ? null : Number(s);
}

function textOrNull(v) {
  const s = String(v ?? '').trim();
  return s === '' ? null : s;
}

/** {"US-TX": "09:00-20:00"} as "US-TX=09:00-20:00, ...". */
function regionsText(byRegion) {
  return Object.entries(byRegion || {}).map(([region, window]) => `${region}=${window}`).join(', ');
}

/** "US-TX=09:00-20:00, CA-ON=..." as an object; the server names what is wrong in it. */
function regionsOf(text) {
  const regions = {};
  for (const part of String(text ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const at = part.indexOf('=');
    regions[at < 0 ? part : part.slice(0, at).trim()] = at < 0 ? '' : part.slice(at + 1).trim();
  }
  return regions;
}

/** "area_code,state" as "area_code, state". */
function tiersText(tiers) {
  return String(tiers ?? '').split(',').join(', ');
}

/** Sticky days as the table shows them: 0 is off. */
function stickyText(days) {
  return days ? String(days) : 'off';
}

function strategyOptions(selected) {
  return Object.entries(STRATEGIES)
    .map(([value, label]) => el('option', { value, selected: value === selected }, label));
}

function windowText(p) {
  const regions = regionsText(p.calling_window_by_region);
  const own = p.calling_window ?? 'none';
  return regions ? `${own}; ${regions}` : own;
}

function poolRow(p) {
  const cells = [p.name, orDash(p.reservation_ttl ?? 'default'), orDash(p.hourly_limit ?? 'default'),
    orDash(p.daily_limit ?? 'default'), el('span', { class: 'tier-list' }, orDash(tiersText(p.tiers))),
    STRATEGIES[p.strategy] ?? orDash(p.strategy), stickyText(p.sticky_days), windowText(p), orDash(p.description)]
    .map((c) => el('td', {}, c));
  const actions = el('td', { class: 'actions' });
  if (isAdmin()) {
    actions.append(el('button', { type: 'button', class: 'secondary', 'aria-label': `Edit pool ${p.name}`,
      onclick: () => editPool(p, tr) }, 'Edit'));
    // The pool default cannot be deleted: campaigns without a mapping use it.
    if (p.name !== 'default') {
      actions.append(el('button', { type: 'button', class: 'danger', 'aria-label': `Delete pool ${p.name}`,
        onclick: () => deletePool(p.name) }, 'Delete'));
    }
  }
  const tr = el('tr', { 'data-pool': p.name }, cells, actions);
  return tr;
}

function editPool(p, tr) {
  const field = (label, value, type = 'text') => el('input', { type, value: value ?? '', 'aria-label': label,
    size: 8, placeholder: 'default' });
  const ttl = field(`TTL of ${p.name}`, p.reservation_ttl, 'number');
  const hourly = field(`Hourly cap of ${p.name}`, p.hourly_limit, 'number');
  const daily = field(`Daily cap of ${p.name}`, p.daily_limit, 'number');
  const tiers = field(`Tiers of ${p.name}`, tiersText(p.tiers));
  Object.assign(tiers, { placeholder: DEFAULT_TIERS, title: TIERS_HINT, size: 24 });
  const strategy = el('select', { 'aria-label': `Strategy of ${p.name}` }, strategyOptions(p.strategy));
  // Empty is off, as 0 is: the field shows nothing for a pool without sticky days.
  const sticky = field(`Sticky days of ${p.name}`, p.sticky_days || '', 'number');
  Object.assign(sticky, { placeholder: 'off', title: STICKY_HINT, min: 0, max: 365 });
  const window = field(`Calling window of ${p.name}`, p.calling_window);
  window.placeholder = 'none';
  const regions = field(`Calling windows by region of ${p.name}`, regionsText(p.calling_window_by_region));
  regions.placeholder = 'US-TX=09:00-20:00';
  const description = field(`Description of ${p.name}`, p.description);
  const save = async () => {
    try {
      await sendJson('PATCH', `/api/pools/${encodeURIComponent(p.name)}`, {
        reservation_ttl: numberOrNull(ttl.value), hourly_limit: numberOrNull(hourly.value),
        daily_limit: numberOrNull(daily.value), tiers: textOrNull(tiers.value), strategy: strategy.value,
        sticky_days: numberOrNull(sticky.value), calling_window: textOrNull(window.value),
        calling_window_by_region: regionsOf(regions.value), description: textOrNull(description.value),
      });
      notify(`Pool ${p.name} saved.`);
      loadPools();
    } catch (e) {
      notify(`Pool ${p.name} not saved: ${e.message}`, true);
    }
  };
  fill(tr, el('td', {}, p.name),
    [ttl, hourly, daily, tiers, strategy, sticky, el('span', {}, window, regions), description]
      .map((i) => el('td', {}, i)),
    el('td', { class: 'actions' },
      el('button', { type: 'button', 'aria-label': `Save pool ${p.name}`, onclick: save }, 'Save'),
      el('button', { type: 'button', class: 'secondary', onclick: loadPools }, 'Cancel')));
  ttl.focus();
}

async function deletePool(name) {
  if (!window.confirm(`Delete pool ${name}?`)) return;
  try {
    await sendJson('DELETE', `/api/pools/${encodeURIComponent(name)}`);
    notify(`Pool ${name} deleted.`);
  } catch (e) {
    notify(`Pool ${name} not deleted: ${e.message}`, true);
  }
  loadPools();
}

async function createPool(e) {
  e.preventDefault();
  const body = { name: $('pool-name').value.trim() };
  const optional = {
    reservation_ttl: numberOrNull($('pool-ttl').value), hourly_limit: numberOrNull($('pool-hourly').value),
    daily_limit: numberOrNull($('pool-daily').value), tiers: textOrNull($('pool-tiers').value),
    strategy: $('pool-strategy').value, sticky_days: numberOrNull($('pool-sticky').value),
    calling_window: textOrNull($('pool-window').value), description: textOrNull($('pool-description').value),
  };
  const regions = regionsOf($('pool-window-regions').value);
  if (Object.keys(regions).length > 0) optional.calling_window_by_region = regions;
  for (const [k, v] of Object.entries(optional)) if (v !== null) body[k] = v;
  try {
    await sendJson('POST', '/api/pools', body);
    notify(`Pool ${body.name} created.`);
    e.target.reset();
    loadPools();
  } catch (err) {
    notify(`Pool ${body.name} not created: ${err.message}`, true);
  }
}

function campaignRow(c) {
  const actions = el('td', { class: 'actions' });
  if (isAdmin()) {
    actions.append(
      el('button', { type: 'button', class: 'secondary', 'aria-label': `Edit mapping of ${c.name}`, onclick: () => {
        $('campaign-name').value = c.name;
        $('campaign-pool').value = c.pool;
        $('campaign-description').value = c.description ?? '';
        $('campaign-pool').focus();
      } }, 'Edit'),
      el('button', { type: 'button', class: 'danger', 'aria-label': `Remove mapping of ${c.name}`,
        onclick: () => deleteCampaign(c.name) }, 'Remove'));
  }
  return el('tr', {}, el('td', {}, c.name), el('td', {}, c.pool), el('td', {}, orDash(c.description)), actions);
}

async function saveCampaign(e) {
  e.preventDefault();
  const name = $('campaign-name').value.trim();
  const body = { pool: $('campaign-pool').value.trim() };
  const description = textOrNull($('campaign-description').value);
  if (description !== null) body.description = description;
  try {
    await sendJson('PUT', `/api/campaigns/${encodeURIComponent(name)}`, body);
    notify(`Campaign ${name} now uses pool ${body.pool}.`);
    e.target.reset();
    loadPools();
  } catch (err) {
    notify(`Campaign ${name} not saved: ${err.message}`, true);
  }
}

async function deleteCampaign(name) {
  try {
    await sendJson('DELETE', `/api/campaigns/${encodeURIComponent(name)}`);
    notify(`Campaign ${name} uses the pool default again.`);
  } catch (e) {
    notify(`Mapping of ${name} not removed: ${e.message}`, true);
  }
  loadPools();
}
