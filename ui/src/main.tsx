// Entry point: theme first (no flash of the wrong one), then the page, then the event stream.
import { render } from 'preact';
import { App } from './app';
import { startRouter } from './router';
import { stream } from './state/live-store';
import { applyTheme, theme } from './theme';

applyTheme(theme.value);
startRouter();
const root = document.getElementById('app');
if (root === null) throw new Error('the page has no #app element');
render(<App />, root);
stream.start();
