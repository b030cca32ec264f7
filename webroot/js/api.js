// The session (a short-lived JWT kept for this tab only) and every call to the API.

const KEY = 'cidrotator.session';
let refreshTimer = null;
let onExpired = () => {};

/** The session {token, role, subject, expiresAt} or null. */
export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY));
    return s && s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}

export function isAdmin() {
  const s = session();
  return !!s && s.role === 'admin';
}

/** Called when the token is gone or refused: the app goes back to the login form. */
export function whenExpired(handler) {
  onExpired = handler;
}

/** An error carrying the API's own sentence ({"detail": "..."}) and the status. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function errorOf(response) {
  let detail = `${response.status} ${response.statusText}`.trim();
  try {
    const body = await response.json();
    if (body && body.detail) detail = body.detail;
  } catch {
    // not JSON: keep the status line
  }
  if (response.status === 404 && detail === 'not found') detail = 'not found on this server (404)';
  return new ApiError(response.status, detail);
}

/** Trades credentials ({username, password} or {admin_token}) for a token and starts the session. */
export async function login(credentials) {
  const response = await fetch('/api/auth/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (!response.ok) throw await errorOf(response);
  keep(await response.json());
}

export function logout() {
  clearTimeout(refreshTimer);
  sessionStorage.removeItem(KEY);
}

function keep(answer) {
  const s = {
    token: answer.token,
    role: answer.role,
    subject: answer.subject,
    expiresAt: Date.now() + answer.expires_in * 1000,
  };
  sessionStorage.setItem(KEY, JSON.stringify(s));
  scheduleRefresh();
}

/** Refreshes the token a minute before it expires, or at 80 % of what is left when that is under 5 minutes. */
export function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const s = session();
  if (!s) return;
  const left = s.expiresAt - Date.now();
  const delay = Math.max(1000, left > 300_000 ? left - 60_000 : left * 0.8);
  refreshTimer = setTimeout(refresh, delay);
}

async function refresh() {
  const s = session();
  if (!s) {
    onExpired('Your session ended. Sign in again.');
    return;
  }
  try {
    const response = await fetch('/api/auth/token', {
      method: 'POST',
      headers: { Authorization: `Bearer ${s.token}` },
    });
    if (!response.ok) throw await errorOf(response);
    keep(await response.json());
  } catch (e) {
    logout();
    onExpired(`Your session could not be renewed: ${e.message}. Sign in again.`);
  }
}

/** The Authorization header for the current session. */
export function authHeader() {
  const s = session();
  return s ? { Authorization: `Bearer ${s.token}` } : {};
}

/** A fetch with the token; answers the response, or throws an ApiError with the API's sentence. */
export async function call(method, path, body) {
  const headers = { ...authHeader() };
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return send(path, init);
}

/** POSTs {@code file} as text/csv with the token; answers the JSON answer, or throws an ApiError. */
export async function sendCsv(path, file) {
  return (await send(path, { method: 'POST', headers: { ...authHeader(), 'Content-Type': 'text/csv' }, body: file }))
    .json();
}

async function send(path, init) {
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'the server cannot be reached');
  }
  if (response.status === 401) {
    logout();
    onExpired('Your session ended. Sign in again.');
    throw await errorOf(response);
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

export async function getJson(path) {
  return (await call('GET', path)).json();
}

export async function sendJson(method, path, body) {
  return (await call(method, path, body)).json();
}

/** A query string from the non-empty values of {@code params}. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
