import type { ModdleElement } from 'bpmn-moddle';
import { isType, type RuleFactory } from './rule-types.js';

/** One deployment is one executable process; its id is the definition key. */
const executableProcess: RuleFactory = () => ({
  check(node, reporter) {
    if (!isType(node, 'bpmn:Definitions')) return;
    const processes = ((node.rootElements ?? []) as ModdleElement[]).filter((e) => isType(e, 'bpmn:Process'));
    const executable = processes.filter((p) => p.isExecutable === true);
    if (executable.length !== 1)
      reporter.report(
        node.id,
        `a diagram must hold exactly one executable process (isExecutable="true"); found ${executable.length}`,
      );
    for (const process of executable)
      if (!/^[a-z][a-z0-9-]{1,63}$/.test(process.id ?? ''))
        reporter.report(process.id, 'the process id is its key: lower-case letters, digits and dashes');
  },
});

export default executableProcess;
