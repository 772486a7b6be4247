import http from 'node:http';

// createServer routes the service's endpoints. ping, when given, checks
// the database for /health.
export function createServer({ ping } = {}) {
  return http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/health') {
      // 200 "ok" when the process serves requests and, if it has a
      // database (ping), the database answers; 503 otherwise.
      if (ping) {
        try {
          await ping();
        } catch (err) {
          return send(res, 503, 'text/plain', `database unreachable: ${err.message}\n`);
        }
      }
      return send(res, 200, 'text/plain', 'ok\n');
    }
    if (req.method === 'GET' && url.pathname === '/hello') {
      const name = url.searchParams.get('name') || 'world';
      return send(res, 200, 'application/json', JSON.stringify({ message: `hello, ${name}` }) + '\n');
    }
    return send(res, 404, 'text/plain', 'not found\n');
  });
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
