// Browser code of the web UI, part 1: the API key, authenticated requests, error messages, a DOM
// builder that only ever creates text nodes, and a follower that keeps a streamed GET open.
// Plain ES2020 inside String.raw (no `${` and no backticks in here), joined by ui-page.ts.
export const UI_SCRIPT_CORE = String.raw`
var KEY_STORAGE = 'swapgate.apiKey';
var RETRY_MS = 2000;
var apiKey = readStoredKey();

function byId(id) { return document.getElementById(id); }

function readStoredKey() {
  try { return sessionStorage.getItem(KEY_STORAGE) || ''; } catch (e) { return ''; }
}

function setApiKey(key) {
  apiKey = key;
  try {
    if (key === '') sessionStorage.removeItem(KEY_STORAGE); else sessionStorage.setItem(KEY_STORAGE, key);
  } catch (e) { /* storage refused: the key still lives until the page is closed */ }
  byId('key-state').textContent = key === '' ? 'no key' : 'key set for this tab';
}

function authHeaders() { return apiKey === '' ? {} : { authorization: 'Bearer ' + apiKey }; }

// Builds an element; strings become text nodes, so data is never parsed as HTML.
function el(tag, attrs, children) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
  (children || []).forEach(function (child) { node.append(child); });
  return node;
}

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function readError(res) {
  var text = '';
  try { text = await res.text(); } catch (e) { /* body lost: the status still says what happened */ }
  try {
    var body = JSON.parse(text);
    if (body && body.error && typeof body.error.message === 'string') return body.error.message;
  } catch (e) { /* not swapgate's JSON error: show the text */ }
  return text.trim() || res.statusText;
}

function isAuthError(error) { return error instanceof HttpError && (error.status === 401 || error.status === 403); }

function describeError(error) {
  if (!(error instanceof HttpError)) return 'Cannot reach swapgate (' + String(error && error.message) + ').';
  if (error.status === 401) {
    var what = apiKey === '' ? 'This swapgate requires an API key: paste one above.' : 'The API key was refused.';
    return what + ' (HTTP 401: ' + error.message + ')';
  }
  if (error.status === 403) return 'Not allowed with this API key; an admin key may be required. (HTTP 403: ' + error.message + ')';
  return 'HTTP ' + error.status + ': ' + error.message;
}

function showMessage(node, text, kind) {
  node.textContent = text;
  node.className = 'msg ' + (kind || 'error');
}

async function request(method, path) {
  var res = await fetch(path, { method: method, headers: authHeaders(), cache: 'no-store' });
  if (!res.ok) throw new HttpError(res.status, await readError(res));
  return res;
}

function encodeModelPath(id) { return id.split('/').map(encodeURIComponent).join('/'); }

// Keeps one streamed GET open and hands over its lines a chunk at a time. Reconnects when the
// stream ends or the connection fails; after a 401/403 it waits for restart() (a new key).
// Its status goes to every node in options.messages (one stream may feed several panels).
function createFollower(options) {
  var controller = null;
  var retryTimer = 0;
  async function read(ctrl) {
    var res = await fetch(options.path(), { headers: authHeaders(), signal: ctrl.signal, cache: 'no-store' });
    if (!res.ok) throw new HttpError(res.status, await readError(res));
    showMessages('', 'info');
    options.onOpen();
    var reader = res.body.getReader();
    var decoder = new TextDecoder();
    var pending = '';
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) break;
      var lines = (pending + decoder.decode(chunk.value, { stream: true })).split('\n');
      pending = lines.pop();
      if (lines.length > 0) options.onLines(lines.filter(function (line) { return line !== ''; }));
    }
    if (pending !== '') options.onLines([pending]);
  }
  function showMessages(text, kind) {
    options.messages.forEach(function (node) { showMessage(node, text, kind); });
  }
  function retry(ctrl, text) {
    if (ctrl !== controller) return;
    showMessages(text + ' Reconnecting...', 'info');
    retryTimer = setTimeout(restart, RETRY_MS);
  }
  function stop() {
    clearTimeout(retryTimer);
    if (controller !== null) controller.abort();
    controller = null;
  }
  function restart() {
    stop();
    var ctrl = new AbortController();
    controller = ctrl;
    read(ctrl).then(
      function () { retry(ctrl, 'The stream ended.'); },
      function (error) {
        if (ctrl.signal.aborted) return;
        if (isAuthError(error)) showMessages(describeError(error));
        else retry(ctrl, describeError(error));
      });
  }
  return { restart: restart };
}
`;
