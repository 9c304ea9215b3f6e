import { isType, type RuleFactory } from './rule-types.js';

/** A sequence flow with a missing end would hang the engine at run time. */
const flowReferences: RuleFactory = () => ({
  check(node, reporter) {
    if (!isType(node, 'bpmn:SequenceFlow')) return;
    if (!node.sourceRef) reporter.report(node.id, 'sequence flow has no source (sourceRef)');
    if (!node.targetRef) reporter.report(node.id, 'sequence flow has no target (targetRef)');
  },
});

export default flowReferences;
