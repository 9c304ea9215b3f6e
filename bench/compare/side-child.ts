/**
 * A child process that runs one side of the comparison: it is sent `{ module, input }` over IPC,
 * imports the module (its `createSide()` gives the SideEngine), tells the parent each phase as
 * it begins (so the parent can read the store's memory and CPU at the same moments), and sends
 * the result back.
 */
import { pathToFileURL } from 'node:url';
import { runSide, type SideEngine, type SideInput } from './side.js';

interface Start {
  module: string;
  input: SideInput;
}

function send(message: unknown): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())),
  );
}

/** Waits for the parent's go-ahead after announcing a phase. */
function nextGo(): Promise<void> {
  return new Promise((resolve) => process.once('message', () => resolve()));
}

process.once('message', (start: Start) => {
  void (async () => {
    try {
      const module = (await import(pathToFileURL(start.module).href)) as {
        createSide(): Promise<SideEngine>;
      };
      const engine = await module.createSide();
      const result = await runSide(engine, start.input, async (phase: string) => {
        const go = nextGo();
        await send({ phase });
        await go;
      });
      await send({ result });
      process.exit(0);
    } catch (error) {
      await send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exit(1);
    }
  })();
});
