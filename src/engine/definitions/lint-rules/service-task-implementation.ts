import { attribute, isType, type RuleFactory } from './rule-types.js';

/**
 * Every service task is a Camunda external task (`camunda:type="external"`) whose topic names
 * a registered service: preplan runs it as a durable job, never as code in the diagram.
 */
const serviceTaskImplementation: RuleFactory = ({ services }) => ({
  check(node, reporter) {
    if (
      !isType(node, 'bpmn:ServiceTask') &&
      !isType(node, 'bpmn:SendTask') &&
      !isType(node, 'bpmn:BusinessRuleTask')
    )
      return;
    for (const forbidden of [
      'implementation',
      'camunda:class',
      'camunda:expression',
      'camunda:delegateExpression',
    ]) {
      if (attribute(node, forbidden))
        reporter.report(
          node.id,
          `${forbidden} is not supported; use camunda:type="external" with a service topic`,
        );
    }
    if (attribute(node, 'camunda:type') !== 'external') {
      reporter.report(
        node.id,
        'must be an external task (camunda:type="external") naming a service in camunda:topic',
      );
      return;
    }
    const topic = attribute(node, 'camunda:topic');
    if (!topic) reporter.report(node.id, 'camunda:topic must name a service');
    else if (!services.includes(topic))
      reporter.report(node.id, `unknown service "${topic}"; registered: ${services.join(', ') || '(none)'}`);
  },
});

export default serviceTaskImplementation;
