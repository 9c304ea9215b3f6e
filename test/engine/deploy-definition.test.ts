import { readFileSync } from 'node:fs';
import path from 'node:path';
import { useTestDatabase } from '../support/test-database.js';
import { DefinitionStore } from '../../src/store/definition-store.js';
import { deployDefinition, lintDefinition } from '../../src/engine/definitions/deploy-definition.js';
import { stopDiagramValidator } from '../../src/engine/definitions/validate-diagram.js';
import type { DeploymentCatalog } from '../../src/engine/definitions/lint-rules/rule-types.js';
import { PreplanError } from '../../src/errors.js';

const db = useTestDatabase('deploy_definition');
const valid = readFileSync(path.join(import.meta.dirname, '../resources/deployable.bpmn'), 'utf8');
const catalog: DeploymentCatalog = {
  services: ['notify'],
  formKeys: ['review'],
  roles: ['office', 'leader'],
  processKeys: ['deployable', 'child'],
};

let store: DefinitionStore;
beforeAll(async () => {
  store = new DefinitionStore(db.connection);
  await store.init();
});
afterAll(() => stopDiagramValidator());

/** Deploys and returns the refusal's problems as `rule@element` strings. */
async function refusal(xml: string, overrides: Partial<DeploymentCatalog> = {}): Promise<string[]> {
  const error = await deployDefinition(store, xml, {
    catalog: { ...catalog, ...overrides },
    deployedBy: 'test',
  }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PreplanError);
  expect((error as PreplanError).status).toBe(422);
  expect(await store.list()).toEqual([]);
  return ((error as PreplanError).details.problems as Array<{ rule: string; elementId?: string }>).map(
    (p) => `${p.rule}@${p.elementId ?? ''}`,
  );
}

describe('deploying', () => {
  test('a valid diagram becomes version 1 of its process key', async () => {
    const result = await deployDefinition(store, valid, { catalog, deployedBy: 'designer-1' });
    expect(result).toMatchObject({
      created: true,
      definition: { key: 'deployable', version: 1, name: '可部署' },
    });
    expect(result.warnings.every((w) => w.severity === 'warning')).toBe(true);
    expect((await store.version('deployable', 1))?.source).toBe(valid);
  });

  test('the same content keeps its version and changed content gets the next one', async () => {
    await deployDefinition(store, valid, { catalog, deployedBy: 'a' });
    const again = await deployDefinition(store, valid, { catalog, deployedBy: 'b' });
    expect(again).toMatchObject({ created: false, definition: { version: 1, deployedBy: 'a' } });
    const changed = valid.replace('name="审核"', 'name="审核（新）"');
    expect((await deployDefinition(store, changed, { catalog, deployedBy: 'c' })).definition.version).toBe(2);
    expect((await store.list('deployable')).map((d) => d.version)).toEqual([2, 1]);
  });

  test('concurrent deploys of different content get distinct versions', async () => {
    const variants = [1, 2, 3, 4].map((i) => valid.replace('name="审核"', `name="审核 ${i}"`));
    const results = await Promise.all(
      variants.map((xml) => deployDefinition(store, xml, { catalog, deployedBy: 'x' })),
    );
    expect(results.map((r) => r.definition.version).sort()).toEqual([1, 2, 3, 4]);
  });

  test('lint reports problems without storing anything', async () => {
    const result = await lintDefinition(
      valid.replace('camunda:topic="notify"', 'camunda:topic="fax"'),
      catalog,
    );
    expect(result.deployable).toBe(false);
    expect(result.problems.map((p) => p.rule)).toContain('preplan/service-task-implementation');
    expect(await store.list()).toEqual([]);
  });
});

describe('refusing', () => {
  test('malformed XML is refused with a parse problem', async () => {
    expect(await refusal('<definitions><process')).toEqual(['parse@']);
    expect(await refusal('not xml at all')).toEqual(['parse@']);
  });

  test('a flow to a missing node is refused', async () => {
    expect(await refusal(valid.replace('targetRef="notify"', 'targetRef="nowhere"'))).toEqual(
      expect.arrayContaining(['parse@toNotify', 'preplan/flow-references@toNotify']),
    );
  });

  test('an unknown element is refused rather than dropped', async () => {
    const xml = valid.replace('<endEvent id="other"', '<frobnicator id="x" /><endEvent id="other"');
    expect(await refusal(xml)).toEqual(['parse@']);
    expect((await lintDefinition(xml, catalog)).problems[0].message).toMatch(/frobnicator.*line: \d+/);
  });

  test('a camunda attribute without its namespace is refused', async () => {
    const problems = await refusal(valid.replace('xmlns:camunda="http://camunda.org/schema/1.0/bpmn"', ''));
    expect(problems).toEqual(['parse@']);
  });

  test('an unregistered service, a missing form and an unknown role are each refused', async () => {
    expect(await refusal(valid, { services: [] })).toEqual([
      'preplan/service-task-implementation@remind',
      'preplan/service-task-implementation@notify',
    ]);
    expect(await refusal(valid, { formKeys: [] })).toEqual(['preplan/user-task-form@review']);
    expect(await refusal(valid, { roles: ['office'] })).toEqual(['preplan/candidate-groups@review']);
  });

  test('service tasks must be external tasks, not code', async () => {
    const problems = await refusal(
      valid.replace(
        'camunda:type="external" camunda:topic="notify">\n      <incoming>toNotify',
        'camunda:expression="${x}">\n      <incoming>toNotify',
      ),
    );
    expect(problems).toEqual([
      'preplan/service-task-implementation@notify',
      'preplan/service-task-implementation@notify',
    ]);
  });

  test('script tasks and script conditions are refused', async () => {
    const scriptTask = valid
      .replace(
        '<serviceTask id="notify" name="通知" camunda:type="external" camunda:topic="notify">',
        '<scriptTask id="notify" name="通知" scriptFormat="javascript">',
      )
      .replace(
        '</serviceTask>\n    <sequenceFlow id="toDecide"',
        '<script>next()</script></scriptTask>\n    <sequenceFlow id="toDecide"',
      );
    expect(await refusal(scriptTask)).toContain('preplan/no-script@notify');
    const scriptCondition = valid.replace(
      'xsi:type="tFormalExpression"',
      'xsi:type="tFormalExpression" language="javascript"',
    );
    expect(await refusal(scriptCondition)).toContain('preplan/no-script@toHigh');
  });

  test('the expression sandbox escape is refused at deploy', async () => {
    const escape = valid.replace(
      '${grade &lt;= 2}',
      '${environment.constructor.constructor("return process")().exit()}',
    );
    expect(await refusal(escape)).toEqual(['preplan/safe-expressions@toHigh']);
  });

  test('a literal condition is refused because the engine would treat it as true', async () => {
    expect(await refusal(valid.replace('${grade &lt;= 2}', 'false'))).toEqual([
      'preplan/safe-expressions@toHigh',
    ]);
  });

  test('a timer that is not ISO 8601 is refused', async () => {
    expect(await refusal(valid.replace('PT8H', '8 hours'))).toEqual(['preplan/timer-definitions@reviewLate']);
  });

  test('a call to an unknown process is refused', async () => {
    const call = valid
      .replace(
        '<serviceTask id="remind" name="提醒" camunda:type="external" camunda:topic="notify">',
        '<callActivity id="remind" name="提醒" calledElement="missing">',
      )
      .replace(
        '</serviceTask>\n    <sequenceFlow id="toRemindEnd"',
        '</callActivity>\n    <sequenceFlow id="toRemindEnd"',
      );
    expect(await refusal(call)).toEqual(['preplan/call-activity-target@remind']);
  });

  test('a diagram without an executable process is refused', async () => {
    expect(await refusal(valid.replace('isExecutable="true"', 'isExecutable="false"'))).toContain(
      'preplan/executable-process@deployable-defs',
    );
  });

  test('every problem of a diagram is listed at once', async () => {
    const many = valid.replace('PT8H', 'soon').replace('${grade &lt;= 2}', 'true');
    expect(await refusal(many, { services: [] })).toHaveLength(4);
  });
});
