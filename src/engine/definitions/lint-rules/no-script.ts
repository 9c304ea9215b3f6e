import { attribute, isType, type RuleFactory } from './rule-types.js';

/** Diagrams are untrusted: no script tasks, script conditions or script listeners. */
const noScript: RuleFactory = () => ({
  check(node, reporter) {
    if (isType(node, 'bpmn:ScriptTask')) reporter.report(node.id, 'script tasks are not allowed');
    if (isType(node, 'bpmn:FormalExpression') && attribute(node, 'language'))
      reporter.report(
        (node.$parent as { id?: string } | undefined)?.id,
        `expressions in language "${attribute(node, 'language')}" are not allowed; use \${…}`,
      );
    if (node.$type === 'camunda:Script')
      reporter.report((node.$parent as { id?: string } | undefined)?.id, 'camunda:script is not allowed');
  },
});

export default noScript;
