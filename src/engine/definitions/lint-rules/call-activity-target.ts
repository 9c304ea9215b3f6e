import { attribute, isType, type RuleFactory } from './rule-types.js';

/** A call activity names a process that is deployed (or deployed together with it). */
const callActivityTarget: RuleFactory = ({ processKeys }) => ({
  check(node, reporter) {
    if (!isType(node, 'bpmn:CallActivity')) return;
    const called = attribute(node, 'calledElement');
    if (!called) reporter.report(node.id, 'call activity needs calledElement (a process key)');
    else if (!called.includes('${') && !processKeys.includes(called))
      reporter.report(node.id, `calls unknown process "${called}"`);
  },
});

export default callActivityTarget;
