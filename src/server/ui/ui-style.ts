// The web UI's stylesheet, inlined into the page (its hash goes into the CSP).
export const UI_STYLE = `
:root { color-scheme: light dark; --ok: #1a7f37; --busy: #b35900; --bad: #cf222e; --muted: #6e7781; --line: #8884; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; }
header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; padding: .6rem 1rem; border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.2rem; margin: 0; }
main { display: grid; grid-template-columns: minmax(22rem, 1fr) minmax(22rem, 1.4fr); gap: 1rem; padding: 1rem; }
section { min-width: 0; }
#logs-section { grid-column: 1 / -1; }
@media (max-width: 60rem) { main { grid-template-columns: 1fr; } }
h2 { font-size: 1rem; margin: 0 .5rem 0 0; display: inline-block; }
.bar { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin-bottom: .5rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.sub { color: var(--muted); font-size: .85em; }
.state { font-weight: 600; }
.state-ready { color: var(--ok); }
.state-starting, .state-stopping { color: var(--busy); }
.state-failed { color: var(--bad); }
.state-stopped, .state-peer { color: var(--muted); }
.status-error { color: var(--bad); }
.actions { white-space: nowrap; }
button { font: inherit; padding: .1rem .6rem; cursor: pointer; }
button:disabled { cursor: default; }
.msg { margin: .3rem 0; padding: .3rem .6rem; border-radius: 4px; }
.msg:empty { display: none; }
.msg.error { background: #cf222e22; border: 1px solid var(--bad); }
.msg.info { background: #8882; }
.note { color: var(--bad); font-size: .85em; white-space: pre-wrap; }
.failure { color: var(--bad); font-size: .85em; }
.scroll { max-height: 24rem; overflow: auto; }
#log-view { height: 24rem; overflow: auto; margin: 0; padding: .5rem; border: 1px solid var(--line); font: 12px/1.35 ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; }
#key-form { display: flex; gap: .4rem; align-items: center; }
#key-state { color: var(--muted); }
`;
