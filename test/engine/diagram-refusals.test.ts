/**
 * Diagrams the deploy checks let through before the generated bad-input run found them
 * (test/api/fuzz-every-endpoint.test.ts): each is now refused with a problem that says why,
 * while the well-formed neighbours of each still pass.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stopDiagramValidator, validateDiagram } from '../../src/engine/definitions/validate-diagram.js';
import type { DeploymentCatalog } from '../../src/engine/definitions/lint-rules/rule-types.js';

const valid = readFileSync(path.join(import.meta.dirname, '../resources/deployable.bpmn'), 'utf8');
const catalog: DeploymentCatalog = {
  services: ['notify'],
  formKeys: ['review'],
  roles: ['office', 'leader'],
  processKeys: ['deployable'],
};

afterAll(() => stopDiagramValidator());

/** The diagram's errors as `rule: message`. */
async function errors(xml: string): Promise<string[]> {
  const { problems } = await validateDiagram(xml, catalog);
  return problems.filter((p) => p.severity === 'error').map((p) => `${p.rule}: ${p.message}`);
}

function changed(find: string, by: string): string {
  expect(valid).toContain(find);
  return valid.replace(find, by);
}

const withTimer = (kind: string, value: string) =>
  changed('<timeDuration>PT8H</timeDuration>', `<${kind}>${value}</${kind}>`);

test('the base diagram has no errors', async () => {
  expect(await errors(valid)).toEqual([]);
});

test('a document type declaration is refused, with entities or without (it used to deploy)', async () => {
  const doctypes = [
    '<!DOCTYPE definitions SYSTEM "http://127.0.0.1:9/evil.dtd">',
    '<!DOCTYPE definitions [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;">]>',
  ];
  for (const doctype of doctypes)
    expect(await errors(changed('<definitions ', `${doctype}\n<definitions `))).toEqual([
      'parse: a diagram may not declare a document type or entities (<!DOCTYPE …>, <!ENTITY …>)',
    ]);
});

test('nesting past 100 levels is one clear problem, not a stack overflow in every lint rule', async () => {
  const nest = (depth: number) =>
    Array.from({ length: depth }, (_, i) => `<subProcess id="s${i}">`).join('') +
    '</subProcess>'.repeat(depth);
  expect(await errors(changed('  </process>', `${nest(5000)}\n  </process>`))).toEqual([
    'parse: elements are nested more than 100 levels deep',
  ]);
  expect((await errors(changed('  </process>', `${nest(20)}\n  </process>`))).join('\n')).not.toMatch(
    /nested|call stack/,
  );
});

test('XML that is not well-formed but that the parser let through is refused', async () => {
  const cases: Array<[string, string]> = [
    ['name="a&undefined;b"', '"&undefined;" is not an XML reference'],
    ['name="a&#0;b"', '"&#0;" is not an XML reference'],
    ['name="a & b"', '"&" is not an XML reference'],
    ['name="a\u0001b"', 'the character U+0001 is not allowed in XML'],
    ['name="a<b"', 'an attribute value may not contain "<"'],
  ];
  for (const [name, message] of cases)
    expect([name, await errors(changed('name="审核"', name))]).toEqual([
      name,
      [expect.stringContaining(message)],
    ]);
  expect(await errors(changed('<process ', '<!-- a -- b -->\n  <process '))).toEqual([
    'parse: a comment may not contain "--"',
  ]);
  // What XML does allow keeps passing: references, CDATA holding `&&`, comments.
  expect(await errors(changed('name="审核"', 'name="a &amp; b &#x1F600; &lt;"'))).toEqual([]);
  expect(await errors(changed('${grade &lt;= 2}', '<![CDATA[${grade <= 2 && grade >= 1}]]>'))).toEqual([]);
  expect(await errors(changed('<process ', '<!-- a - b -->\n  <process '))).toEqual([]);
});

test('names over 200 characters and ids over 100 are refused (a 600,000-character name used to deploy)', async () => {
  expect(await errors(changed('name="审核"', `name="${'审'.repeat(200)}"`))).toEqual([]);
  expect(await errors(changed('name="审核"', `name="${'审'.repeat(201)}"`))).toEqual([
    'preplan/length-limits: a name may have at most 200 characters (this one has 201)',
  ]);
  const id = `n${'x'.repeat(100)}`;
  expect(await errors(valid.replace(/(id|sourceRef|targetRef)="notify"/g, `$1="${id}"`))).toEqual([
    'preplan/length-limits: an id may have at most 100 characters (this one has 101)',
  ]);
});

test('timers that wait over ten years, repeat more than once a minute or name impossible dates are refused', async () => {
  const refused: Array<[string, string]> = [
    ['timeDuration', 'P999999999Y'],
    ['timeDuration', 'P11Y'],
    ['timeDuration', 'PT99999999999999999999S'],
    ['timeDate', '9999-12-31T23:59:59Z'],
    ['timeDate', '2037-02-30T09:00:00+08:00'],
    ['timeCycle', 'R/PT0S'],
    ['timeCycle', 'R/PT30S'],
    ['timeCycle', 'R/9999-01-01T00:00:00Z/P1D'],
    ['timeCycle', '* * * * * *'],
    ['timeCycle', '0 0 9 31 2 *'],
  ];
  for (const [kind, value] of refused)
    expect([kind, value, await errors(withTimer(kind, value))]).toEqual([
      kind,
      value,
      [expect.stringMatching(/^preplan\/timer-definitions: /)],
    ]);
  const accepted: Array<[string, string]> = [
    ['timeDuration', 'P10Y'],
    ['timeDuration', 'PT0S'],
    ['timeDate', '2036-02-29T09:00:00+08:00'],
    ['timeCycle', 'R/PT1M'],
    ['timeCycle', 'R2/2026-03-01T09:00:00Z/P1D'],
    ['timeCycle', '0 0 9,16 * * MON-FRI'],
  ];
  for (const [kind, value] of accepted)
    expect([kind, value, await errors(withTimer(kind, value))]).toEqual([kind, value, []]);
});

test('a sequence flow whose target is a flow instead of a node is refused (it used to deploy)', async () => {
  expect(
    await errors(changed('sourceRef="start" targetRef="review"', 'sourceRef="start" targetRef="toReview"')),
  ).toContain(
    'preplan/flow-references: the target of a sequence flow must be a task, event or gateway, not bpmn:SequenceFlow',
  );
});

test('what the parser could not read is quoted back shortened, not in full', async () => {
  const [problem] = await errors('x'.repeat(65_536));
  expect(problem.length).toBeLessThan(400);
});

test('definitions without any process are refused without running the linter (whose rules crashed on them)', async () => {
  expect(await errors('<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"/>')).toEqual([
    'preplan/executable-process: the diagram holds no process',
  ]);
});

test("a condition reading x['constructor'] is refused at deploy, not only when it runs", async () => {
  expect(await errors(changed('${grade &lt;= 2}', "${environment['constructor']}"))).toEqual([
    expect.stringMatching(/^preplan\/safe-expressions: property "constructor" is not allowed/),
  ]);
});
