// Runs the registered hooks in order. Admission stops at the first refusal or answer; a pass may
// name the caller, rewrite the body, add headers and notes, or ask to see the response. The
// lists are split by method once, so a request pays only for the hooks that act on its stage.
import type { Logger } from '../shared/logger.js';
import type { Exchange, ExchangeFinisher } from './exchange.js';
import type { BodyKind, Decision, FinishedRecord, JsonObject, ModelCall, PipelineHook, ResponseWrapper } from './hooks.js';
import type { Target } from './model-resolver.js';

/** The outcome of model admission, for the body reader that asked. */
export type ModelAdmission =
  | {
      readonly kind: 'pass';
      readonly body: JsonObject | null;
      readonly wrappers: readonly ResponseWrapper[] | null;
      /** Ask the upstream for an uncompressed answer (a hook reads it). */
      readonly unencoded: boolean;
    }
  | Extract<Decision, { kind: 'answer' | 'refuse' }>;

export class HookChain implements ExchangeFinisher {
  private readonly callerHooks: PipelineHook[];
  private readonly modelHooks: PipelineHook[];
  private readonly finishHooks: PipelineHook[];

  constructor(
    hooks: readonly PipelineHook[],
    private readonly logger: Logger,
    readonly now: () => number,
  ) {
    this.callerHooks = hooks.filter((h) => h.admitCaller !== undefined);
    this.modelHooks = hooks.filter((h) => h.admitModel !== undefined);
    this.finishHooks = hooks.filter((h) => h.onFinished !== undefined);
  }

  /** Who is calling: null when admitted, else the refusal to answer with. */
  admitCaller(exchange: Exchange): Extract<Decision, { kind: 'refuse' }> | null {
    for (const hook of this.callerHooks) {
      const decision = (hook.admitCaller as NonNullable<PipelineHook['admitCaller']>)({
        facts: exchange,
        route: exchange.route,
        caller: exchange.caller,
      });
      exchange.addHeaders(decision.headers);
      exchange.addNotes(decision.notes);
      if (decision.caller !== undefined) exchange.caller = decision.caller;
      if (decision.kind === 'refuse') return decision;
    }
    return null;
  }

  admitModel(exchange: Exchange, target: Target, kind: BodyKind, body: JsonObject | null): ModelAdmission {
    exchange.model = target.label;
    let current = body;
    let wrappers: ResponseWrapper[] | null = null;
    let unencoded = false;
    for (const hook of this.modelHooks) {
      const call: ModelCall = { facts: exchange, caller: exchange.caller, target, kind, body: current };
      const decision = (hook.admitModel as NonNullable<PipelineHook['admitModel']>)(call);
      exchange.addHeaders(decision.headers);
      exchange.addNotes(decision.notes);
      if (decision.kind !== 'pass') {
        // Refused for who is calling (scope, passthrough rights) it was not used as inference.
        exchange.inference = decision.kind === 'answer' || decision.error.status !== 403;
        return decision;
      }
      if (decision.body !== undefined) current = decision.body;
      if (decision.wrap !== undefined) (wrappers ??= []).push(decision.wrap);
      if (decision.unencoded === true) unencoded = true;
    }
    exchange.inference = true;
    return { kind: 'pass', body: current, wrappers, unencoded };
  }

  /** A promise when some hook wants its record durable before the response ends; it never rejects. */
  finish(record: FinishedRecord): void | Promise<void> {
    let first: Promise<void> | null = null;
    let more: Promise<void>[] | null = null;
    for (const hook of this.finishHooks) {
      try {
        const done = (hook.onFinished as NonNullable<PipelineHook['onFinished']>)(record);
        if (done === undefined) continue;
        const guarded = done.catch((error: unknown) => this.report(hook, error));
        if (first === null) first = guarded;
        else (more ??= []).push(guarded);
      } catch (error) {
        this.report(hook, error);
      }
    }
    if (more !== null) return Promise.all([first, ...more]).then(() => undefined);
    if (first !== null) return first;
  }

  private report(hook: PipelineHook, error: unknown): void {
    this.logger.error({ err: error, hook: hook.name }, 'a finished-request hook failed');
  }
}
