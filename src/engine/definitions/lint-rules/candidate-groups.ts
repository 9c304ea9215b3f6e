import { attribute, isType, listAttribute, type RuleFactory } from './rule-types.js';

/** Every user task goes to known roles (`camunda:candidateGroups`) or to an assignee. */
const candidateGroups: RuleFactory = ({ roles }) => ({
  check(node, reporter) {
    if (!isType(node, 'bpmn:UserTask')) return;
    const groups = listAttribute(node, 'camunda:candidateGroups');
    if (groups.length === 0 && !attribute(node, 'camunda:assignee'))
      reporter.report(node.id, 'user task needs camunda:candidateGroups (roles) or camunda:assignee');
    for (const group of groups)
      if (!group.includes('${') && !roles.includes(group))
        reporter.report(
          node.id,
          `unknown role "${group}" in camunda:candidateGroups; known: ${roles.join(', ')}`,
        );
  },
});

export default candidateGroups;
