// Drives a running `railyard serve` (a test engine whose backend "counts": after letter c comes
// the next letter) with the official openai npm client. Usage: node client-test.mjs BASE_URL MODEL
// Prints one "ok ..." line per check and exits 0, or prints the failure and exits 1.
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const [baseURL, model] = process.argv.slice(2);
if (!baseURL || !model) {
  console.error('usage: node client-test.mjs BASE_URL MODEL');
  process.exit(2);
}
const client = new OpenAI({ baseURL, apiKey: 'not-needed', maxRetries: 0, timeout: 30_000 });

async function completion() {
  const c = await client.completions.create({ model, prompt: 'abc', max_tokens: 5, temperature: 0 });
  assert.equal(c.object, 'text_completion');
  assert.equal(c.model, model);
  assert.equal(c.choices.length, 1);
  assert.equal(c.choices[0].text, 'defgh');
  assert.equal(c.choices[0].finish_reason, 'length');
  assert.deepEqual(c.usage, { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 });
  console.log(`ok completion: ${JSON.stringify(c.choices[0].text)}`);
}

async function chat() {
  const c = await client.chat.completions.create({
    model, max_tokens: 6, temperature: 0, stop: ['f'],
    messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }],
  });
  assert.equal(c.object, 'chat.completion');
  assert.ok(c.id.startsWith('chatcmpl-'));
  assert.equal(c.choices[0].message.role, 'assistant');
  assert.equal(c.choices[0].message.content, 'abcde');
  assert.equal(c.choices[0].finish_reason, 'stop');
  console.log(`ok chat completion: ${JSON.stringify(c.choices[0].message.content)}`);
}

async function chatStream() {
  const stream = await client.chat.completions.create({
    model, max_tokens: 8, temperature: 0, stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'hi' }],
  });
  const chunks = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
  }
  assert.ok(chunks.length >= 3, `too few chunks: ${chunks.length}`);
  for (const ch of chunks) {
    assert.equal(ch.object, 'chat.completion.chunk');
    assert.equal(ch.id, chunks[0].id);
  }
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  const content = chunks.flatMap((ch) => ch.choices).map((c) => c.delta.content ?? '').join('');
  assert.equal(content, 'abcdefgh');
  const finishes = chunks.flatMap((ch) => ch.choices).filter((c) => c.finish_reason !== null);
  assert.equal(finishes.length, 1);
  assert.equal(finishes[0].finish_reason, 'length');
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert.equal(last.usage.completion_tokens, 8);
  console.log(`ok chat stream: ${chunks.length} chunks, ${JSON.stringify(content)}, usage ${JSON.stringify(last.usage)}`);
}

async function completionStream() {
  const stream = await client.completions.create({ model, prompt: 'wx', max_tokens: 5, temperature: 0, stream: true });
  let text = '';
  let reason = null;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'text_completion');
    text += chunk.choices[0].text;
    reason = chunk.choices[0].finish_reason ?? reason;
  }
  assert.equal(text, 'yzabc');
  assert.equal(reason, 'length');
  console.log(`ok completion stream: ${JSON.stringify(text)}`);
}

async function errors() {
  await assert.rejects(client.completions.create({ model: 'no-such-model', prompt: 'abc' }), (e) => {
    assert.ok(e instanceof OpenAI.NotFoundError, `expected NotFoundError, got ${e}`);
    assert.equal(e.status, 404);
    assert.equal(e.code, 'model_not_found');
    return true;
  });
  await assert.rejects(client.completions.create({ model, prompt: 'abc', n: 3 }), (e) => {
    assert.ok(e instanceof OpenAI.BadRequestError);
    assert.equal(e.param, 'n');
    return true;
  });
  const models = await client.models.list();
  assert.deepEqual(models.data.map((m) => m.id), [model]);
  console.log('ok errors and models');
}

try {
  await completion();
  await chat();
  await chatStream();
  await completionStream();
  await errors();
  console.log('all openai client checks passed');
} catch (e) {
  console.error('FAILED:', e);
  process.exit(1);
}
