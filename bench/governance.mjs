// 6. Governance cost: req/s at c=32 through swapgate with a policy set (PII redaction, a
// content filter, prompt-injection detection, an audit log of every request to a temp file)
// vs the same daemon config with no policies. The prompt carries an email address and a card
// number, so redaction really rewrites every request, and the fake upstream echoes the prompt,
// so it rewrites every response too.
import { assertClean, runLoad } from './lib/load.mjs';
import { makeFigure } from './lib/report.mjs';
import { PII_POLICY, fakeModel, makeConfig, startSwapgate, waitForAuditRecords, warmUp } from './lib/swapgate.mjs';

export const name = 'governance';
export const title = 'governance cost (policies + audit on vs off, c=32)';

const CONNECTIONS = 32;
const EMAIL = 'jane.doe@example.com';
const BODY = {
  model: 'a',
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    // Unique per request ([<id>]): a chat repeats its system prompt and history, not the new turn.
    { role: 'user', content: `My email is ${EMAIL} and my card is 4111 1111 1111 1111. Say hello in one short sentence. Request [<id>].` },
  ],
  max_tokens: 8,
};
const POLICIES = [
  PII_POLICY,
  { id: 'safety', rules: [
    { type: 'content_filter', action: 'block', terms: ['forbidden-term', '/build\\s+a\\s+bomb/i'] },
    { type: 'prompt_injection', action: 'block' },
  ] },
];
const AUDIT_FILE = 'audit.jsonl';

export async function run(ctx) {
  if (!ctx.withDaemon) return { figures: [], notes: ['skipped: needs the swapgate daemon (--skip-swapgate)'] };
  const amount = ctx.quick ? 1000 : 5000;
  const notes = [];
  const off = await startSwapgate(makeConfig({ a: fakeModel('a') }));
  const on = await startSwapgate(makeConfig({ a: fakeModel('a') }, { policies: POLICIES, audit: { path: AUDIT_FILE, log_all_access: true } }));
  try {
    await warmUp(off, 'a', { body: BODY });
    const probe = await warmUp(on, 'a', { body: BODY });
    const redacted = !probe.text.includes(EMAIL);
    notes.push(redacted
      ? 'redaction checked: the answer with policies on does not contain the email address'
      : `WARNING: the answer with policies on still contains ${EMAIL}: redaction did not apply`);
    const targets = [{ id: 'off', gate: off }, { id: 'on', gate: on }];
    let sentToOn = 1; // the probe
    for (const target of targets) {
      const warm = await runLoad({ url: `${target.gate.url}/v1/chat/completions`, body: BODY, connections: CONNECTIONS, amount: Math.min(1000, amount), uniqueBodies: true });
      assertClean(warm, `governance ${target.id} warm-up`);
      if (target.id === 'on') sentToOn += warm.ok;
    }
    const samples = { off: [], on: [] };
    for (let round = 0; round < ctx.runs; round++) {
      for (const target of targets) {
        const result = await runLoad({ url: `${target.gate.url}/v1/chat/completions`, body: BODY, connections: CONNECTIONS, amount, uniqueBodies: true });
        assertClean(result, `governance ${target.id}`);
        samples[target.id].push(result);
        if (target.id === 'on') sentToOn += result.ok;
        ctx.log(`  round ${round + 1} policies ${target.id}: ${result.reqPerSec.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms`);
      }
    }
    const audit = await waitForAuditRecords(on, AUDIT_FILE, sentToOn);
    notes.push(audit.records === sentToOn
      ? `audit log: one record for each of the ${sentToOn.toLocaleString('en-US')} requests`
      : `WARNING: ${audit.records.toLocaleString('en-US')} audit records in ${audit.path} for ${sentToOn.toLocaleString('en-US')} requests`);
    const rps = (id) => samples[id].map((r) => r.reqPerSec);
    const ratio = makeFigure('on / off req/s', rps('on').map((x, i) => x / rps('off')[i]), '×', { target: { op: '>=', value: 0.8, label: '≥ 0.8×' } });
    if (!redacted || audit.records === 0) {
      ratio.pass = null; // shown as n/a: a ratio against policies that did nothing says nothing
      notes.push('on / off ratio NOT JUDGED: the policies or the audit log did not take effect in this build');
    }
    const figures = [
      makeFigure('req/s c=32 policies off', rps('off'), 'req/s', { digits: 0 }),
      makeFigure('req/s c=32 policies on', rps('on'), 'req/s', { digits: 0 }),
      ratio,
      makeFigure('p50 c=32 policies off', samples.off.map((r) => r.p50Ms), 'ms', { digits: 2 }),
      makeFigure('p50 c=32 policies on', samples.on.map((r) => r.p50Ms), 'ms', { digits: 2 }),
    ];
    return { figures, notes, raw: samples };
  } finally {
    await off.stop();
    await on.stop();
  }
}
