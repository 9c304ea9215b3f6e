/** The two diagrams the engine bench deploys, and the catalog they are validated against. */

/** start → service task (external, topic notify) → user task → end: figures 1 and 2. */
export const FLOW_KEY = 'bench-flow';
export const FLOW_XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
             id="bench-flow-defs" targetNamespace="http://preplan.local/bench">
  <process id="${FLOW_KEY}" name="基准：通知后审核" isExecutable="true">
    <startEvent id="start" name="开始"><outgoing>toNotify</outgoing></startEvent>
    <sequenceFlow id="toNotify" sourceRef="start" targetRef="notify" />
    <serviceTask id="notify" name="通知" camunda:type="external" camunda:topic="notify">
      <incoming>toNotify</incoming><outgoing>toReview</outgoing>
    </serviceTask>
    <sequenceFlow id="toReview" sourceRef="notify" targetRef="review" />
    <userTask id="review" name="审核" camunda:formKey="review" camunda:candidateGroups="office">
      <incoming>toReview</incoming><outgoing>toEnd</outgoing>
    </userTask>
    <sequenceFlow id="toEnd" sourceRef="review" targetRef="end" />
    <endEvent id="end" name="完成"><incoming>toEnd</incoming></endEvent>
  </process>
</definitions>
`;

/** start → user task with an interrupting boundary timer (PT1H) → end: figures 3 and 4. */
export const WAIT_KEY = 'bench-wait';
export const WAIT_XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
             id="bench-wait-defs" targetNamespace="http://preplan.local/bench">
  <process id="${WAIT_KEY}" name="基准：限时审核" isExecutable="true">
    <startEvent id="start" name="开始"><outgoing>toReview</outgoing></startEvent>
    <sequenceFlow id="toReview" sourceRef="start" targetRef="review" />
    <userTask id="review" name="审核" camunda:formKey="review" camunda:candidateGroups="office">
      <incoming>toReview</incoming><outgoing>toDone</outgoing>
    </userTask>
    <sequenceFlow id="toDone" sourceRef="review" targetRef="done" />
    <endEvent id="done" name="完成"><incoming>toDone</incoming></endEvent>
    <boundaryEvent id="deadline" name="超时" attachedToRef="review">
      <outgoing>toLate</outgoing>
      <timerEventDefinition id="deadlineTimer"><timeDuration>PT1H</timeDuration></timerEventDefinition>
    </boundaryEvent>
    <sequenceFlow id="toLate" sourceRef="deadline" targetRef="late" />
    <endEvent id="late" name="超时结束"><incoming>toLate</incoming></endEvent>
  </process>
</definitions>
`;

export const CATALOG = { services: ['notify'], formKeys: ['review'], roles: ['office'], processKeys: [] };
