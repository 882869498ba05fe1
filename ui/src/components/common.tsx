// Small pieces every page uses: a message banner, a model state badge, a ticking clock.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export function Banner(props: { kind?: 'error' | 'info' | 'warn'; children: ComponentChildren }) {
  const kind = props.kind ?? 'error';
  return (
    <p class={`banner banner-${kind}`} role={kind === 'info' ? 'status' : 'alert'}>
      {props.children}
    </p>
  );
}

/** "ready", "starting", … plus "failed" (stopped after a failure) and "peer". */
export function StateBadge(props: { state: string }) {
  return (
    <span class={`state state-${props.state}`} data-state={props.state}>
      <span class="dot" aria-hidden="true" />
      {props.state}
    </span>
  );
}

/** Date.now(), updated every `everyMs` while the component is mounted (for uptimes and countdowns). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** A label with a value, as the compact facts lines and the detail lists show them. */
export function Fact(props: { label: string; children: ComponentChildren; title?: string }) {
  return (
    <span class="fact" title={props.title}>
      <span class="fact-label">{props.label}</span> {props.children}
    </span>
  );
}

export function PageHeader(props: { title: string; children?: ComponentChildren }) {
  return (
    <div class="page-header">
      <h1>{props.title}</h1>
      {props.children === undefined ? null : <div class="page-actions">{props.children}</div>}
    </div>
  );
}
