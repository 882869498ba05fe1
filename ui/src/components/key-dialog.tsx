// The API key: asked for when the daemon answers 401 (once: it is kept in sessionStorage for the
// tab), changeable or forgettable from the header at any time.
import { useState } from 'preact/hooks';
import { apiKey, setApiKey } from '../api/http';
import { Modal } from './modal';

export function KeyDialog(props: { reason: string; onDone: (changed: boolean) => void }) {
  const [value, setValue] = useState('');
  const save = (key: string): void => {
    setApiKey(key);
    props.onDone(true);
  };
  return (
    <Modal title="API key" onClose={() => props.onDone(false)}>
      {props.reason === '' ? null : (
        <p class="banner banner-warn" role="alert">
          {props.reason}
        </p>
      )}
      <form
        class="key-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim() !== '') save(value.trim());
        }}
      >
        <label for="key-input">Key (sent as a Bearer token, kept for this tab only)</label>
        <input id="key-input" type="password" autocomplete="off" value={value} onInput={(e) => setValue(e.currentTarget.value)} placeholder="sk-…" autofocus />
        <div class="row">
          <button type="submit" class="primary" disabled={value.trim() === ''}>
            Use key
          </button>
          {apiKey.value === '' ? null : (
            <button type="button" onClick={() => save('')}>
              Forget key
            </button>
          )}
        </div>
      </form>
      <p class="muted small">{apiKey.value === '' ? 'No key set.' : 'A key is set for this tab.'}</p>
    </Modal>
  );
}
