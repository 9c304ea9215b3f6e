import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes a bench's results as indented JSON to `out` (creating its folder) and says where. */
export async function writeResults(out: string, json: Record<string, unknown>): Promise<void> {
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`results written to ${path.relative(process.cwd(), out)}\n`);
}

/** Prints whether every target was met, naming the missed ones. */
export function printTargets(missed: string[]): void {
  process.stdout.write(
    missed.length === 0 ? '\nall targets met\n' : `\ntargets missed: ${missed.join(', ')}\n`,
  );
}
