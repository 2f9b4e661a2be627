// The official TypeScript SDK against Headroom's gateway (issue 14): a message, a stream, and the
// SDK's RateLimitError for a member at their limit. Prints one JSON line of what it saw.
import Anthropic from '@anthropic-ai/sdk';

const [baseURL, key, limitedKey] = process.argv.slice(2);
const client = new Anthropic({ baseURL, apiKey: key, maxRetries: 0 });
const seen = {};
const message = await client.messages.create({
  model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }],
});
seen.text = message.content[0].text;
seen.outputTokens = message.usage.output_tokens;
const stream = client.messages.stream({
  model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }],
});
const events = [];
for await (const event of stream) events.push(event.type);
seen.events = events;
seen.final = (await stream.finalMessage()).usage.output_tokens;
try {
  await new Anthropic({ baseURL, apiKey: limitedKey, maxRetries: 0 }).messages.create({
    model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }],
  });
  seen.limited = 'answered';
} catch (e) {
  seen.limited = e instanceof Anthropic.RateLimitError ? 'RateLimitError' : String(e);
  seen.reason = e.error?.error?.headroom?.reason;
}
console.log(JSON.stringify(seen));
