// Numbers: server-side paged table, filters, inline activate/deactivate, caps, detail, CSV import/export; each
// number's health (health.js).

import { $, el, fill, time, orDash, download } from './dom.js';
import { getJson, sendJson, call, query, isAdmin, authHeader, ApiError } from './api.js';
import { initHealth, healthBadge, showHealth } from './health.js';

const SIZE = 25;
let page = 1;
let total = 0;
let current = null;
let notify = () => {};

export function initNumbers(notice) {
  notify = notice;
  $('numbers-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    page = 1;
    loadNumbers();
  });
  $('numbers-prev').addEventListener('click', () => { if (page > 1) { page -= 1; loadNumbers(); } });
  $('numbers-next').addEventListener('click', () => { if (page * SIZE < total) { page += 1; loadNumbers(); } });
  $('detail-close').addEventListener('click', () => { $('number-detail').hidden = true; current = null; });
  $('limits-form').addEventListener('submit', saveLimits);
  $('prefixes-form').addEventListener('submit', savePrefixes);
  $('import-form').addEventListener('submit', importCsv);
  $('export').addEventListener('click', exportCsv);
  initHealth(notice, healthChanged);
}

/** After a health action: the list, and the detail when it shows {@code cid} (null: the list only). */
async function healthChanged(cid) {
  await Promise.all([loadNumbers(), cid !== null && current === cid ? openDetail(cid) : null]);
}

function filters() {
  return {
    page, size: SIZE,
    q: $('f-q').value.trim(),
    area_code: $('f-area').value.trim(),
    pool: $('f-pool').value.trim(),
    carrier: $('f-carrier').value.trim(),
    active: $('f-active').value,
    health: $('f-health').value,
    sort: $('f-sort').value,
  };
}

export async function loadNumbers() {
  try {
    const answer = await getJson(`/api/caller-ids${query(filters())}`);
    total = answer.total;
    fill($('numbers-body'), answer.items.map(row));
    $('numbers-empty').hidden = answer.items.length > 0;
    const pages = Math.max(1, Math.ceil(total / SIZE));
    $('numbers-page').textContent = `Page ${page} of ${pages} · ${total} numbers`;
    $('numbers-prev').disabled = page <= 1;
    $('numbers-next').disabled = page >= pages;
  } catch (e) {
    notify(`Numbers could not be loaded: ${e.message}`, true);
  }
}

function row(n) {
  const actions = el('td', { class: 'actions' },
    el('button', { type: 'button', class: 'secondary link', 'data-cid': n.caller_id,
      'aria-label': `Details of ${n.caller_id}`, onclick: () => openDetail(n.caller_id) }, 'Details'));
  if (isAdmin()) {
    actions.append(el('button', {
      type: 'button', class: n.is_active ? 'danger toggle' : 'toggle', 'data-cid': n.caller_id,
      'aria-label': `${n.is_active ? 'Deactivate' : 'Activate'} ${n.caller_id}`,
      onclick: (e) => setActive(n.caller_id, !n.is_active, e.target),
    }, n.is_active ? 'Deactivate' : 'Activate'));
  }
  return el('tr', { 'data-cid': n.caller_id },
    el('td', {}, n.caller_id), el('td', {}, orDash(n.area_code)), el('td', {}, orDash(n.pool)),
    el('td', {}, orDash(n.carrier)), el('td', { class: 'state' }, n.is_active ? 'yes' : 'no'),
    el('td', { class: 'health' }, healthBadge(n.health_state)),
    el('td', { class: 'cap' }, cap(n, 'hourly_limit')), el('td', { class: 'cap' }, cap(n, 'daily_limit')),
    el('td', {}, time(n.last_used)), actions);
}

/** The cap allocations apply, and whose it is when not the number's own: "30 (pool)", "100 (default)". */
function cap(n, name) {
  const effective = n[`effective_${name}`];
  if (effective === undefined || effective === null) return orDash(n[name] ?? 'default');
  const from = n[`${name}_from`];
  return from === 'number' ? String(effective) : `${effective} (${from})`;
}

async function setActive(cid, active, button) {
  button.disabled = true;
  try {
    await sendJson('PATCH', `/api/caller-ids/${encodeURIComponent(cid)}`, { active });
    notify(`${cid} ${active ? 'activated' : 'deactivated'}.`);
    await loadNumbers();
    if (current === cid) await openDetail(cid);
  } catch (e) {
    button.disabled = false;
    notify(`${cid} could not be changed: ${e.message}`, true);
  }
}

async function openDetail(cid) {
  const box = $('number-detail');
  try {
    const [n, history] = await Promise.all([
      getJson(`/api/caller-ids/${encodeURIComponent(cid)}`),
      getJson(`/api/caller-ids/${encodeURIComponent(cid)}/history?limit=20`),
    ]);
    current = cid;
    $('detail-title').textContent = `Number ${n.caller_id}`;
    const live = n.live || {};
    const facts = [
      ['Status', orDash(live.state)], ['Carrier', orDash(n.carrier)], ['Pool', orDash(n.pool)],
      ['Assigned prefixes', prefixesText(n.prefixes) || 'none'], ['Active', n.is_active ? 'yes' : 'no'],
      ['This hour', `${orDash(live.uses_this_hour)} of ${orDash(live.hourly_limit)}`],
      ['Today', `${orDash(live.uses_today)} of ${orDash(live.daily_limit)}`],
      ['Last used', time(live.last_used || n.last_used)], ['Capped until', time(live.capped_until)],
    ];
    // Where the number is, as the numbering plan data places it (toll-free numbers: nowhere).
    const where = n.locality;
    facts.push(['Town', where ? orDash(where.town) : 'no locality (toll-free or unknown area code)']);
    if (where) {
      facts.push(['State or province', `${where.region_name} (${where.state})`], ['Time zone', where.zones.join(', ')],
        ['Area codes of the same towns', where.overlay.join(', ')]);
    }
    if (live.reservation) {
      const r = live.reservation;
      facts.push(['Reserved for', `${orDash(r.campaign)} / ${orDash(r.agent)} calling ${orDash(r.destination)}`
        + ` until ${time(r.expires_at)}`]);
    }
    fill($('detail-live'), facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
    $('edit-hourly').value = n.hourly_limit ?? '';
    $('edit-daily').value = n.daily_limit ?? '';
    // Empty means no cap of its own: say what applies then.
    $('edit-hourly').placeholder = inherited(n, 'hourly_limit');
    $('edit-daily').placeholder = inherited(n, 'daily_limit');
    $('edit-prefixes').value = prefixesText(n.prefixes);
    fill($('detail-history'), history.items.map((h) => el('tr', {},
      [time(h.allocated_at), time(h.released_at), orDash(h.destination), orDash(h.campaign), orDash(h.agent),
        orDash(h.tier), orDash(h.outcome), orDash(h.dial_status), orDash(h.answered_seconds)]
        .map((c) => el('td', {}, c)))));
    $('detail-history-empty').hidden = history.items.length > 0;
    showHealth(n.caller_id, n.health);
    box.hidden = false;
    box.focus();
  } catch (e) {
    notify(`Details of ${cid} could not be loaded: ${e.message}`, true);
  }
}

/** What an empty cap field means for this number: its pool's cap, else the server's default. */
function inherited(n, name) {
  if (n[`${name}_from`] === 'number' || n[`effective_${name}`] === undefined) return 'default';
  return `${n[`${name}_from`]}: ${n[`effective_${name}`]}`;
}

function limit(input) {
  const v = input.value.trim();
  return v === '' ? null : Number(v);
}

/** ["3125", "31"] as "3125, 31". */
function prefixesText(prefixes) {
  return (prefixes || []).join(', ');
}

/** "3125, 31" as ["3125", "31"]; the server names a prefix that is wrong. */
function prefixesOf(text) {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Saves {@code changes} to the open number; {@code what} names them in the notice. */
async function saveDetail(what, changes) {
  if (!current) return;
  try {
    await sendJson('PATCH', `/api/caller-ids/${encodeURIComponent(current)}`, changes);
    notify(`${what} of ${current} saved.`);
    await Promise.all([loadNumbers(), openDetail(current)]);
  } catch (err) {
    notify(`${what} of ${current} not saved: ${err.message}`, true);
  }
}

function saveLimits(e) {
  e.preventDefault();
  saveDetail('Caps', { hourly_limit: limit($('edit-hourly')), daily_limit: limit($('edit-daily')) });
}

function savePrefixes(e) {
  e.preventDefault();
  saveDetail('Prefixes', { prefixes: prefixesOf($('edit-prefixes').value) });
}

/** Uploads with XMLHttpRequest: fetch() cannot report upload progress. */
function importCsv(e) {
  e.preventDefault();
  const file = $('import-file').files[0];
  const result = $('import-result');
  if (!file) {
    fill(result, el('p', { class: 'error' }, 'Choose a CSV file first.'));
    return;
  }
  const bar = $('import-progress');
  const submit = $('import-submit');
  bar.hidden = false;
  bar.value = 0;
  submit.disabled = true;
  fill(result, el('p', {}, `Uploading ${file.name}…`));
  const xhr = new XMLHttpRequest();
  xhr.open('POST', '/api/caller-ids/import');
  for (const [k, v] of Object.entries(authHeader())) xhr.setRequestHeader(k, v);
  xhr.setRequestHeader('Content-Type', 'text/csv');
  xhr.upload.addEventListener('progress', (p) => {
    if (p.lengthComputable) {
      bar.value = Math.round((p.loaded / p.total) * 100);
      bar.textContent = `${bar.value}%`;
    }
  });
  xhr.addEventListener('load', () => {
    submit.disabled = false;
    bar.value = 100;
    let body = null;
    try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
    if (xhr.status !== 200) {
      fill(result, el('p', { class: 'error' },
        `Import refused: ${body && body.detail ? body.detail : `HTTP ${xhr.status}`}`));
      return;
    }
    showImport(body);
    page = 1;
    loadNumbers();
  });
  xhr.addEventListener('error', () => {
    submit.disabled = false;
    fill(result, el('p', { class: 'error' }, 'Import failed: the server cannot be reached.'));
  });
  xhr.send(file);
}

function showImport(r) {
  const parts = [el('p', { id: 'import-summary' },
    `Imported: ${r.inserted} new, ${r.updated} updated, ${r.unchanged} unchanged, ${r.rejected} rejected.`)];
  if (r.rejected_rows && r.rejected_rows.length > 0) {
    parts.push(el('table', { class: 'data rejected' },
      el('caption', {}, 'Rejected rows'),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Line'), el('th', { scope: 'col' }, 'Value'),
        el('th', { scope: 'col' }, 'Reason'))),
      el('tbody', {}, r.rejected_rows.map((x) => el('tr', {},
        el('td', {}, orDash(x.line)), el('td', {}, orDash(x.value)), el('td', {}, orDash(x.reason)))))));
  }
  fill($('import-result'), parts);
}

/** Fetched with the header (a plain link could not send it). */
async function exportCsv() {
  try {
    download(await (await call('GET', '/api/caller-ids/export')).blob(), 'caller-ids.csv');
    notify('Export downloaded as caller-ids.csv.');
  } catch (e) {
    notify(`Export failed: ${e instanceof ApiError ? e.message : e}`, true);
  }
}
