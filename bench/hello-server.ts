// The reference for the ping rate: a bare node:http server that answers every request with
// 200 OK, run as a child process like the service. PORT sets the port.

import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 0);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2 });
  res.end('OK');
});
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`hello server listening on ${port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
