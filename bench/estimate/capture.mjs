// bench/estimate.sh: records the first POST /v1/messages body and answers 429 (no retry) so Claude Code stops.
import http from 'node:http';
import fs from 'node:fs';
const out = process.argv[2];
const server = http.createServer((req, res) => {
  let body = [];
  req.on('data', c => body.push(c));
  req.on('end', () => {
    const buf = Buffer.concat(body);
    if (req.url.startsWith('/v1/messages') && !req.url.includes('count_tokens') && !fs.existsSync(out)) fs.writeFileSync(out, buf);
    res.writeHead(429, {'content-type': 'application/json', 'retry-after': '3600', 'x-should-retry': 'false'});
    res.end('{"type":"error","error":{"type":"rate_limit_error","message":"captured"}}');
  });
});
server.listen(0, '127.0.0.1', () => { console.log(server.address().port); });
