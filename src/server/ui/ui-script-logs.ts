// Browser code of the web UI, part 3: the live log panel (one channel) and the activity table
// (the proxy's per-request log lines, msg "request"), then the start-up. Both read one stream, so
// a tab holds two (this and /ui/events): a browser allows six HTTP/1.1 connections per host,
// and three per tab left a third tab, or a Load with two tabs open, waiting for a free one.
export const UI_SCRIPT_LOGS = String.raw`
var MAX_LOG_LINES = 2000;
var MAX_ACTIVITY = 200;
var LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
var activity = [];

function formatTime(ms) {
  var date = new Date(ms);
  return isNaN(date.getTime()) ? '' : date.toLocaleTimeString([], { hour12: false });
}

function parseRecord(line) {
  if (line.charAt(0) !== '{') return null;
  try { return JSON.parse(line); } catch (e) { return null; }
}

// Proxy lines are JSON (pino): shown as "time LEVEL msg key=value ...".
function formatLogLine(line) {
  var record = parseRecord(line);
  if (record === null || typeof record.msg !== 'string') return line;
  var parts = [formatTime(record.time), LEVELS[record.level] || String(record.level), record.msg];
  Object.keys(record).forEach(function (name) {
    if (name === 'time' || name === 'level' || name === 'msg') return;
    var value = record[name];
    parts.push(name + '=' + (typeof value === 'string' ? value : JSON.stringify(value)));
  });
  return parts.join(' ');
}

// The proxy channel alone when the panel shows it; else /logs/stream (proxy and upstream), whose
// upstream lines carry their model: "[id] line". A model's panel is filtered from those, so its
// history is what is left of it in the shared upstream history.
function logStreamPath() { return byId('log-channel').value === 'proxy' ? '/logs/stream/proxy' : '/logs/stream'; }

function isUpstreamLine(line) { return line.charAt(0) === '['; }

// The lines of the panel's channel, as that channel's own stream would carry them.
function selectChannelLines(lines) {
  var channel = byId('log-channel').value || 'proxy';
  if (channel === 'proxy') return lines.filter(function (line) { return !isUpstreamLine(line); });
  if (channel === 'upstream') return lines.filter(isUpstreamLine);
  var prefix = '[' + channel + '] ';
  return lines.filter(function (line) { return line.indexOf(prefix) === 0; }).map(function (line) { return line.slice(prefix.length); });
}

function onLogLines(lines) {
  var view = byId('log-view');
  view.append.apply(view, lines.map(function (line) { return formatLogLine(line) + '\n'; }));
  while (view.childNodes.length > MAX_LOG_LINES) view.firstChild.remove();
  if (byId('log-follow').checked) view.scrollTop = view.scrollHeight;
}

// The channel list: proxy, upstream, then each local model (keeping the current choice).
function updateChannels(list) {
  var select = byId('log-channel');
  var current = select.value || 'proxy';
  var ids = ['proxy', 'upstream'].concat(list.filter(function (m) { return m.peer === null; }).map(function (m) { return m.id; }));
  select.replaceChildren.apply(select, ids.map(function (id) { return el('option', { value: id }, [id]); }));
  select.value = ids.indexOf(current) === -1 ? 'proxy' : current;
}

function isUiTraffic(entry) { return entry.path.indexOf('/ui') === 0 || entry.path.indexOf('/logs') === 0; }

function activityRow(entry) {
  var failed = entry.status >= 400;
  var duration = typeof entry.duration_ms === 'number' ? entry.duration_ms.toFixed(1) + ' ms' : '';
  return el('tr', { title: 'request id ' + entry.reqId + (entry.key_name ? ', key ' + entry.key_name : '') }, [
    el('td', {}, [formatTime(entry.time)]),
    el('td', {}, [entry.method]),
    el('td', { class: 'path' }, [entry.path]),
    el('td', {}, [entry.model === null || entry.model === undefined ? '' : String(entry.model)]),
    el('td', { class: 'num' + (failed ? ' status-error' : '') }, [String(entry.status) + (entry.aborted ? ' (aborted)' : '')]),
    el('td', { class: 'num' }, [duration]),
  ]);
}

function renderActivity() {
  var hideUi = byId('activity-hide-ui').checked;
  var rows = activity.filter(function (entry) { return !(hideUi && isUiTraffic(entry)); }).slice(-MAX_ACTIVITY).reverse();
  var body = byId('activity-body');
  body.replaceChildren.apply(body, rows.map(activityRow));
}

function onActivityLines(lines) {
  lines.forEach(function (line) {
    var record = parseRecord(line);
    if (record !== null && record.msg === 'request' && typeof record.path === 'string') activity.push(record);
  });
  if (activity.length > MAX_ACTIVITY * 5) activity = activity.slice(-MAX_ACTIVITY * 5);
  renderActivity();
}

function onStreamLines(lines) {
  onActivityLines(lines.filter(function (line) { return !isUpstreamLine(line); }));
  var shown = selectChannelLines(lines);
  if (shown.length > 0) onLogLines(shown);
}

var logFollower = createFollower({
  path: logStreamPath,
  messages: [byId('logs-msg'), byId('activity-msg')],
  onOpen: function () {
    byId('log-view').replaceChildren();
    activity = [];
  },
  onLines: onStreamLines,
});

function restartAll() {
  modelFollower.restart();
  logFollower.restart();
}

byId('key-form').addEventListener('submit', function (event) {
  event.preventDefault();
  var input = byId('key-input');
  setApiKey(input.value.trim());
  input.value = '';
  restartAll();
});
byId('key-clear').addEventListener('click', function () { setApiKey(''); restartAll(); });
byId('unload-all').addEventListener('click', unloadAll);
byId('log-channel').addEventListener('change', function () { logFollower.restart(); });
byId('log-clear').addEventListener('click', function () { byId('log-view').replaceChildren(); });
byId('activity-hide-ui').addEventListener('change', renderActivity);
updateChannels([]);
setApiKey(apiKey);
restartAll();
`;
