import type { RuleFactory } from './rule-types.js';
import callActivityTarget from './call-activity-target.js';
import candidateGroups from './candidate-groups.js';
import executableProcess from './executable-process.js';
import flowReferences from './flow-references.js';
import lengthLimits from './length-limits.js';
import noScript from './no-script.js';
import safeExpressions from './safe-expressions.js';
import serviceTaskImplementation from './service-task-implementation.js';
import timerDefinitions from './timer-definitions.js';
import userTaskForm from './user-task-form.js';

/** preplan's own bpmnlint rules (plugin `preplan`), by rule id = file name. */
export const preplanRules: Record<string, RuleFactory> = {
  'call-activity-target': callActivityTarget,
  'candidate-groups': candidateGroups,
  'executable-process': executableProcess,
  'flow-references': flowReferences,
  'length-limits': lengthLimits,
  'no-script': noScript,
  'safe-expressions': safeExpressions,
  'service-task-implementation': serviceTaskImplementation,
  'timer-definitions': timerDefinitions,
  'user-task-form': userTaskForm,
};
