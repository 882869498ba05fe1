// Finds the user-visible texts inside request and response bodies (OpenAI chat/completions/
// embeddings/responses, Anthropic messages, rerank, llama.cpp infill) as slots with a path,
// so redactions can be written back without touching anything else.
export type JsonPath = readonly (string | number)[];

export interface TextSlot {
  readonly path: JsonPath;
  readonly text: string;
  /** "system"/"developer" texts come from the operator's prompt; null when unknown. */
  readonly role: string | null;
  /** Position in `choices` for response texts (where finish_reason lives). */
  readonly choice: number | null;
}

type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SYSTEM_ROLES = new Set(['system', 'developer']);

export function isSystemSlot(slot: TextSlot): boolean {
  return slot.role !== null && SYSTEM_ROLES.has(slot.role);
}

class SlotCollector {
  readonly slots: TextSlot[] = [];

  text(value: unknown, path: JsonPath, role: string | null, choice: number | null = null): void {
    if (typeof value === 'string') this.slots.push({ path, text: value, role, choice });
  }

  /** A string, or an array of strings / parts ({type:"text", text}, tool results …). */
  content(value: unknown, path: JsonPath, role: string | null, choice: number | null = null): void {
    if (typeof value === 'string') {
      this.text(value, path, role, choice);
      return;
    }
    if (!Array.isArray(value)) return;
    value.forEach((part, i) => {
      if (typeof part === 'string') this.text(part, [...path, i], role, choice);
      else if (isRecord(part)) this.part(part, [...path, i], role, choice);
    });
  }

  /** The `field` of every part of `type` in a list (Anthropic thinking, Responses refusal). */
  typed(list: unknown, path: JsonPath, type: string, field: string): void {
    if (!Array.isArray(list)) return;
    list.forEach((part, i) => {
      if (isRecord(part) && part.type === type) this.text(part[field], [...path, i, field], 'assistant');
    });
  }

  part(part: Json, path: JsonPath, role: string | null, choice: number | null): void {
    this.text(part.text, [...path, 'text'], role, choice);
    if (part.type === 'tool_result') this.content(part.content, [...path, 'content'], role, choice);
    if (typeof part.output === 'string') this.text(part.output, [...path, 'output'], role, choice);
  }
}

export function extractRequestTexts(body: unknown): TextSlot[] {
  if (!isRecord(body)) return [];
  const c = new SlotCollector();
  c.content(body.system, ['system'], 'system');
  c.text(body.instructions, ['instructions'], 'system');
  if (Array.isArray(body.messages)) {
    body.messages.forEach((message, i) => {
      if (!isRecord(message)) return;
      const role = typeof message.role === 'string' ? message.role : null;
      c.content(message.content, ['messages', i, 'content'], role);
      if (Array.isArray(message.tool_calls)) {
        message.tool_calls.forEach((call, j) => {
          if (isRecord(call) && isRecord(call.function)) {
            c.text(call.function.arguments, ['messages', i, 'tool_calls', j, 'function', 'arguments'], role);
          }
        });
      }
    });
  }
  c.content(body.prompt, ['prompt'], 'user');
  if (typeof body.input === 'string') c.text(body.input, ['input'], 'user');
  else if (Array.isArray(body.input)) {
    body.input.forEach((item, i) => {
      if (typeof item === 'string') c.text(item, ['input', i], 'user');
      if (!isRecord(item)) return;
      const role = typeof item.role === 'string' ? item.role : 'user';
      c.content(item.content, ['input', i, 'content'], role);
      c.text(item.text, ['input', i, 'text'], role);
      c.text(item.output, ['input', i, 'output'], role);
    });
  }
  c.text(body.query, ['query'], 'user');
  c.content(body.documents, ['documents'], 'user');
  c.text(body.input_prefix, ['input_prefix'], 'user');
  c.text(body.input_suffix, ['input_suffix'], 'user');
  return c.slots;
}

export function extractResponseTexts(body: unknown): TextSlot[] {
  if (!isRecord(body)) return [];
  const c = new SlotCollector();
  if (Array.isArray(body.choices)) {
    body.choices.forEach((choice, i) => {
      if (!isRecord(choice)) return;
      if (isRecord(choice.message)) {
        c.content(choice.message.content, ['choices', i, 'message', 'content'], 'assistant', i);
        c.text(choice.message.reasoning_content, ['choices', i, 'message', 'reasoning_content'], 'assistant', i);
        c.text(choice.message.refusal, ['choices', i, 'message', 'refusal'], 'assistant', i);
      }
      c.text(choice.text, ['choices', i, 'text'], 'assistant', i);
    });
  }
  if (Array.isArray(body.content)) {
    c.content(body.content, ['content'], 'assistant');
    // Thinking is governed as its streamed thinking_delta is; redacted_thinking is opaque data.
    c.typed(body.content, ['content'], 'thinking', 'thinking');
  }
  if (Array.isArray(body.output)) {
    body.output.forEach((item, i) => {
      if (!isRecord(item)) return;
      // Message text and reasoning_text parts, reasoning summaries, and refusals.
      c.content(item.content, ['output', i, 'content'], 'assistant');
      c.content(item.summary, ['output', i, 'summary'], 'assistant');
      c.typed(item.content, ['output', i, 'content'], 'refusal', 'refusal');
    });
  }
  return c.slots;
}

/** A Responses `output_text`: the output_text parts of its message items, joined. */
export function getOutputText(items: readonly unknown[]): string {
  return items
    .filter(isRecord)
    .flatMap((item) => (Array.isArray(item.content) ? item.content.filter(isRecord) : []))
    .filter((part) => part.type === 'output_text' && typeof part.text === 'string')
    .map((part) => String(part.text))
    .join('');
}

export interface JsonEdit {
  readonly path: JsonPath;
  readonly value: unknown;
}

/** Copies only the containers on each edited path; everything else is shared with `body`. */
export function applyJsonEdits(body: unknown, edits: readonly JsonEdit[]): unknown {
  // A Set, not a WeakSet: it lives for this call only, and weak collections cost the GC more.
  const copies = new Set<object>();
  const copyOnce = (value: object): Json | unknown[] => {
    if (copies.has(value)) return value as Json | unknown[];
    const copy = Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Json) };
    copies.add(copy);
    return copy;
  };
  const setAt = (node: unknown, path: JsonPath, value: unknown): unknown => {
    const [head, ...rest] = path;
    if (head === undefined) return value;
    if (typeof node !== 'object' || node === null) return node;
    const copy = copyOnce(node);
    if (Array.isArray(copy) && typeof head === 'number') copy[head] = setAt(copy[head], rest, value);
    else if (!Array.isArray(copy)) copy[head] = setAt(copy[head], rest, value);
    return copy;
  };
  return edits.reduce<unknown>((root, edit) => setAt(root, edit.path, edit.value), body);
}

/** Writes back the texts that changed; returns `body` itself when none did. */
export function replaceSlotTexts(body: unknown, slots: readonly TextSlot[], texts: readonly string[]): unknown {
  const edits = slots.flatMap((slot, i) => (texts[i] !== undefined && texts[i] !== slot.text ? [{ path: slot.path, value: texts[i] }] : []));
  return edits.length === 0 ? body : applyJsonEdits(body, edits);
}
