'use strict';
// Starts and stops a fresh PleaDesk server (demo data, its own temporary folder and free port)
// for one test, so that tests never share state: each citation can be answered only once per
// server run.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

/** The repository root: two folders up from tests/browser. */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BIN = process.env.PLEADESK_BIN || path.join(REPO_ROOT, 'target', 'debug', 'pleadesk');
const READY = /PleaDesk is running at .*\(listening on port (\d+)\)/;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

const running = new Set();
process.on('exit', () => {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function startOnce(port, dir, extraEnv) {
  return new Promise((resolve, reject) => {
    const env = {
      ...process.env,
      DATABASE_URL: `sqlite://${path.join(dir, 't.db')}`,
      PLEADESK_DATA_DIR: path.join(dir, 'data'),
      PLEADESK_BIND: `127.0.0.1:${port}`,
      PLEADESK_TEMPLATES_DIR: path.join(REPO_ROOT, 'templates'),
      PLEADESK_STATIC_DIR: path.join(REPO_ROOT, 'static'),
      PLEADESK_LOOKUP_PER_MINUTE: '100000',
      ...extraEnv,
    };
    const child = spawn(BIN, ['serve', '--demo'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let ready = false;
    const keep = (s, chunk) => (s + chunk).slice(-20_000);
    const fail = (why) => {
      clearTimeout(timer);
      running.delete(child);
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
      reject(new Error(`${why}\n--- server stdout ---\n${out}\n--- server stderr (end) ---\n${err.slice(-4000)}`));
    };
    const timer = setTimeout(() => fail(`PleaDesk did not print its ready line within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out = keep(out, chunk);
      const m = !ready && out.match(READY);
      if (m) {
        ready = true;
        clearTimeout(timer);
        if (Number(m[1]) !== port) {
          fail(`PleaDesk listens on port ${m[1]}, expected ${port}`);
          return;
        }
        resolve({ child, logs: () => ({ out, err }) });
      }
    });
    child.stderr.on('data', (chunk) => {
      err = keep(err, chunk);
    });
    child.on('error', (e) => fail(`could not start ${BIN}: ${e.message}`));
    child.on('exit', (code, signal) => {
      running.delete(child);
      if (!ready) fail(`PleaDesk exited before it was ready (code ${code}, signal ${signal})`);
    });
    running.add(child);
  });
}

/**
 * Starts `pleadesk serve --demo` on a free port with its own temporary database and data folder.
 * Returns { baseURL, port, dir, logs(), stop() }. Retries a few times: the port may be taken
 * between choosing and binding it, and the binary may be being relinked by a build.
 */
async function startServer(extraEnv = {}) {
  if (!fs.existsSync(BIN)) {
    throw new Error(`PleaDesk binary not found at ${BIN} (build it with cargo build, or set PLEADESK_BIN)`);
  }
  let lastError;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pleadesk-browser-'));
    const port = await freePort();
    try {
      const { child, logs } = await startOnce(port, dir, extraEnv);
      let stopped;
      const stop = () => {
        stopped ??= new Promise((resolve) => {
          const done = () => {
            clearTimeout(killer);
            running.delete(child);
            fs.rmSync(dir, { recursive: true, force: true });
            resolve();
          };
          if (child.exitCode !== null || child.signalCode !== null) {
            done();
            return;
          }
          // A graceful shutdown may wait for idle keep-alive connections: do not wait for long.
          const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
          child.once('exit', done);
          child.kill('SIGTERM');
        });
        return stopped;
      };
      return { baseURL: `http://127.0.0.1:${port}`, port, dir, logs, stop };
    } catch (e) {
      lastError = e;
      fs.rmSync(dir, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
  throw lastError;
}

/** `pleadesk user add NAME --role ROLE` against a started server's database; returns the password. */
function addUser(server, name, role) {
  const { spawnSync } = require('node:child_process');
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${path.join(server.dir, 't.db')}`,
    PLEADESK_DATA_DIR: path.join(server.dir, 'data'),
  };
  const out = spawnSync(BIN, ['user', 'add', name, '--role', role], { env, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`pleadesk user add failed: ${out.stderr}`);
  return out.stdout.match(/^password: (\S+)$/m)[1];
}

module.exports = { REPO_ROOT, BIN, addUser, freePort, startServer };
