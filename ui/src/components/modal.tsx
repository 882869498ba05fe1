// A modal dialog (the browser's <dialog>: Esc closes it, focus stays inside and returns after).
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog ref={ref} class="modal" aria-label={props.title} onClose={props.onClose}>
      <div class="modal-head">
        <h2>{props.title}</h2>
        <button type="button" class="link-button" onClick={() => ref.current?.close()}>
          Close
        </button>
      </div>
      {props.children}
    </dialog>
  );
}
