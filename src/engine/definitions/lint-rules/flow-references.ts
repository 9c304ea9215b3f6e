import type { ModdleElement } from 'bpmn-moddle';
import { isType, type RuleFactory } from './rule-types.js';

/**
 * A sequence flow with a missing end would hang the engine at run time, and so would one whose
 * end is not a flow node: the parser resolves `targetRef="someFlow"` to the flow itself.
 */
const flowReferences: RuleFactory = () => ({
  check(node, reporter) {
    if (!isType(node, 'bpmn:SequenceFlow')) return;
    for (const [end, what] of [
      ['sourceRef', 'source'],
      ['targetRef', 'target'],
    ] as const) {
      const ref = node[end] as ModdleElement | undefined;
      if (!ref) reporter.report(node.id, `sequence flow has no ${what} (${end})`);
      else if (!isType(ref, 'bpmn:FlowNode'))
        reporter.report(
          node.id,
          `the ${what} of a sequence flow must be a task, event or gateway, not ${ref.$type}`,
        );
    }
  },
});

export default flowReferences;
