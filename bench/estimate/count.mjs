// The request's prompt as text (system, tools, messages) counted with @anthropic-ai/tokenizer.
import fs from 'node:fs';
import { countTokens } from '@anthropic-ai/tokenizer';
const raw = fs.readFileSync(process.argv[2]);
const req = JSON.parse(raw.toString('utf8'));
const text = (v) => typeof v === 'string' ? v : Array.isArray(v) ? v.map(text).join('\n') : (v && typeof v === 'object') ? (v.text !== undefined ? v.text : JSON.stringify(v)) : '';
const system = text(req.system ?? '');
const tools = JSON.stringify(req.tools ?? []);
const messages = (req.messages ?? []).map(m => text(m.content)).join('\n');
const counted = countTokens(system) + countTokens(tools) + countTokens(messages);
console.log(JSON.stringify({bytes: raw.length, model: req.model, max_tokens: req.max_tokens, tools: (req.tools ?? []).length, counted,
  bytesPerToken: +(raw.length / counted).toFixed(2), systemTokens: countTokens(system), toolTokens: countTokens(tools), messageTokens: countTokens(messages)}));
