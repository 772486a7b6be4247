import net from 'node:net';

// The 8-byte message a PostgreSQL client sends first to ask for TLS:
// length 8, code 80877103. Every server answers it with one byte, 'S' or
// 'N', which tells a PostgreSQL server from anything else without a
// driver, a user or a password.
export const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);

// pingPostgres resolves when the PostgreSQL server at addr (host:port)
// answers. It uses node:net only; a real application would use a driver
// (the pg package) and run a query.
export function pingPostgres(addr, timeoutMs = 2000) {
  const i = addr.lastIndexOf(':');
  const host = addr.slice(0, i);
  const port = Number(addr.slice(i + 1));
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    const fail = (err) => {
      sock.destroy();
      reject(err);
    };
    sock.setTimeout(timeoutMs, () => fail(new Error(`${addr}: no answer in ${timeoutMs} ms`)));
    sock.once('error', fail);
    sock.once('connect', () => sock.write(sslRequest));
    sock.once('data', (data) => {
      sock.destroy();
      const c = String.fromCharCode(data[0]);
      if (c === 'S' || c === 'N') {
        resolve();
      } else {
        reject(new Error(`${addr}: not a PostgreSQL server`));
      }
    });
    sock.once('end', () => fail(new Error(`${addr}: closed without an answer`)));
  });
}
