// Browser code of the web UI, part 2: the model table, fed by GET /ui/events (a snapshot, then
// state changes), with Load / Unload buttons calling the management API.
export const UI_SCRIPT_MODELS = String.raw`
var models = [];
var busy = new Map();      // model id -> 'load' | 'unload' while that request is in flight
var notes = new Map();     // model id -> why its last action failed

// The process state, with "failed" for a stopped model whose last start failed or timed out, or
// that crashed, until it is next ready. The server keeps that record, so a tab opened later
// shows it too.
function displayState(model) {
  if (model.peer !== null) return 'peer';
  if (model.state === 'stopped' && model.lastFailure !== null) return 'failed';
  return model.state;
}

function describeFailure(failure) {
  return 'failed ' + new Date(failure.atMs).toLocaleString() + ': ' + failure.message;
}

function onModelLines(lines) {
  lines.forEach(function (line) {
    var event = JSON.parse(line);
    if (event.type === 'snapshot') {
      models = event.models;
      updateChannels(models);
      return;
    }
    if (event.type !== 'state') return;
    var model = models.find(function (m) { return m.id === event.model; });
    if (model === undefined) return;
    model.state = event.to;
    model.lastFailure = event.lastFailure;
  });
  renderModels();
}

async function runModelAction(id, action) {
  busy.set(id, action);
  notes.delete(id);
  renderModels();
  try {
    await request('POST', '/api/models/' + action + '/' + encodeModelPath(id));
  } catch (error) {
    notes.set(id, describeError(error));
  } finally {
    busy.delete(id);
    renderModels();
  }
}

function actionButton(label, model, action, disabled) {
  var button = el('button', { type: 'button', 'data-action': action }, [label]);
  button.disabled = disabled;
  button.addEventListener('click', function () { runModelAction(model.id, action); });
  return button;
}

function renderModelRow(model) {
  var state = displayState(model);
  var nameCell = el('td', {}, [el('span', { class: 'model-id' }, [model.id])]);
  if (model.name !== null) nameCell.append(' ', el('span', { class: 'sub' }, [model.name]));
  if (model.description !== null) nameCell.append(el('div', { class: 'sub' }, [model.description]));
  if (model.aliases.length > 0) nameCell.append(el('div', { class: 'sub' }, ['aliases: ' + model.aliases.join(', ')]));
  if (state === 'failed') nameCell.append(el('div', { class: 'failure' }, [describeFailure(model.lastFailure)]));
  if (notes.has(model.id)) nameCell.append(el('div', { class: 'note', role: 'alert' }, [notes.get(model.id)]));
  var actions = el('td', { class: 'actions' });
  if (model.peer === null) {
    var pending = busy.get(model.id);
    var loadLabel = pending === 'load' ? 'Loading...' : 'Load';
    var unloadLabel = pending === 'unload' ? 'Unloading...' : 'Unload';
    actions.append(
      actionButton(loadLabel, model, 'load', pending !== undefined || state === 'ready' || state === 'starting'),
      ' ',
      actionButton(unloadLabel, model, 'unload', pending === 'unload' || state === 'stopped' || state === 'failed' || state === 'stopping'));
  } else {
    actions.append(el('span', { class: 'sub' }, ['served by ' + model.peer]));
  }
  var stateCell = el('td', { class: 'state state-' + state }, [state]);
  if (state === 'failed') stateCell.title = describeFailure(model.lastFailure);
  return el('tr', { 'data-model': model.id }, [nameCell, stateCell, actions]);
}

function renderModels() {
  byId('models-body').replaceChildren.apply(byId('models-body'), models.map(renderModelRow));
}

async function unloadAll() {
  var message = byId('models-msg');
  showMessage(message, 'Unloading every model...', 'info');
  try {
    await request('POST', '/api/models/unload');
    showMessage(message, '', 'info');
  } catch (error) {
    showMessage(message, describeError(error));
  }
}

var modelFollower = createFollower({
  path: function () { return '/ui/events'; },
  messages: [byId('models-msg')],
  onOpen: function () {}, // the snapshot that comes first replaces the whole list
  onLines: onModelLines,
});
`;
