// Alerts (admins only; the API refuses viewers): webhook targets, the events each wants and their thresholds, add /
// edit / activate / delete, a test button, a secret the server made shown once, and each target's delivery log.

import { $, el, fill, time, orDash } from './dom.js';
import { getJson, sendJson } from './api.js';

/**
 * The events a target may want, in the API's words: what each means, and the thresholds it uses as
 * [field, label, min, max].
 */
export const EVENTS = [
  { name: 'pool.free_low', title: 'Pool low on free numbers',
    text: "A pool's free numbers (neither reserved nor at their cap) stay under this share of its numbers in rotation"
      + ' for this many minutes.',
    thresholds: [['pool_free_percent', 'Free under (%)', 1, 99], ['pool_free_minutes', 'For (minutes)', 1, 1440]] },
  { name: 'area_code.no_local_number', title: 'No free local number',
    text: 'This many calls to one area code within 15 minutes found no free number of that area code (every'
      + " server's calls together).",
    thresholds: [['no_local_calls', 'Calls in 15 minutes', 1, 100000]] },
  { name: 'numbers.rested', title: 'Numbers rested',
    text: "More than this many of a pool's numbers were rested (or retired) for their answer rate in the last hour.",
    thresholds: [['rested_per_hour', 'More than (in an hour)', 0, 100000]] },
  { name: 'number.flagged', title: 'Number flagged as spam',
    text: 'A number was flagged as spam (one alert per flag, or per CSV of flags).', thresholds: [] },
  { name: 'dependency.down', title: 'Redis or PostgreSQL down',
    text: 'Redis or PostgreSQL has been unreachable from a server for this many seconds.',
    thresholds: [['down_seconds', 'For (seconds)', 5, 3600]] },
];

/** The server's defaults of the thresholds (alert.Conditions.DEFAULTS): the form's placeholders. */
export const DEFAULTS = {
  pool_free_percent: 10, pool_free_minutes: 5, no_local_calls: 20, rested_per_hour: 5, down_seconds: 30,
  cooldown_minutes: 30,
};
const CONDITIONS = Object.keys(DEFAULTS);

const SECRET_NEW = 'The HMAC-SHA256 key of the signature, 16 to 256 characters. Leave it empty and the server makes'
  + ' one, shown once after the target is added.';
const SECRET_EDIT = 'Empty: the target keeps its secret. A new one replaces it at once.';

let notify = () => {};
/** The target the form edits, as loaded; null while the form adds one. */
let editing = null;
/** The target whose deliveries are shown: {id, url}, or null. */
let logOf = null;

export function initAlerts(notice) {
  notify = notice;
  $('webhook-events').append(...EVENTS.map(eventFields));
  for (const field of CONDITIONS) $(`webhook-${field}`).placeholder = String(DEFAULTS[field]);
  $('webhook-secret-hint').textContent = SECRET_NEW;
  $('webhook-form').addEventListener('submit', saveWebhook);
  $('webhook-cancel').addEventListener('click', closeEdit);
  $('webhook-secret-done').addEventListener('click', hideSecret);
  $('deliveries-refresh').addEventListener('click', () => loadDeliveries());
  $('deliveries-close').addEventListener('click', closeDeliveries);
}

/** An event's checkbox, what it means, and its thresholds next to it. */
function eventFields(event) {
  const id = eventId(event.name);
  const fields = event.thresholds.map(([field, label, min, max]) => el('label', {}, label,
    el('input', { id: `webhook-${field}`, name: field, type: 'number', min, max, step: 1,
      'aria-describedby': `${id}-text` })));
  return el('div', { class: 'event' },
    el('label', { class: 'check' }, el('input', { id, type: 'checkbox', name: 'events', value: event.name }),
      `${event.title} `, el('code', {}, event.name)),
    el('p', { id: `${id}-text`, class: 'hint' }, event.text),
    fields.length ? el('div', { class: 'thresholds-fields' }, fields) : null);
}

function eventId(name) {
  return `webhook-event-${name.replaceAll('.', '-')}`;
}

/** The view opened: the list; a secret shown after an add is not shown again. */
export function loadAlerts() {
  hideSecret();
  return loadWebhooks();
}

/** Signed out: nothing of the targets stays in the page for whoever signs in next. */
export function forgetAlerts() {
  hideSecret();
  closeEdit();
  closeDeliveries();
  fill($('webhooks-body'));
}

async function loadWebhooks() {
  try {
    const answer = await getJson('/api/webhooks');
    fill($('webhooks-body'), answer.items.map(row));
    $('webhooks-empty').hidden = answer.items.length > 0;
  } catch (e) {
    notify(`Webhook targets could not be loaded: ${e.message}`, true);
  }
}

/** An event with its thresholds in words: "pool.free_low: under 10% for 5 min". */
function eventText(name, c) {
  switch (name) {
    case 'pool.free_low': return `${name}: under ${c.pool_free_percent}% for ${c.pool_free_minutes} min`;
    case 'area_code.no_local_number': return `${name}: ${c.no_local_calls} calls in 15 min`;
    case 'numbers.rested': return `${name}: more than ${c.rested_per_hour} in an hour`;
    case 'dependency.down': return `${name}: for ${c.down_seconds} s`;
    default: return name;
  }
}

function row(w) {
  const c = w.conditions || {};
  const label = w.url;
  const actions = el('td', { class: 'actions' },
    el('button', { type: 'button', class: 'secondary edit', 'aria-label': `Edit ${label}`, onclick: () => openEdit(w) },
      'Edit'),
    el('button', { type: 'button', class: w.active ? 'danger toggle' : 'toggle',
      'aria-label': `${w.active ? 'Deactivate' : 'Activate'} ${label}`,
      onclick: (e) => setActive(w, !w.active, e.target) }, w.active ? 'Deactivate' : 'Activate'),
    el('button', { type: 'button', class: 'secondary test', 'aria-label': `Send a test to ${label}`,
      onclick: (e) => sendTest(w, e.target) }, 'Send test'),
    el('button', { type: 'button', class: 'secondary log', 'aria-label': `Deliveries to ${label}`,
      onclick: () => openDeliveries(w) }, 'Deliveries'),
    el('button', { type: 'button', class: 'danger delete', 'aria-label': `Delete ${label}`,
      onclick: () => deleteWebhook(w) }, 'Delete'));
  return el('tr', { 'data-webhook': w.id },
    el('td', { class: 'url' }, w.url),
    el('td', {}, el('ul', { class: 'event-list' }, w.events.map((name) => el('li', {}, eventText(name, c))))),
    el('td', {}, `${orDash(c.cooldown_minutes)} min`),
    el('td', { class: 'state' }, w.active ? 'yes' : 'no'),
    el('td', {}, orDash(w.description)),
    actions);
}

async function setActive(w, active, button) {
  button.disabled = true;
  try {
    await sendJson('PATCH', `/api/webhooks/${w.id}`, { active });
    notify(`${w.url} ${active ? 'activated' : 'deactivated'}.`);
  } catch (e) {
    notify(`${w.url} could not be changed: ${e.message}`, true);
  }
  await loadWebhooks();
}

async function sendTest(w, button) {
  button.disabled = true;
  try {
    const r = await sendJson('POST', `/api/webhooks/${w.id}/test`);
    if (r.status === 'delivered') notify(`Test to ${w.url} delivered (HTTP ${r.status_code}).`);
    else notify(`Test to ${w.url} failed: ${orDash(r.error)}`, true);
    if (logOf && logOf.id === w.id) await loadDeliveries();
  } catch (e) {
    notify(`Test to ${w.url} not sent: ${e.message}`, true);
  } finally {
    button.disabled = false;
  }
}

async function deleteWebhook(w) {
  if (!window.confirm(`Delete the webhook target ${w.url} and its delivery log?`)) return;
  try {
    await sendJson('DELETE', `/api/webhooks/${w.id}`);
    notify(`${w.url} deleted.`);
    if (editing && editing.id === w.id) closeEdit();
    if (logOf && logOf.id === w.id) closeDeliveries();
  } catch (e) {
    notify(`${w.url} not deleted: ${e.message}`, true);
  }
  await loadWebhooks();
}

// The form: adds a target, or edits the one chosen (only what changed is sent).

function checkedEvents() {
  return Array.from(document.querySelectorAll('#webhook-events input[name=events]:checked')).map((i) => i.value);
}

/** A threshold field: null when empty (the default); text that is no number goes as it is and the server names it. */
function conditionOf(field) {
  const text = $(`webhook-${field}`).value.trim();
  if (text === '') return null;
  return Number.isNaN(Number(text)) ? text : Number(text);
}

function openEdit(w) {
  editing = w;
  $('webhook-form-title').textContent = `Edit webhook target ${w.url}`;
  $('webhook-url').value = w.url;
  $('webhook-description').value = w.description ?? '';
  for (const event of EVENTS) $(eventId(event.name)).checked = w.events.includes(event.name);
  for (const field of CONDITIONS) $(`webhook-${field}`).value = w.conditions?.[field] ?? '';
  $('webhook-secret-input').value = '';
  $('webhook-secret-hint').textContent = SECRET_EDIT;
  $('webhook-active').checked = w.active;
  $('webhook-submit').textContent = 'Save target';
  $('webhook-cancel').hidden = false;
  $('webhook-url').focus();
}

function closeEdit() {
  editing = null;
  $('webhook-form').reset();
  $('webhook-form-title').textContent = 'New webhook target';
  $('webhook-secret-hint').textContent = SECRET_NEW;
  $('webhook-submit').textContent = 'Add target';
  $('webhook-cancel').hidden = true;
}

function saveWebhook(e) {
  e.preventDefault();
  return editing ? saveEdit(editing) : addWebhook();
}

async function addWebhook() {
  const url = $('webhook-url').value.trim();
  const body = { url, events: checkedEvents(), active: $('webhook-active').checked };
  const conditions = {};
  for (const field of CONDITIONS) {
    const value = conditionOf(field);
    if (value !== null) conditions[field] = value;
  }
  if (Object.keys(conditions).length > 0) body.conditions = conditions;
  const description = $('webhook-description').value.trim();
  if (description !== '') body.description = description;
  const secret = $('webhook-secret-input').value;
  if (secret !== '') body.secret = secret;
  const submit = $('webhook-submit');
  submit.disabled = true;
  try {
    const added = await sendJson('POST', '/api/webhooks', body);
    notify(`Webhook target ${added.url} added.`);
    closeEdit();
    await loadWebhooks();
    if (added.secret) showSecret(added);
  } catch (err) {
    notify(`Webhook target not added: ${err.message}`, true);
  } finally {
    submit.disabled = false;
  }
}

async function saveEdit(w) {
  const changes = {};
  const url = $('webhook-url').value.trim();
  if (url !== w.url) changes.url = url;
  const events = checkedEvents();
  if (events.length !== w.events.length || events.some((name) => !w.events.includes(name))) changes.events = events;
  const conditions = {};
  for (const field of CONDITIONS) {
    const value = conditionOf(field);
    if (value !== (w.conditions?.[field] ?? null)) conditions[field] = value;
  }
  if (Object.keys(conditions).length > 0) changes.conditions = conditions;
  const description = $('webhook-description').value.trim();
  if (description !== (w.description ?? '')) changes.description = description === '' ? null : description;
  const secret = $('webhook-secret-input').value;
  if (secret !== '') changes.secret = secret;
  const active = $('webhook-active').checked;
  if (active !== w.active) changes.active = active;
  if (Object.keys(changes).length === 0) {
    notify(`Nothing of ${w.url} changed.`);
    return;
  }
  const submit = $('webhook-submit');
  submit.disabled = true;
  try {
    const saved = await sendJson('PATCH', `/api/webhooks/${w.id}`, changes);
    notify(`Webhook target ${saved.url} saved.`);
    closeEdit();
    await loadWebhooks();
  } catch (err) {
    notify(`Webhook target ${w.url} not saved: ${err.message}`, true);
  } finally {
    submit.disabled = false;
  }
}

/** The secret the server made: the API never shows it again, so neither does the page once it is dismissed. */
function showSecret(added) {
  $('webhook-secret-note').textContent = `The server made this secret for ${added.url}. It is shown only now: copy`
    + ' it to the receiver, which checks the X-CidRotator-Signature header with it.';
  $('webhook-secret-value').textContent = added.secret;
  $('webhook-secret').hidden = false;
  $('webhook-secret').scrollIntoView({ block: 'nearest' });
}

function hideSecret() {
  $('webhook-secret').hidden = true;
  $('webhook-secret-value').textContent = '';
  $('webhook-secret-note').textContent = '';
}

// The delivery log of one target.

async function openDeliveries(w) {
  logOf = { id: w.id, url: w.url };
  $('deliveries-title').textContent = `Deliveries to ${w.url}`;
  if (await loadDeliveries()) {
    $('webhook-deliveries').hidden = false;
    $('webhook-deliveries').focus();
  }
}

function closeDeliveries() {
  logOf = null;
  $('webhook-deliveries').hidden = true;
  fill($('deliveries-body'));
}

/** Draws the log of the target chosen; answers whether it could be read. */
async function loadDeliveries() {
  if (!logOf) return false;
  const { id, url } = logOf;
  try {
    const answer = await getJson(`/api/webhooks/${id}/deliveries?limit=50`);
    if (!logOf || logOf.id !== id) return false;
    fill($('deliveries-body'), answer.items.map(deliveryRow));
    $('deliveries-empty').hidden = answer.items.length > 0;
    return true;
  } catch (e) {
    notify(`Deliveries to ${url} could not be loaded: ${e.message}`, true);
    return false;
  }
}

function deliveryRow(d) {
  return el('tr', { 'data-delivery': d.id },
    [time(d.created_at), d.event, orDash(d.subject), el('span', { class: `badge delivery-${d.status}` }, d.status),
      String(d.attempts), orDash(d.last_status_code), orDash(d.last_error),
      d.status === 'pending' ? time(d.next_attempt_at) : '-', time(d.delivered_at)]
      .map((c) => el('td', {}, c)));
}
