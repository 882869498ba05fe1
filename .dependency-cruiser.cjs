// Import rules that keep swapgate's architecture so (`npm run lint:imports`, run by .ci/run).
// Layers, bottom up: shared <- config <- process <- supervisor; proxy (the HTTP pipeline, no
// framework, no governance) <- governance (policy, governor, audit) and observe <- server (the only hono user)
// <- cli <- main.ts. Folders a rule names that do not exist yet cost nothing.
//
// Type-only imports (`import type`, `import { type X }`) are kept (tsPreCompilationDeps: true):
// they are real dependencies of the design, so every layering rule checks them too. Only the
// cycle rule ignores them, since a cycle through types alone never runs (`npm run cycles`, dpdm
// -T, checks runtime cycles as well).

/** Node's http module, however it is spelled. */
const NODE_HTTP = '^(node:)?http$';
/** hono and its adapters (@hono/node-server, ...), as resolved into node_modules. */
const HONO = '(^|/)node_modules/(hono|@hono/[^/]+)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-runtime-cycle',
      severity: 'error',
      comment:
        'A cycle of imports that exist at run time (type-only imports excluded). Break it: move the shared ' +
        'piece down a layer, or depend on an interface instead.',
      from: {},
      to: {
        circular: true,
        dependencyTypesNot: ['type-only'],
        viaOnly: { dependencyTypesNot: ['type-only'] },
      },
    },
    {
      name: 'shared-is-a-leaf',
      severity: 'error',
      comment: 'src/shared is the bottom layer: it imports nothing from other src/ folders.',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'config-only-on-shared',
      severity: 'error',
      comment: 'src/config may import only src/shared (and itself).',
      from: { path: '^src/config/' },
      to: { path: '^src/', pathNot: '^src/(config|shared)/' },
    },
    {
      name: 'process-only-on-config-shared',
      severity: 'error',
      comment: 'src/process may import only src/config and src/shared (and itself).',
      from: { path: '^src/process/' },
      to: { path: '^src/', pathNot: '^src/(process|config|shared)/' },
    },
    {
      name: 'supervisor-only-on-process-config-shared',
      severity: 'error',
      comment: 'src/supervisor may import only src/process, src/config and src/shared (and itself).',
      from: { path: '^src/supervisor/' },
      to: { path: '^src/', pathNot: '^src/(supervisor|process|config|shared)/' },
    },
    {
      name: 'proxy-knows-no-governance-or-framework',
      severity: 'error',
      comment:
        'src/proxy is the framework-free HTTP pipeline: it must not import src/server, src/governance, ' +
        'src/policy, src/governor, src/audit, nor hono / @hono/*. Governance plugs in through src/proxy/hooks.ts.',
      from: { path: '^src/proxy/' },
      to: { path: ['^src/(server|governance|policy|governor|audit|observe)/', HONO] },
    },
    {
      name: 'governance-core-is-transport-free',
      severity: 'error',
      comment:
        'src/policy, src/governor and src/audit decide on data, not on HTTP: no node:http, no hono, and ' +
        'nothing from src/proxy, src/server, src/supervisor or src/cli.',
      from: { path: '^src/(policy|governor|audit)/' },
      to: { path: [NODE_HTTP, HONO, '^src/(proxy|server|supervisor|cli)/'] },
    },
    {
      name: 'governance-uses-proxy-hooks-only',
      severity: 'error',
      comment: 'src/governance may use from src/proxy only its extension points: src/proxy/hooks.ts and src/proxy/exchange.ts.',
      from: { path: '^src/governance/' },
      to: { path: '^src/proxy/', pathNot: '^src/proxy/(hooks|exchange)\\.ts$' },
    },
    {
      name: 'observe-is-a-hook-implementation',
      severity: 'error',
      comment:
        'src/observe (activity, events, metrics) plugs into the pipeline as a hook: from src/proxy it uses only ' +
        'hooks.ts and exchange.ts, and it imports nothing from src/server, src/governance, src/policy, ' +
        'src/governor, src/audit or src/cli, nor hono.',
      from: { path: '^src/observe/' },
      to: { path: ['^src/proxy/(?!(hooks|exchange)\\.ts$)', '^src/(server|governance|policy|governor|audit|cli)/', HONO] },
    },
    {
      name: 'prom-client-only-in-observe',
      severity: 'error',
      comment: 'prom-client lives in src/observe (one place per outside package).',
      from: { pathNot: '^src/observe/' },
      to: { path: '(^|/)node_modules/prom-client/' },
    },
    {
      name: 'hono-only-in-server',
      severity: 'error',
      comment: 'Only src/server imports hono and @hono/* (the rest of the daemon is framework-free).',
      from: { pathNot: '^src/server/' },
      to: { path: HONO },
    },
    {
      name: 'cli-only-from-main',
      severity: 'error',
      comment: 'src/cli is the top layer: only src/main.ts (and src/cli itself) import it.',
      from: { pathNot: ['^src/main\\.ts$', '^src/cli/'] },
      to: { path: '^src/cli/' },
    },
    {
      name: 'ui-is-a-client',
      severity: 'error',
      comment:
        'The web UI (ui/) talks to the daemon over HTTP only: it imports nothing from src/ or test/ ' +
        '(its wire types live in ui/src/api/types.ts).',
      from: { path: '^ui/' },
      to: { path: '^(src|test)/' },
    },
    {
      name: 'ui-uses-its-own-packages',
      severity: 'error',
      comment: 'The web UI bundles preact, @preact/signals, uplot and ansi_up, and nothing else (node: modules do not exist in a browser).',
      from: { path: '^ui/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-no-pkg', 'npm-unknown', 'core'], pathNot: '(^|/)node_modules/(preact|@preact/signals|@preact/signals-core|uplot|ansi_up)/' },
    },
    {
      name: 'uplot-only-on-the-performance-page',
      severity: 'error',
      comment:
        'uPlot (22 kB gz) loads with the Performance page only: only ui/src/pages/chart.tsx imports it, and the ' +
        'rest of the UI reaches that page through a dynamic import().',
      from: { path: '^ui/', pathNot: '^ui/src/pages/chart\\.tsx$' },
      to: { path: '(^|/)node_modules/uplot/' },
    },
    {
      name: 'performance-page-is-lazy',
      severity: 'error',
      comment: 'The app shell imports the Performance page (and its chart) with import() only, so uPlot stays out of the first load.',
      from: { path: '^ui/', pathNot: '^ui/src/pages/(performance-page|chart)\\.tsx$' },
      to: { path: '^ui/src/pages/(performance-page|chart)\\.tsx$', dependencyTypesNot: ['dynamic-import'] },
    },
    {
      name: 'browser-packages-only-in-ui',
      severity: 'error',
      comment: 'preact, @preact/signals, uplot and ansi_up are the web UI\'s (bundled into dist/ui); the daemon does not import them.',
      from: { path: '^src/' },
      to: { path: '(^|/)node_modules/(preact|@preact/signals|@preact/signals-core|uplot|ansi_up)/' },
    },
    {
      name: 'src-not-on-test-or-ui',
      severity: 'error',
      comment: 'Code under src/ never imports test code (test/) or the top-level ui/ folder.',
      from: { path: '^src/' },
      to: { path: '^(test|ui)/' },
    },
  ],
  options: {
    // Type-only imports count (with dependency type "type-only"); see the top of this file.
    tsPreCompilationDeps: true,
    // Resolves the ESM-style `./x.js` specifiers to the `./x.ts` files, as tsc does.
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'browser', 'default'],
      mainFields: ['module', 'main', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
