import type { CommandTable } from './context.js';
import { serverCommands } from './server-commands.js';
import { catalogCommands } from './catalog-commands.js';
import { readCommands } from './read-commands.js';
import { writeCommands } from './write-commands.js';

/** Every command the embedded server answers, by the name that is the first key of its body. */
export const commands: CommandTable = {
  ...serverCommands,
  ...catalogCommands,
  ...readCommands,
  ...writeCommands,
};
