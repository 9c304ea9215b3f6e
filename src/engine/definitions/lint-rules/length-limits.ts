import type { RuleFactory } from './rule-types.js';

/** Longer than any label a person reads on a diagram (the plan's longest name is 72 characters). */
export const MAX_NAME_LENGTH = 200;
/** Element ids become parts of job, task and history keys: they stay short. */
export const MAX_ID_LENGTH = 100;

const shown = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

/**
 * Names and ids of sane length: a name of half a megabyte is not a label but an attempt to
 * fill every page, list and history entry that shows it.
 */
const lengthLimits: RuleFactory = () => ({
  check(node, reporter) {
    const id = typeof node.id === 'string' ? node.id : undefined;
    if (id && id.length > MAX_ID_LENGTH)
      reporter.report(
        shown(id),
        `an id may have at most ${MAX_ID_LENGTH} characters (this one has ${id.length})`,
      );
    const name = node.name;
    if (typeof name === 'string' && [...name].length > MAX_NAME_LENGTH)
      reporter.report(
        id === undefined ? undefined : shown(id),
        `a name may have at most ${MAX_NAME_LENGTH} characters (this one has ${[...name].length})`,
      );
  },
});

export default lengthLimits;
