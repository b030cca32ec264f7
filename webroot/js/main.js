// The dashboard's entry point: login and logout, the views behind the #hash, the live stream.

import { $, setZone, zoneName } from './dom.js';
import { login, logout, session, isAdmin, whenExpired, scheduleRefresh } from './api.js';
import { openLive } from './live.js';
import {
  showStats, showAllocation, showRelease, loadCharts, loadCampaignLoad, loadStatsFallback, initOverview, redrawFeedTimes,
} from './overview.js';
import { initNumbers, loadNumbers } from './numbers.js';
import { initReservations, loadReservations } from './reservations.js';
import { initPools, loadPools } from './pools.js';
import { initCoverage, loadCoverage } from './coverage.js';
import { initHistory } from './history.js';
import { initExplain, loadExplain } from './explain.js';
import { initAlerts, loadAlerts, forgetAlerts } from './alerts.js';

const VIEWS = ['overview', 'numbers', 'reservations', 'pools', 'coverage', 'explain', 'alerts'];
/** Views of admins only: the API refuses viewers their data, so the page neither links nor opens them. */
const ADMIN_VIEWS = ['alerts'];
const LOADERS = {
  overview: loadCharts, numbers: loadNumbers, reservations: loadReservations, pools: loadPools, coverage: loadCoverage,
  explain: loadExplain, alerts: loadAlerts,
};

let stopLive = null;
let viewTimer = null; // the view's own refresh
let loadTimer = null; // the overview's load by campaign
let reservationsTimer = null;
let noticeTimer = null;

function notice(text, isError = false) {
  const node = $('notice');
  node.textContent = text;
  node.classList.toggle('error', isError);
  clearTimeout(noticeTimer);
  if (!isError) noticeTimer = setTimeout(() => { node.textContent = ''; }, 8000);
}

let activeView = 'overview';

/** Whether this session may open the view {@code name}. */
function allowed(name) {
  return VIEWS.includes(name) && (!ADMIN_VIEWS.includes(name) || isAdmin());
}

/**
 * The view the #hash names (#explain?to=... names explain); null for another hash (the skip link's #main) or a view
 * this session may not open.
 */
function hashView() {
  const name = location.hash.replace('#', '').split('?')[0];
  return allowed(name) ? name : null;
}

/** The view the #hash names; another hash keeps the view that is open (the overview when that is not allowed). */
function currentView() {
  return hashView() || (allowed(activeView) ? activeView : 'overview');
}

function showView() {
  const view = currentView();
  activeView = view;
  for (const name of VIEWS) {
    $(`view-${name}`).hidden = name !== view;
  }
  for (const link of document.querySelectorAll('nav a[data-view]')) {
    if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  // Charts change slowly; reservations also end by expiry, which the feed does not announce.
  clearInterval(viewTimer);
  clearInterval(loadTimer);
  if (view === 'overview') {
    viewTimer = setInterval(loadCharts, 60_000);
    loadTimer = setInterval(loadCampaignLoad, 5_000);
  }
  if (view === 'reservations') viewTimer = setInterval(loadReservations, 10_000);
  LOADERS[view]();
}

/** The reservations view follows the stream, at most once a second. */
function reservationsChanged() {
  if (currentView() !== 'reservations' || reservationsTimer) return;
  reservationsTimer = setTimeout(() => { reservationsTimer = null; loadReservations(); }, 1000);
}

function enter() {
  const s = session();
  $('login').hidden = true;
  $('app').hidden = false;
  $('who').textContent = `${s.subject} (${s.role}${s.role === 'admin' ? '' : ', read-only'})`;
  for (const node of document.querySelectorAll('.admin-only')) node.hidden = !isAdmin();
  document.body.classList.toggle('read-only', !isAdmin());
  scheduleRefresh();
  showZone();
  loadStatsFallback().then(zoneFrom);
  stopLive = openLive({
    stats: (s) => { zoneFrom(s); showStats(s); },
    allocation: (a) => { showAllocation(a); reservationsChanged(); },
    release: (r) => { showRelease(r); reservationsChanged(); },
  }, (text, ok) => {
    const node = $('stream-status');
    node.textContent = `Live: ${text}`;
    node.classList.toggle('bad', !ok);
  });
  showView();
}

/** Times follow the server's TIMEZONE once a stats answer names it; what is on screen is drawn again then. */
function zoneFrom(stats) {
  if (stats && setZone(stats.timezone)) {
    showZone();
    redrawFeedTimes();
    LOADERS[currentView()]();
  }
}

function showZone() {
  $('zone').textContent = `Times: ${zoneName()}`;
}

function leave(message) {
  if (stopLive) stopLive();
  stopLive = null;
  clearInterval(viewTimer);
  clearInterval(loadTimer);
  $('app').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message || '';
  $('login-password').value = '';
  $('login-admin-token').value = '';
  $('feed').replaceChildren();
  $('feed-empty').hidden = false;
  forgetAlerts();
  $('login-username').focus();
}

async function submitLogin(e) {
  e.preventDefault();
  const username = $('login-username').value.trim();
  const password = $('login-password').value;
  const adminToken = $('login-admin-token').value;
  const error = $('login-error');
  let credentials;
  if (adminToken) credentials = { admin_token: adminToken };
  else if (username && password) credentials = { username, password };
  else {
    error.textContent = 'Enter a user name and password, or the admin token.';
    return;
  }
  $('login-submit').disabled = true;
  error.textContent = '';
  try {
    await login(credentials);
    enter();
  } catch (err) {
    error.textContent = `Sign-in failed: ${err.message}`;
  } finally {
    $('login-submit').disabled = false;
    $('login-password').value = '';
    $('login-admin-token').value = '';
  }
}

function start() {
  initOverview();
  initNumbers(notice);
  initReservations(notice);
  initPools(notice);
  initCoverage(notice);
  initHistory(notice);
  initExplain(notice);
  initAlerts(notice);
  whenExpired((message) => leave(message));
  $('login-form').addEventListener('submit', submitLogin);
  $('logout').addEventListener('click', () => { logout(); leave('You are signed out.'); });
  window.addEventListener('hashchange', () => {
    if (session() && hashView()) showView();
  });
  if (session()) enter();
  else leave('');
}

start();
