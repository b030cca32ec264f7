// The overview's charts, drawn as inline SVG from DOM nodes. Colours come from classes in app.css.

import { el, svg, fill, hourOfDay } from './dom.js';

const PALETTE = 8;

function empty(container, text) {
  fill(container, el('p', { class: 'empty' }, text));
}

function hourLabel(value) {
  return `${hourOfDay(value)}h`;
}

/** An SVG for {@code rows} horizontal bars, with room for labels on the left and values on the right. */
function barFrame(rows, row, left, right, label) {
  const W = 640;
  const root = svg('svg', { viewBox: `0 0 ${W} ${rows * row + 4}`, role: 'img', class: 'chart-svg',
    'aria-label': label });
  return { root, row, left, barW: W - left - right };
}

/** Stacked columns: allocations per hour, one colour per campaign. */
export function allocationsChart(container, data) {
  const hours = data.hours || [];
  const series = (data.series || []).filter((s) => (s.counts || []).some((n) => n > 0));
  if (hours.length === 0 || series.length === 0) {
    empty(container, 'No allocations in the last 24 hours.');
    return;
  }
  const totals = hours.map((_, i) => series.reduce((sum, s) => sum + (s.counts[i] || 0), 0));
  const max = Math.max(1, ...totals);
  const W = 640, H = 220, left = 40, bottom = 24, top = 8;
  const plotH = H - bottom - top;
  const step = (W - left) / hours.length;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart-svg',
    'aria-label': `Allocations per hour; peak ${max} in one hour` });
  root.append(svg('line', { x1: left, y1: top + plotH, x2: W, y2: top + plotH, class: 'axis' }));
  root.append(svg('text', { x: left - 4, y: top + 10, class: 'tick', 'text-anchor': 'end' }, String(max)));
  root.append(svg('text', { x: left - 4, y: top + plotH, class: 'tick', 'text-anchor': 'end' }, '0'));
  hours.forEach((hour, i) => {
    let y = top + plotH;
    series.forEach((s, k) => {
      const n = s.counts[i] || 0;
      if (n === 0) return;
      const h = (n / max) * plotH;
      y -= h;
      root.append(svg('rect', { x: left + i * step + 1, y, width: Math.max(1, step - 2), height: h,
        class: `s${k % PALETTE}` }, svg('title', {}, `${hourLabel(hour)} ${s.campaign || '(none)'}: ${n}`)));
    });
    if (i % 3 === 0) {
      root.append(svg('text', { x: left + i * step + step / 2, y: H - 6, class: 'tick', 'text-anchor': 'middle' },
        hourLabel(hour)));
    }
  });
  const legend = el('ul', { class: 'legend' }, series.map((s, k) =>
    el('li', {}, el('span', { class: `swatch s${k % PALETTE}`, 'aria-hidden': 'true' }),
      `${s.campaign || '(no campaign)'}: ${s.counts.reduce((a, b) => a + b, 0)}`)));
  fill(container, root, legend);
}

/** One bar per area code: demand, with the part that fell back to non-local numbers marked. */
export function areaCodeChart(container, data) {
  const items = (data.items || []).slice().sort((a, b) => b.demand - a.demand).slice(0, 25);
  if (items.length === 0) {
    empty(container, 'No calls in the last 24 hours, so no area-code demand yet.');
    return;
  }
  const max = Math.max(1, ...items.map((i) => i.demand));
  const { root, row, left, barW } = barFrame(items.length, 20, 48, 200,
    'Calls per destination area code and how many fell back to non-local numbers');
  items.forEach((item, i) => {
    const y = i * row + 2;
    const w = (item.demand / max) * barW;
    const fb = (Math.min(item.fallbacks || 0, item.demand) / max) * barW;
    const bad = (item.fallbacks || 0) > 0;
    const note = `${item.area_code}: ${item.demand} calls, ${item.fallbacks || 0} non-local, `
      + `${item.local_numbers} local numbers` + (item.available_now !== undefined && item.available_now !== null
      ? `, ${item.available_now} available now` : '');
    root.append(svg('text', { x: left - 6, y: y + 13, class: bad ? 'tick warn' : 'tick', 'text-anchor': 'end' },
      item.area_code));
    root.append(svg('rect', { x: left, y, width: Math.max(1, w - fb), height: row - 4, class: 'local' },
      svg('title', {}, note)));
    if (fb > 0) {
      root.append(svg('rect', { x: left + w - fb, y, width: fb, height: row - 4, class: 'fallback' },
        svg('title', {}, note)));
    }
    root.append(svg('text', { x: left + w + 6, y: y + 13, class: bad ? 'tick warn' : 'tick' },
      `${item.demand}` + (bad ? ` (${item.fallbacks} non-local)` : '') + ` · ${item.local_numbers} local`
      + (item.available_now !== undefined && item.available_now !== null ? `, ${item.available_now} free` : '')));
  });
  const legend = el('ul', { class: 'legend' },
    el('li', {}, el('span', { class: 'swatch local', 'aria-hidden': 'true' }), 'served by a local number'),
    el('li', {}, el('span', { class: 'swatch fallback', 'aria-hidden': 'true' }), 'fell back to a non-local number'));
  fill(container, root, legend);
}

/** One bar per number: calls today against its daily cap. */
export function usageChart(container, data) {
  const items = data.items || [];
  if (items.length === 0) {
    empty(container, 'No number has been used today.');
    return;
  }
  const { root, row, left, barW } = barFrame(items.length, 18, 96, 80, 'Calls today per number against its daily cap');
  items.forEach((item, i) => {
    const y = i * row + 2;
    const cap = Math.max(1, item.daily_limit || 1);
    const ratio = Math.min(1, item.uses_today / cap);
    const cls = ratio >= 1 ? 'full' : ratio >= 0.8 ? 'high' : 'used';
    root.append(svg('text', { x: left - 6, y: y + 12, class: 'tick', 'text-anchor': 'end' }, item.caller_id));
    root.append(svg('rect', { x: left, y, width: barW, height: row - 4, class: 'cap' }));
    root.append(svg('rect', { x: left, y, width: Math.max(1, ratio * barW), height: row - 4, class: cls },
      svg('title', {}, `${item.caller_id}: ${item.uses_today} of ${item.daily_limit} today`)));
    root.append(svg('text', { x: left + barW + 6, y: y + 12, class: 'tick' }, `${item.uses_today}/${item.daily_limit}`));
  });
  fill(container, root);
}
