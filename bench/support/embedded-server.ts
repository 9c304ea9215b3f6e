/** The embedded MongoDB-wire server (src/embedded-mongo/main.ts) in a child process, as a real mongod runs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { trackChild } from './child-guard.js';
import { ROOT } from './paths.js';

export interface ServerProcess {
  child: ChildProcess;
  uri: string;
  /** Everything the server printed so far (stdout and stderr). */
  output: () => string;
}

/** Starts the server on a free port, with `--data dataDir` and `--cpu-prof` into `profileDir` if given. */
export function startServer(
  dataDir: string | undefined,
  profileDir: string | undefined,
): Promise<ServerProcess> {
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const serverArgs = ['--port', '0', ...(dataDir ? ['--data', dataDir] : [])];
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', 'src/embedded-mongo/main.ts', ...serverArgs],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  trackChild(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`embedded-mongo did not start within 30 s:\n${output}`));
    }, 30_000);
    const onExit = (code: number | null, signal: string | null): void => {
      clearTimeout(timer);
      reject(new Error(`embedded-mongo exited (${code ?? signal}) before listening:\n${output}`));
    };
    const onData = (): void => {
      const match = /listening on (mongodb:\/\/[^/\s]+:\d+\/)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      resolve({ child, uri: match[1], output: () => output });
    };
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
  });
}

/** SIGTERM (the server closes its journal and exits), SIGKILL if it has not gone in 10 s. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
