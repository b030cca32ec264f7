// DOM construction without innerHTML: API data only ever becomes text nodes or attribute values.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An element with attributes (on* keys become listeners) and children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** The same for SVG elements. */
export function svg(tag, attrs = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function $(id) {
  return document.getElementById(id);
}

/** The file name a download's Content-Disposition gives, else {@code fallback}. */
export function attachmentName(response, fallback) {
  const match = /filename="?([^";]+)"?/.exec(response.headers.get('Content-Disposition') || '');
  return match ? match[1] : fallback;
}

/** Saves {@code blob} as the file {@code name}, through a Blob URL (the API's downloads need the bearer header). */
export function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Replaces every child of {@code node}. */
export function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
}

/**
 * Times are shown in the server's TIMEZONE (the zone its caps' days follow), once the server named it; until then
 * in the browser's. The header says which.
 */
let zone;

/** Sets the zone times are shown in; answers whether it changed. An unknown name keeps the browser's zone. */
export function setZone(name) {
  if (!name || name === zone) return false;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: name });
  } catch {
    return false;
  }
  zone = name;
  return true;
}

export function zoneName() {
  return zone || Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function format(iso, options) {
  if (!iso) return '-';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString(undefined, { ...options, timeZone: zoneName() });
}

/** A date and time for an ISO timestamp, or a dash. */
export function time(iso) {
  return format(iso, { dateStyle: 'short', timeStyle: 'medium' });
}

export function shortTime(iso) {
  return format(iso, { timeStyle: 'medium' });
}

/** Hours and minutes, e.g. for the start of a minute or an hour. */
export function clock(iso) {
  return format(iso, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

/** The hour of the day, "00" to "23". */
export function hourOfDay(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const parts = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: zoneName() })
    .formatToParts(d);
  return (parts.find((p) => p.type === 'hour') || { value: '' }).value;
}

/** Milliseconds to two significant digits (the server's percentiles are exact to 25 %). */
export function ms(value) {
  return value === null || value === undefined ? '-' : `${Number(Number(value).toPrecision(2))}`;
}

/** A duration in seconds as "4 s", "3 min 5 s", "2 h 10 min". */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function orDash(value) {
  return value === null || value === undefined || value === '' ? '-' : String(value);
}
