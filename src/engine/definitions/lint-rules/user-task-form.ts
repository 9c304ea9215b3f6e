import { attribute, isType, type RuleFactory } from './rule-types.js';

/** Every user task opens a form that exists under forms/ (`camunda:formKey`). */
const userTaskForm: RuleFactory = ({ formKeys }) => ({
  check(node, reporter) {
    if (!isType(node, 'bpmn:UserTask')) return;
    const formKey = attribute(node, 'camunda:formKey');
    if (!formKey) reporter.report(node.id, 'user task needs camunda:formKey naming a form under forms/');
    else if (!formKeys.includes(formKey))
      reporter.report(node.id, `form "${formKey}" does not exist under forms/`);
  },
});

export default userTaskForm;
