import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { createServer } from '../src/server.js';
import { pingPostgres, sslRequest } from '../src/postgres.js';

// get starts server on a free port, GETs path and stops the server.
async function get(server, path) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await new Promise((resolve, reject) => {
      http.get(`http://127.0.0.1:${server.address().port}${path}`, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      }).on('error', reject);
    });
  } finally {
    server.close();
  }
}

test('GET /health without a database', async () => {
  assert.deepEqual(await get(createServer(), '/health'), { status: 200, body: 'ok\n' });
});

test('GET /health with a database that answers', async () => {
  const res = await get(createServer({ ping: async () => {} }), '/health');
  assert.deepEqual(res, { status: 200, body: 'ok\n' });
});

test('GET /health with a database down', async () => {
  const ping = async () => {
    throw new Error('connection refused');
  };
  const res = await get(createServer({ ping }), '/health');
  assert.deepEqual(res, { status: 503, body: 'database unreachable: connection refused\n' });
});

test('GET /hello', async () => {
  assert.deepEqual(await get(createServer(), '/hello'), { status: 200, body: '{"message":"hello, world"}\n' });
  assert.deepEqual(await get(createServer(), '/hello?name=Ada'), { status: 200, body: '{"message":"hello, Ada"}\n' });
  assert.equal((await get(createServer(), '/nowhere')).status, 404);
});

// fakeServer answers every connection with reply; it resolves to its address.
async function fakeServer(t, reply) {
  const srv = net.createServer((sock) => {
    sock.once('data', (data) => {
      assert.deepEqual(data, sslRequest);
      sock.end(reply);
    });
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  t.after(() => srv.close());
  return `127.0.0.1:${srv.address().port}`;
}

test('pingPostgres', async (t) => {
  await pingPostgres(await fakeServer(t, 'N'));
  await assert.rejects(pingPostgres(await fakeServer(t, 'HTTP/1.1 400 Bad Request\r\n')), /not a PostgreSQL server/);
});
