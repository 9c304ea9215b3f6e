// Plain JavaScript on purpose: jest's global setup loads it with Node's own resolver, which
// does not go through the TypeScript transform the tests use.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Starts `src/embedded-mongo/main.ts` in a child process and resolves with its address once
 * it prints its start-up line.
 * @param {string[]} extraArgs arguments after `--port`, e.g. `['--data', dir]`
 * @param {{ port?: number }} [options]
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, uri: string, port: number }>}
 */
export function startEmbeddedMongoProcess(extraArgs = [], options = {}) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/embedded-mongo/main.ts', '--port', String(options.port ?? 0), ...extraArgs],
    { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const onExit = (code, signal) =>
      reject(new Error(`embedded-mongo exited (${code ?? signal}) before listening:\n${output}`));
    const onData = (chunk) => {
      output += chunk.toString();
      const match = /listening on (mongodb:\/\/[^/\s]+:(\d+)\/)/.exec(output);
      if (match) {
        child.stdout.off('data', onData);
        child.off('exit', onExit);
        child.stdout.resume();
        resolve({ child, uri: match[1], port: Number(match[2]) });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk.toString()));
    child.once('exit', onExit);
  });
}

/**
 * Stops a child started above: SIGTERM by default, or SIGKILL to simulate a crash.
 * @param {import('node:child_process').ChildProcess} child
 * @param {NodeJS.Signals} [signal]
 */
export async function stopProcess(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}
