// What a Responses stream has produced so far (the response object, its output items and their
// text parts), so that an ending swapgate writes itself (response.incomplete) carries the same
// output the client saw in the deltas: governed text only, held or dropped text never.
import { isRecord } from '../policy/extract-texts.js';
import type { Json } from './stream-format.js';

/** "c<content_index>" for content parts, "s<summary_index>" for reasoning summaries. */
export type PartSlot = `c${number}` | `s${number}`;

export interface ResponsesOutput {
  /** The latest response object from response.created / in_progress / queued. */
  setResponse(response: Json): void;
  /** An output item was added (item_id or "#<output_index>" as key). */
  addItem(itemKey: string, item: Json): void;
  /** An output item is done; `item` is what the client got (already governed). */
  finishItem(itemKey: string, item: Json): void;
  /** A text part of an item: its type, and the part object the upstream announced if any. */
  addPart(itemKey: string, slot: PartSlot, partType: string, announced: Json | null): void;
  /** A response object ending the stream early, with the text released for each part. */
  buildIncomplete(reason: string, textOf: (key: string) => string): Json;
}

export function getPartKey(itemKey: string, slot: PartSlot): string {
  return `${itemKey}\u0000${slot}`;
}

export function getTextField(partType: unknown): 'refusal' | 'text' {
  return partType === 'refusal' ? 'refusal' : 'text';
}

interface ItemRecord {
  item: Json;
  done: boolean;
  readonly parts: Map<PartSlot, { partType: string; announced: Json | null }>;
}

const MESSAGE_PARTS = new Set(['output_text', 'refusal']);

export function createResponsesOutput(): ResponsesOutput {
  let response: Json = { object: 'response' };
  const items = new Map<string, ItemRecord>();

  const getItem = (itemKey: string, partType: string): ItemRecord => {
    let record = items.get(itemKey);
    if (!record) {
      // Deltas for an item never announced: describe it from what its parts are.
      const item: Json = MESSAGE_PARTS.has(partType)
        ? { id: itemKey, type: 'message', role: 'assistant', content: [] }
        : { id: itemKey, type: 'reasoning', summary: [], content: [] };
      record = { item, done: false, parts: new Map() };
      items.set(itemKey, record);
    }
    return record;
  };

  const buildItem = (itemKey: string, record: ItemRecord, textOf: (key: string) => string): Json => {
    if (record.done) return record.item;
    const lists: Record<'c' | 's', unknown[]> = {
      c: Array.isArray(record.item.content) ? [...(record.item.content as unknown[])] : [],
      s: Array.isArray(record.item.summary) ? [...(record.item.summary as unknown[])] : [],
    };
    for (const [slot, { partType, announced }] of record.parts) {
      const list = lists[slot[0] as 'c' | 's'];
      const at = Number(slot.slice(1));
      const base = announced ?? (isRecord(list[at]) ? (list[at] as Json) : { type: partType });
      list[at] = { ...base, [getTextField(partType)]: textOf(getPartKey(itemKey, slot)) };
    }
    const built: Json = { ...record.item, status: 'incomplete' };
    if (lists.c.length > 0 || 'content' in record.item) built.content = lists.c;
    if (lists.s.length > 0 || 'summary' in record.item) built.summary = lists.s;
    return built;
  };

  return {
    setResponse(value) {
      response = value;
    },
    addItem(itemKey, item) {
      items.set(itemKey, { item, done: false, parts: items.get(itemKey)?.parts ?? new Map() });
    },
    finishItem(itemKey, item) {
      items.set(itemKey, { item, done: true, parts: items.get(itemKey)?.parts ?? new Map() });
    },
    addPart(itemKey, slot, partType, announced) {
      const parts = getItem(itemKey, partType).parts;
      const known = parts.get(slot);
      // Every delta of a part reports it again: record it only when it is new or differs.
      if (known !== undefined && known.partType === partType && (announced === null || announced === known.announced)) return;
      parts.set(slot, { partType, announced: announced ?? known?.announced ?? null });
    },
    buildIncomplete(reason, textOf) {
      const output = [...items].map(([itemKey, record]) => buildItem(itemKey, record, textOf));
      return { ...response, status: 'incomplete', incomplete_details: { reason }, output };
    },
  };
}
