#!/usr/bin/env node
// Writes a tiny llama-architecture GGUF v3 model with seeded random f32 weights, so integration
// tests can run a real llama-server without downloading anything. The output is meaningless text.
// Usage: node scripts/make-tiny-gguf.mjs --seed N --out FILE
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { seed: { type: 'string' }, out: { type: 'string' } } });
if (values.out === undefined || values.seed === undefined || !/^\d+$/.test(values.seed)) {
  console.error('usage: node scripts/make-tiny-gguf.mjs --seed N --out FILE');
  process.exit(2);
}
const seed = Number(values.seed);

const N_EMBD = 64;
const N_HEAD = 4;
const N_HEAD_KV = 2;
const N_FF = 128;
const N_LAYER = 2;
const N_CTX = 2048;
const HEAD_DIM = N_EMBD / N_HEAD;
const ALIGNMENT = 32;

// GGUF metadata value types and the llama.cpp token types we use.
const T = { U32: 4, I32: 5, F32: 6, BOOL: 7, STRING: 8, ARRAY: 9 };
const TOKEN = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, BYTE: 6 };

const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

// mulberry32: small, deterministic, good enough for weights nobody reads.
function makeRandom(s) {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildVocab() {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [TOKEN.UNKNOWN, TOKEN.CONTROL, TOKEN.CONTROL];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TOKEN.BYTE);
  }
  tokens.push('<|im_start|>', '<|im_end|>');
  types.push(TOKEN.CONTROL, TOKEN.CONTROL);
  const words = ['the', 'a', 'and', 'of', 'to', 'is', 'in', 'it', 'hello', 'world', 'say', 'yes', 'no',
    'model', 'tiny', 'test', 'swap', 'gate', 'llama', 'server', 'user', 'assistant', 'system', 'ok'];
  const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
  const pieces = ['\u2581', ...words.map((w) => `\u2581${w}`), ...letters.map((l) => `\u2581${l}`), ...letters, ...words];
  for (const piece of new Set(pieces)) {
    tokens.push(piece);
    types.push(TOKEN.NORMAL);
  }
  // SentencePiece scores: higher merges first; special and byte tokens score 0.
  const scores = tokens.map((_, i) => (types[i] === TOKEN.NORMAL ? -(i - 260) : 0));
  return { tokens, types, scores };
}

class Writer {
  chunks = [];
  length = 0;
  push(buf) { this.chunks.push(buf); this.length += buf.length; }
  u32(v) { const b = Buffer.alloc(4); b.writeUInt32LE(v); this.push(b); }
  i32(v) { const b = Buffer.alloc(4); b.writeInt32LE(v); this.push(b); }
  u64(v) { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); this.push(b); }
  f32(v) { const b = Buffer.alloc(4); b.writeFloatLE(v); this.push(b); }
  str(s) { const b = Buffer.from(s, 'utf8'); this.u64(b.length); this.push(b); }
  pad() { const n = (ALIGNMENT - (this.length % ALIGNMENT)) % ALIGNMENT; if (n > 0) this.push(Buffer.alloc(n)); }
}

const SCALAR_WRITERS = { [T.U32]: 'u32', [T.I32]: 'i32', [T.F32]: 'f32', [T.STRING]: 'str' };

function writeValue(w, type, value) {
  if (type === T.BOOL) w.push(Buffer.from([value ? 1 : 0]));
  else w[SCALAR_WRITERS[type]](value);
}

function writeKv(w, [key, type, value, elementType]) {
  w.str(key);
  w.u32(type);
  if (type !== T.ARRAY) return writeValue(w, type, value);
  w.u32(elementType);
  w.u64(value.length);
  for (const v of value) writeValue(w, elementType, v);
}

const vocab = buildVocab();
const nVocab = vocab.tokens.length;
const metadata = [
  ['general.architecture', T.STRING, 'llama'],
  ['general.name', T.STRING, `tiny-llama-seed-${seed}`],
  ['general.alignment', T.U32, ALIGNMENT],
  ['general.file_type', T.U32, 0],
  ['llama.context_length', T.U32, N_CTX],
  ['llama.embedding_length', T.U32, N_EMBD],
  ['llama.block_count', T.U32, N_LAYER],
  ['llama.feed_forward_length', T.U32, N_FF],
  ['llama.attention.head_count', T.U32, N_HEAD],
  ['llama.attention.head_count_kv', T.U32, N_HEAD_KV],
  ['llama.attention.layer_norm_rms_epsilon', T.F32, 1e-5],
  ['llama.rope.dimension_count', T.U32, HEAD_DIM],
  ['llama.rope.freq_base', T.F32, 10000],
  ['llama.vocab_size', T.U32, nVocab],
  ['tokenizer.ggml.model', T.STRING, 'llama'],
  ['tokenizer.ggml.tokens', T.ARRAY, vocab.tokens, T.STRING],
  ['tokenizer.ggml.scores', T.ARRAY, vocab.scores, T.F32],
  ['tokenizer.ggml.token_type', T.ARRAY, vocab.types, T.I32],
  ['tokenizer.ggml.unknown_token_id', T.U32, 0],
  ['tokenizer.ggml.bos_token_id', T.U32, 1],
  ['tokenizer.ggml.eos_token_id', T.U32, vocab.tokens.indexOf('<|im_end|>')],
  ['tokenizer.ggml.add_bos_token', T.BOOL, true],
  ['tokenizer.ggml.add_eos_token', T.BOOL, false],
  ['tokenizer.chat_template', T.STRING, CHATML_TEMPLATE],
];

// Dimensions are in GGUF ne[] order: ne[0] is the row length (input features), the reverse of a
// row-major [out, in] shape. Norm weights are ones; the rest is small seeded noise.
const random = makeRandom(seed);
const noise = (n) => Float32Array.from({ length: n }, () => (random() * 2 - 1) * 0.1);
const ones = (n) => new Float32Array(n).fill(1);
const nKv = HEAD_DIM * N_HEAD_KV;
const tensors = [['token_embd.weight', [N_EMBD, nVocab], noise]];
for (let i = 0; i < N_LAYER; i++) {
  tensors.push(
    [`blk.${i}.attn_norm.weight`, [N_EMBD], ones],
    [`blk.${i}.attn_q.weight`, [N_EMBD, N_EMBD], noise],
    [`blk.${i}.attn_k.weight`, [N_EMBD, nKv], noise],
    [`blk.${i}.attn_v.weight`, [N_EMBD, nKv], noise],
    [`blk.${i}.attn_output.weight`, [N_EMBD, N_EMBD], noise],
    [`blk.${i}.ffn_norm.weight`, [N_EMBD], ones],
    [`blk.${i}.ffn_gate.weight`, [N_EMBD, N_FF], noise],
    [`blk.${i}.ffn_up.weight`, [N_EMBD, N_FF], noise],
    [`blk.${i}.ffn_down.weight`, [N_FF, N_EMBD], noise],
  );
}
tensors.push(['output_norm.weight', [N_EMBD], ones], ['output.weight', [N_EMBD, nVocab], noise]);

const header = new Writer();
header.push(Buffer.from('GGUF', 'ascii'));
header.u32(3);
header.u64(tensors.length);
header.u64(metadata.length);
for (const kv of metadata) writeKv(header, kv);

const data = new Writer();
for (const [name, dims, fill] of tensors) {
  const weights = fill(dims.reduce((a, b) => a * b, 1));
  header.str(name);
  header.u32(dims.length);
  for (const d of dims) header.u64(d);
  header.u32(0); // GGML_TYPE_F32
  header.u64(data.length);
  data.push(Buffer.from(weights.buffer));
  data.pad();
}
header.pad();

writeFileSync(values.out, Buffer.concat([...header.chunks, ...data.chunks]));
