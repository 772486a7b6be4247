// The container's health check: GET /health on the running service; exit
// 0 when it answers 200.
import http from 'node:http';

const port = Number(process.env.PORT || 8080);
const req = http.get({ host: '127.0.0.1', port, path: '/health', timeout: 3000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', (err) => {
  console.error(`health: ${err.message}`);
  process.exit(1);
});
