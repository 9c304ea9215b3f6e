/**
 * The toolchain the runtime will stand on: bpmn-moddle 10 is ESM-only and bpmn-engine ships
 * ESM, and both must load untransformed under jest.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BpmnModdle, type ModdleElement } from 'bpmn-moddle';
import { Engine } from 'bpmn-engine';
import camunda from 'camunda-bpmn-moddle/resources/camunda.json' with { type: 'json' };

const source = readFileSync(path.join(import.meta.dirname, '../resources/start-user-end.bpmn'), 'utf8');

test('bpmn-moddle parses camunda attributes strictly', async () => {
  const moddle = new BpmnModdle({ camunda });
  const { rootElement, warnings } = await moddle.fromXML(source, { lax: false });
  expect(warnings).toEqual([]);
  const [process] = rootElement.rootElements as ModdleElement[];
  const task = (process.flowElements as ModdleElement[]).find((element) => element.id === 'review')!;
  expect(task.get('camunda:formKey')).toBe('review');
  expect(task.get('camunda:candidateGroups')).toBe('office');
});

test('bpmn-engine runs a diagram to its user task and on to the end', async () => {
  const engine = new Engine({ name: 'smoke', source });
  const waiting = new Promise<string>((resolve) =>
    engine.broker.subscribeTmp('event', 'activity.wait', (_route, message) =>
      resolve(String(message.content?.id)),
    ),
  );
  const execution = await engine.execute();
  expect(await waiting).toBe('review');
  const ended = new Promise((resolve) => engine.once('end', resolve));
  execution.signal({ id: 'review' });
  await ended;
  expect(engine.state).toBe('idle');
});
