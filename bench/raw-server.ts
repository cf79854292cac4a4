import http from 'node:http';
import sqlite3 from 'sqlite3';
import { RAW_SQL } from './workload.js';

/**
 * The benchmark's lower bound: a bare node:http server answering every POST with workload Q's
 * result, built by one prepared SQLite statement on a read-only connection. No GraphQL, no
 * ORM, no authentication: what is left is HTTP plus SQL, which no gateway can beat.
 * Environment: BENCH_SQLITE (file), BENCH_WORKSPACE_ID, PORT.
 */
const file = process.env.BENCH_SQLITE!;
const workspaceId = process.env.BENCH_WORKSPACE_ID!;
const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY);
const statement = db.prepare(RAW_SQL);

const server = http.createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  // The request body is read (as a server must) but not interpreted: the answer is always Q's.
  req.resume();
  req.on('end', () => {
    statement.get([workspaceId], (error: Error | null, row: { body: string } | undefined) => {
      if (error || !row) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error ?? 'no row') }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(row.body);
    });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');

process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => statement.finalize(() => db.close(() => process.exit(0))));
});
