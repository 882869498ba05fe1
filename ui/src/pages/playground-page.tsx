// Playground: a streamed chat with any model the key may use. A model that must load first shows
// its loading (swapgate's loading-state text, or the live state) and the load time; each answer
// shows its tokens, tok/s and time to first token.
import { useEffect, useState } from 'preact/hooks';
import { apiKey, describeError, getJson } from '../api/http';
import { Banner, PageHeader } from '../components/common';
import { formatCount, formatMs, formatRate } from '../lib/format';
import { route } from '../router';
import { clearConversation, conversation, sendMessage, sending, settings, stopAnswer, type Turn } from '../state/chat';
import { models } from '../state/live-store';

function useModelIds(): { ids: readonly string[]; error: string } {
  const [ids, setIds] = useState<readonly string[]>([]);
  const [error, setError] = useState('');
  const key = apiKey.value;
  useEffect(() => {
    getJson<{ data: { id: string }[] }>('/v1/models').then(
      (body) => {
        setIds(body.data.map((m) => m.id));
        setError('');
      },
      (e: unknown) => setError(describeError(e)),
    );
  }, [key]);
  return { ids, error };
}

function AnswerStatsLine(props: { turn: Turn }) {
  const s = props.turn.stats;
  if (s === null || s === undefined) return null;
  const parts = [
    `${formatCount(s.completionTokens)}${s.estimated ? ' (chunks)' : ''} tokens`,
    `${formatRate(s.tokensPerSecond)} tok/s`,
    `prompt ${formatCount(s.promptTokens)} tokens`,
    `first token ${formatMs(s.ttftMs)}`,
    `total ${formatMs(s.totalMs)}`,
  ];
  if (props.turn.loadMs != null) parts.push(`model loaded in ${formatMs(props.turn.loadMs)}`);
  return <p class="answer-stats">{parts.join(' · ')}</p>;
}

function TurnView(props: { turn: Turn; modelState: string }) {
  const { turn } = props;
  if (turn.role === 'user') return <div class="turn turn-user">{turn.content}</div>;
  const loadingNow = turn.pending === true && turn.content === '';
  return (
    <div class="turn turn-assistant" data-pending={turn.pending === true ? 'true' : undefined}>
      <div class="turn-model muted small">{turn.model}</div>
      {turn.loading ? <p class="loading-note">{turn.loading}</p> : null}
      {loadingNow && !turn.loading && props.modelState === 'starting' ? <p class="loading-note">Loading {turn.model}…</p> : null}
      {turn.reasoning ? (
        <details>
          <summary>Reasoning</summary>
          <p class="reasoning">{turn.reasoning}</p>
        </details>
      ) : null}
      <div class="answer">{turn.content || (turn.pending === true ? '…' : '')}</div>
      {turn.error === undefined ? null : <Banner>{turn.error}</Banner>}
      <AnswerStatsLine turn={turn} />
    </div>
  );
}

export function PlaygroundPage() {
  const { ids, error } = useModelIds();
  const [text, setText] = useState('');
  const s = settings.value;
  const stateOf = new Map(models.value.map((m) => [m.id, m.state]));
  const requested = route.value.params.get('model');
  useEffect(() => {
    const wanted = requested !== null && ids.includes(requested) ? requested : s.model !== '' && ids.includes(s.model) ? s.model : ids[0];
    if (wanted !== undefined && wanted !== s.model) settings.value = { ...s, model: wanted };
  }, [ids, requested]);
  const patch = (change: Partial<typeof s>): void => {
    settings.value = { ...settings.value, ...change };
  };
  const send = (): void => {
    const message = text.trim();
    if (message === '' || sending.value || s.model === '') return;
    setText('');
    void sendMessage(message);
  };
  const modelState = stateOf.get(s.model) ?? '';
  return (
    <>
      <PageHeader title="Playground">
        <button type="button" onClick={clearConversation} disabled={conversation.value.length === 0}>
          Clear
        </button>
      </PageHeader>
      {error === '' ? null : <Banner>{error}</Banner>}
      <div class="toolbar chat-settings">
        <label>
          Model{' '}
          <select value={s.model} onChange={(e) => patch({ model: e.currentTarget.value })}>
            {ids.map((id) => (
              <option key={id} value={id}>
                {id}
                {stateOf.has(id) ? ` (${stateOf.get(id) || 'peer'})` : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          Temperature <input type="number" min="0" max="2" step="0.1" value={s.temperature} onInput={(e) => patch({ temperature: e.currentTarget.valueAsNumber || 0 })} />
        </label>
        <label>
          Max tokens <input type="number" min="1" step="1" value={s.maxTokens} onInput={(e) => patch({ maxTokens: Math.max(1, Math.round(e.currentTarget.valueAsNumber || 1)) })} />
        </label>
      </div>
      <details class="system-prompt">
        <summary>System prompt{s.system === '' ? '' : ' (set)'}</summary>
        <textarea rows={3} aria-label="System prompt" value={s.system} onInput={(e) => patch({ system: e.currentTarget.value })} />
      </details>
      {modelState !== '' && modelState !== 'ready' && !sending.value ? (
        <p class="muted small">
          {s.model} is {modelState}: the first message loads it, and the answer shows how long that took.
        </p>
      ) : null}
      <div class="chat" aria-live="polite" aria-label="Conversation">
        {conversation.value.length === 0 ? <p class="muted">Send a message to start.</p> : conversation.value.map((turn, i) => <TurnView key={i} turn={turn} modelState={stateOf.get(turn.model ?? '') ?? ''} />)}
      </div>
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <textarea
          rows={3}
          aria-label="Message"
          placeholder="Message (Enter sends, Shift+Enter for a new line)"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter' || e.shiftKey) return;
            e.preventDefault();
            send();
          }}
        />
        {sending.value ? (
          <button type="button" class="danger" onClick={stopAnswer}>
            Stop
          </button>
        ) : (
          <button type="submit" disabled={text.trim() === '' || s.model === ''}>
            Send
          </button>
        )}
      </form>
    </>
  );
}
