// The web UI: one static page (no data in it; the script fetches everything with the user's
// key) with its style and script inline, allowed by their SHA-256 in a strict CSP.
import { createHash } from 'node:crypto';
import { UI_SCRIPT_CORE } from './ui-script-core.js';
import { UI_SCRIPT_LOGS } from './ui-script-logs.js';
import { UI_SCRIPT_MODELS } from './ui-script-models.js';
import { UI_STYLE } from './ui-style.js';

const UI_SCRIPT = `(function () {\n'use strict';\n${UI_SCRIPT_CORE}${UI_SCRIPT_MODELS}${UI_SCRIPT_LOGS}})();\n`;

function getCspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** Only this page's own script and style run; it talks to this daemon only. */
export const UI_CSP = [
  "default-src 'none'",
  `script-src ${getCspHash(UI_SCRIPT)}`,
  `style-src ${getCspHash(UI_STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const UI_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': UI_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

export const UI_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>swapgate</title>
<link rel="icon" href="data:,">
<style>${UI_STYLE}</style>
</head>
<body>
<header>
  <h1>swapgate</h1>
  <form id="key-form" autocomplete="off">
    <label for="key-input">API key</label>
    <input id="key-input" type="password" autocomplete="off" placeholder="paste a key" size="28">
    <button type="submit">Use key</button>
    <button type="button" id="key-clear">Forget key</button>
    <span id="key-state"></span>
  </form>
</header>
<main>
  <section id="models-section" aria-labelledby="models-title">
    <div class="bar"><h2 id="models-title">Models</h2><button type="button" id="unload-all">Unload all</button></div>
    <p id="models-msg" class="msg info" role="status">Connecting...</p>
    <div class="scroll"><table id="models">
      <thead><tr><th>Model</th><th>State</th><th>Actions</th></tr></thead>
      <tbody id="models-body"></tbody>
    </table></div>
  </section>
  <section id="activity-section" aria-labelledby="activity-title">
    <div class="bar"><h2 id="activity-title">Activity</h2>
      <label><input type="checkbox" id="activity-hide-ui" checked> hide UI and log requests</label></div>
    <p id="activity-msg" class="msg info" role="status">Connecting...</p>
    <div class="scroll"><table id="activity">
      <thead><tr><th>Time</th><th>Method</th><th>Path</th><th>Model</th><th>Status</th><th>Duration</th></tr></thead>
      <tbody id="activity-body"></tbody>
    </table></div>
  </section>
  <section id="logs-section" aria-labelledby="logs-title">
    <div class="bar"><h2 id="logs-title">Logs</h2>
      <label for="log-channel">channel</label> <select id="log-channel"></select>
      <label><input type="checkbox" id="log-follow" checked> follow</label>
      <button type="button" id="log-clear">Clear</button></div>
    <p id="logs-msg" class="msg info" role="status">Connecting...</p>
    <pre id="log-view" aria-live="off"></pre>
  </section>
</main>
<script>${UI_SCRIPT}</script>
</body>
</html>
`;
