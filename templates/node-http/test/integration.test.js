// Integration tests against the db service of compose.yaml: `gazr
// test-integration` starts it and sets DATABASE_ADDR. `npm test` (unit
// tests) skips them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createServer } from '../src/server.js';
import { pingPostgres } from '../src/postgres.js';

const addr = process.env.DATABASE_ADDR;
const skip = !addr && 'DATABASE_ADDR is not set (gazr test-integration sets it)';

test('the database answers', { skip }, async () => {
  await pingPostgres(addr, 10000);
});

test('GET /health with the database', { skip }, async () => {
  const server = createServer({ ping: () => pingPostgres(addr) });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const status = await new Promise((resolve, reject) => {
      http.get(`http://127.0.0.1:${server.address().port}/health`, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject);
    });
    assert.equal(status, 200);
  } finally {
    server.close();
  }
});
