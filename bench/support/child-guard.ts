/** Child processes a bench has started, killed if the bench gives up, is interrupted or fails. */
import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();

/** Remembers `child` until it exits. */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

export function killChildren(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * Kills the children when this process exits or is interrupted (exit 130), and gives up (exit 1,
 * printing `message`) after `limitMs`.
 */
export function guardChildren(limitMs: number, message: string): void {
  const watchdog = setTimeout(() => {
    process.stderr.write(`${message}\n`);
    killChildren();
    process.exit(1);
  }, limitMs);
  watchdog.unref();
  process.once('exit', killChildren);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      killChildren();
      process.exit(130);
    });
}

/** Runs a bench's main: exit 0 when it resolves, else kill the children, print the error, exit 1. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: Error) => {
      killChildren();
      process.stderr.write(`${name} failed: ${error.stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
