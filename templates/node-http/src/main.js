// The service: GET /health and GET /hello.
//
// Configuration comes from the environment: PORT (default 8080) and
// DATABASE_ADDR (host:port of PostgreSQL; when set, /health checks that
// the database answers).
import { createServer } from './server.js';
import { pingPostgres } from './postgres.js';

const port = Number(process.env.PORT || 8080);
const db = process.env.DATABASE_ADDR;
const server = createServer({ ping: db ? () => pingPostgres(db) : undefined });

server.listen(port, () => console.log(`listening on :${port}`));

// As PID 1 in a container, node gets no default handler for SIGTERM: stop
// accepting connections and let the requests in flight finish.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 10000).unref();
  });
}
