// Overview: the allocation history of a range of days, downloaded as CSV.

import { $, download, attachmentName } from './dom.js';
import { call, query, ApiError } from './api.js';

let notify = () => {};

export function initHistory(notice) {
  notify = notice;
  const today = localDate(new Date());
  $('history-from').value = today;
  $('history-to').value = today;
  $('history-export-form').addEventListener('submit', exportHistory);
}

/** YYYY-MM-DD of the browser's own day (toISOString would give UTC's). */
function localDate(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Fetched with the header (a plain link could not send it). */
async function exportHistory(e) {
  e.preventDefault();
  const from = $('history-from').value;
  const to = $('history-to').value;
  const button = $('history-export');
  button.disabled = true;
  try {
    const response = await call('GET', `/api/history/export${query({ from, to })}`);
    const name = attachmentName(response, `history-${from}-to-${to}.csv`);
    download(await response.blob(), name);
    notify(`History exported as ${name}.`);
  } catch (err) {
    notify(`History export failed: ${err instanceof ApiError ? err.message : err}`, true);
  } finally {
    button.disabled = false;
  }
}
