// GET /api/live read with fetch() (so the token travels in a header, never in the URL) and parsed as
// server-sent events; reconnects with exponential backoff when the stream drops.

import { authHeader, session } from './api.js';

/**
 * Starts the stream; {@code handlers} maps an event name (stats, allocation, release) to a function of its
 * JSON data, and {@code status(text, ok)} hears about the connection. Answers a function that stops it.
 */
export function openLive(handlers, status) {
  let stopped = false;
  let controller = null;
  let attempt = 0;
  let timer = null;

  async function connect() {
    if (stopped || !session()) return;
    controller = new AbortController();
    status('connecting', false);
    try {
      const response = await fetch('/api/live', {
        headers: { ...authHeader(), Accept: 'text/event-stream' },
        signal: controller.signal,
        cache: 'no-store',
      });
      if (!response.ok || !response.body) {
        throw new Error(response.status === 404 ? 'not offered by this server' : `HTTP ${response.status}`);
      }
      status('connected', true);
      attempt = 0;
      await read(response.body, handlers);
      throw new Error('stream ended');
    } catch (e) {
      if (stopped) return;
      attempt += 1;
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 5)) * (0.75 + Math.random() * 0.5);
      status(`disconnected (${e.message}); retrying in ${Math.round(delay / 1000)} s`, false);
      timer = setTimeout(connect, delay);
    }
  }

  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    if (controller) controller.abort();
  };
}

async function read(body, handlers) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      dispatch(buffer.slice(0, end), handlers);
      buffer = buffer.slice(end + 2);
    }
  }
}

/** One SSE block: "event:" names it (default "message"), "data:" lines join with newlines, ":" is a comment. */
function dispatch(block, handlers) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  const handler = handlers[event];
  if (!handler || data.length === 0) return;
  try {
    handler(JSON.parse(data.join('\n')));
  } catch (e) {
    console.warn(`live: unreadable ${event} event`, e.message);
  }
}
