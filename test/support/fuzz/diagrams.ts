/**
 * Generated diagrams that deploy must refuse (fast-check): a valid diagram broken in one or two
 * ways — truncated, entity bombs and external entities, deep nesting, unknown namespaces, a flow
 * without its target, script, `${constructor…}` escapes, huge names, duplicate ids, absurd
 * timers, unknown forms, services, roles and processes — or XML that is no BPMN at all.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';

/** test/resources/deployable.bpmn with a form the real plan has, under its own process key. */
export const FUZZ_BASE_DIAGRAM = readFileSync(
  path.join(import.meta.dirname, '../../resources/deployable.bpmn'),
  'utf8',
)
  .replace('camunda:formKey="review"', 'camunda:formKey="consultation"')
  .replace('id="deployable"', 'id="fuzz-deployable"');

export interface BadDiagram {
  xml: string;
  label: string;
}

type Mutation = fc.Arbitrary<(xml: string) => BadDiagram>;

/** `find` must be in the diagram: a mutation that silently does nothing would test nothing. */
function replaced(xml: string, find: string | RegExp, by: string, label: string): BadDiagram {
  const result = xml.replace(find, by);
  if (result === xml) throw new Error(`diagram mutation "${label}" found nothing to change`);
  return { xml: result, label };
}

const insideProcess = (xml: string, fragment: string, label: string) =>
  replaced(xml, '  </process>', `${fragment}\n  </process>`, label);

const DOCTYPE = '<definitions ';
const withDoctype = (xml: string, doctype: string, label: string) =>
  replaced(xml, DOCTYPE, `${doctype}\n${DOCTYPE}`, label);

const truncated: Mutation = fc.double({ min: 0, max: 1, noNaN: true }).map((at) => (xml: string) => {
  const end = xml.lastIndexOf('</definitions>');
  const cut = Math.floor(at * end);
  return { xml: xml.slice(0, cut), label: `truncated at ${cut} of ${xml.length}` };
});

const entityBomb: Mutation = fc
  .tuple(fc.integer({ min: 2, max: 10 }), fc.boolean())
  .map(([levels, declaration]) => (xml: string) => {
    const entities = [`<!ENTITY lol0 "lol">`];
    for (let i = 1; i < levels; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
    const bomb = withDoctype(xml, `<!DOCTYPE definitions [${entities.join('')}]>`, '').xml.replace(
      'name="审核"',
      `name="&lol${levels - 1};"`,
    );
    return {
      xml: declaration ? bomb : bomb.replace(/^<\?xml[^>]*>\s*/, ''),
      label: `billion laughs, ${levels} levels${declaration ? '' : ', no XML declaration'}`,
    };
  });

const quadraticBlowup: Mutation = fc.integer({ min: 1_000, max: 50_000 }).map((size) => (xml: string) => {
  const uses = Math.floor(1_500_000 / size);
  return {
    xml: withDoctype(xml, `<!DOCTYPE definitions [<!ENTITY big "${'a'.repeat(size)}">]>`, '').xml.replace(
      'name="审核"',
      `name="${'&big;'.repeat(uses)}"`,
    ),
    label: `quadratic blowup: ${size} bytes × ${uses}`,
  };
});

const externalEntity: Mutation = fc
  .constantFrom(
    '<!DOCTYPE definitions [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE definitions [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/secret">]>',
    '<!DOCTYPE definitions [<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd"> %p;]>',
    '<!DOCTYPE definitions SYSTEM "http://127.0.0.1:9/evil.dtd">',
    '<!DOCTYPE definitions PUBLIC "-//EVIL//DTD" "http://127.0.0.1:9/evil.dtd">',
    '<!DOCTYPE definitions>',
  )
  .map((doctype) => (xml: string) => {
    const result = withDoctype(xml, doctype, doctype);
    return doctype.includes('xxe')
      ? { ...result, xml: result.xml.replace('name="审核"', 'name="&xxe;"') }
      : result;
  });

const deepNesting: Mutation = fc
  .tuple(fc.integer({ min: 200, max: 20_000 }), fc.constantFrom('subProcess', 'extension', 'documentation'))
  .map(([depth, kind]) => (xml: string) => {
    if (kind === 'subProcess') {
      const open = Array.from({ length: depth }, (_, i) => `<subProcess id="nest${i}" name="n${i}">`).join(
        '',
      );
      return insideProcess(
        xml,
        `${open}<startEvent id="nested" name="n"/>${'</subProcess>'.repeat(depth)}`,
        `${depth} nested sub-processes`,
      );
    }
    if (kind === 'extension')
      return replaced(
        xml,
        '<endEvent id="other" name="其它级别">',
        `<endEvent id="other" name="其它级别"><extensionElements>${'<x:n xmlns:x="urn:fuzz">'.repeat(depth)}${'</x:n>'.repeat(depth)}</extensionElements>`,
        `${depth} nested extension elements`,
      );
    return replaced(
      xml,
      '<endEvent id="other" name="其它级别">',
      `<endEvent id="other" name="其它级别"><documentation>${'<b>'.repeat(depth)}${'</b>'.repeat(depth)}</documentation>`,
      `${depth} nested tags in documentation`,
    );
  });

const unknownNamespace: Mutation = fc
  .constantFrom(
    ['<evil:task xmlns:evil="urn:evil" id="evil" />', 'an element in an unknown namespace'],
    ['<evilTask id="evil" name="x" />', 'an unknown BPMN element'],
    ['<undeclared:task id="evil" />', 'an undeclared prefix'],
  )
  .map(
    ([fragment, label]) =>
      (xml: string) =>
        insideProcess(xml, fragment, label),
  );

const wrongNamespace: Mutation = fc
  .constantFrom(
    [
      'xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"',
      'xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL-EVIL"',
    ],
    ['xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"', 'xmlns="urn:evil"'],
    ['xmlns:camunda="http://camunda.org/schema/1.0/bpmn"', 'xmlns:camunda="urn:evil"'],
    [
      'camunda:candidateGroups="office, leader"',
      'evil:candidateGroups="office, leader" xmlns:evil="urn:evil"',
    ],
  )
  .map(
    ([find, by]) =>
      (xml: string) =>
        replaced(xml, find, by, `namespace ${by}`),
  );

const brokenFlow: Mutation = fc
  .tuple(
    fc.constantFrom('toReview', 'toNotify', 'toDecide', 'toHigh', 'toOther', 'toRemind', 'toRemindEnd'),
    fc.constantFrom('no targetRef', 'no sourceRef', 'unknown targetRef', 'targetRef to itself'),
  )
  .map(([flow, how]) => (xml: string) => {
    const re = new RegExp(`(<sequenceFlow id="${flow}"[^>]*?) sourceRef="([^"]*)" targetRef="([^"]*)"`);
    const [, head, source, target] = re.exec(xml) ?? [];
    const by = {
      'no targetRef': `${head} sourceRef="${source}"`,
      'no sourceRef': `${head} targetRef="${target}"`,
      'unknown targetRef': `${head} sourceRef="${source}" targetRef="nowhere"`,
      'targetRef to itself': `${head} sourceRef="${source}" targetRef="${flow}"`,
    }[how];
    return replaced(xml, re, by, `${flow}: ${how}`);
  });

const script: Mutation = fc
  .constantFrom(
    [
      '<serviceTask id="notify" name="通知" camunda:type="external" camunda:topic="notify">',
      '<scriptTask id="notify" name="通知" scriptFormat="javascript"><script>process.exit(1)</script>',
      'a script task',
    ],
    [
      'xsi:type="tFormalExpression"',
      'xsi:type="tFormalExpression" language="javascript"',
      'a JavaScript condition',
    ],
    [
      '<endEvent id="other" name="其它级别">',
      '<endEvent id="other" name="其它级别"><extensionElements><camunda:executionListener event="start"><camunda:script scriptFormat="javascript">process.exit(1)</camunda:script></camunda:executionListener></extensionElements>',
      'a script listener',
    ],
  )
  .map(([find, by, label]) => (xml: string) => {
    const result = replaced(xml, find, by, label);
    return label === 'a script task'
      ? {
          ...result,
          xml: result.xml.replace(
            '</serviceTask>\n    <sequenceFlow id="toDecide"',
            '</scriptTask>\n    <sequenceFlow id="toDecide"',
          ),
        }
      : result;
  });

const ESCAPES = [
  "${environment.constructor.constructor('return process')()}",
  '${constructor.constructor("return this")()}',
  '${grade.constructor}',
  '${this}',
  '${process.exit()}',
  "${require('child_process')}",
  "${environment['constructor']}",
  '${__proto__.polluted}',
  '${environment.services.notify.call()}',
  '${x = 1}',
  '${new Function("return 1")}',
  '${grade <= }',
];
const expressionEscape: Mutation = fc
  .tuple(
    fc.constantFrom(...ESCAPES),
    fc.constantFrom('condition', 'name', 'candidateGroups', 'formKey', 'timer', 'topic'),
  )
  .map(([escape, where]) => (xml: string) => {
    const text = escape.replace(/</g, '&lt;').replace(/"/g, '&quot;');
    const places: Record<string, [string, string]> = {
      condition: ['${grade &lt;= 2}', text],
      name: ['name="审核"', `name="${text}"`],
      candidateGroups: ['camunda:candidateGroups="office, leader"', `camunda:candidateGroups="${text}"`],
      formKey: ['camunda:formKey="consultation"', `camunda:formKey="${text}"`],
      timer: ['<timeDuration>PT8H</timeDuration>', `<timeDuration>${text}</timeDuration>`],
      topic: [
        'camunda:topic="notify">\n      <incoming>toNotify',
        `camunda:topic="${text}">\n      <incoming>toNotify`,
      ],
    };
    const [find, by] = places[where];
    return replaced(xml, find, by, `${escape} as ${where}`);
  });

const hugeName: Mutation = fc
  .tuple(
    fc.integer({ min: 201, max: 600_000 }),
    fc.constantFrom('x', '审', '😀'),
    fc.constantFrom('审核', '可部署', '通知'),
  )
  .map(
    ([length, char, name]) =>
      (xml: string) =>
        replaced(xml, `name="${name}"`, `name="${char.repeat(length)}"`, `a name of ${length} × ${char}`),
  );

const hugeId: Mutation = fc.integer({ min: 101, max: 200_000 }).map((length) => (xml: string) => {
  const id = `n${'x'.repeat(length - 1)}`;
  return {
    xml: xml.replace(/(id|sourceRef|targetRef)="notify"/g, `$1="${id}"`),
    label: `an id of ${length} characters`,
  };
});

const duplicateId: Mutation = fc
  .tuple(
    fc.constantFrom('start', 'review', 'notify', 'decide', 'high', 'other', 'toReview', 'reviewLate'),
    fc.constantFrom('remind', 'remindEnd', 'toOther', 'toHigh', 'reviewLateTimer'),
  )
  .map(
    ([existing, replacedId]) =>
      (xml: string) =>
        replaced(
          xml,
          `id="${replacedId}"`,
          `id="${existing}"`,
          `${replacedId} renamed to the existing ${existing}`,
        ),
  );

const ABSURD_TIMERS: Array<[kind: string, value: string]> = [
  ['timeDuration', 'P999999999Y'],
  ['timeDuration', 'P11Y'],
  ['timeDuration', 'PT99999999999999999999S'],
  ['timeDuration', 'P99999999999999999999D'],
  ['timeDuration', 'PT876000H'],
  ['timeDuration', 'P'],
  ['timeDuration', 'PT'],
  ['timeDuration', '-PT1H'],
  ['timeDuration', 'PT1H '.repeat(3)],
  ['timeDuration', ''],
  ['timeDate', '9999-12-31T23:59:59Z'],
  ['timeDate', '0001-01-01T00:00:00Z'],
  ['timeDate', '2037-02-30T09:00:00+08:00'],
  ['timeDate', '2037-03-14T25:00:00Z'],
  ['timeCycle', 'R/PT0S'],
  ['timeCycle', 'R/PT1S'],
  ['timeCycle', 'R/PT0.001S'],
  ['timeCycle', 'R99999999999999999999/PT0S'],
  ['timeCycle', 'R/P999999999Y'],
  ['timeCycle', 'R/9999-01-01T00:00:00Z/P1D'],
  ['timeCycle', '* * * * * *'],
  ['timeCycle', '*/5 * * * * *'],
  ['timeCycle', '0 0 9 31 2 *'],
  ['timeCycle', '99 99 99 * * *'],
];
const absurdTimer: Mutation = fc.constantFrom(...ABSURD_TIMERS).map(
  ([kind, value]) =>
    (xml: string) =>
      replaced(
        xml,
        '<timeDuration>PT8H</timeDuration>',
        `<${kind}>${value}</${kind}>`,
        `${kind} ${JSON.stringify(value)}`,
      ),
);

const unknownReference: Mutation = fc
  .constantFrom(
    ['camunda:formKey="consultation"', 'camunda:formKey="no-such-form"', 'an unknown form'],
    ['camunda:candidateGroups="office, leader"', 'camunda:candidateGroups="root"', 'an unknown role'],
    ['camunda:candidateGroups="office, leader"', 'camunda:candidateGroups=""', 'no role'],
    [
      'camunda:topic="notify">\n      <incoming>toNotify',
      'camunda:topic="rm-rf">\n      <incoming>toNotify',
      'an unknown service',
    ],
    ['isExecutable="true"', 'isExecutable="false"', 'no executable process'],
    [
      '<startEvent id="start" name="开始">',
      '<startEvent id="start" name="开始"><timerEventDefinition /></startEvent><startEvent id="start2" name="开始">',
      'an empty timer',
    ],
  )
  .map(
    ([find, by, label]) =>
      (xml: string) =>
        replaced(xml, find, by, label),
  );

const brokenXml: Mutation = fc
  .constantFrom(
    ['name="审核"', 'name="审核" name="again"', 'a duplicate attribute'],
    ['name="审核"', 'name=审核', 'an unquoted attribute'],
    ['</userTask>', '</serviceTask>', 'mismatched tags'],
    ['name="审核"', 'name="a&#0;b"', 'a NUL character reference'],
    ['name="审核"', 'name="a&undefined;b"', 'an undefined entity'],
    ['name="审核"', 'name="a & b"', 'a bare ampersand'],
    ['name="审核"', 'name="a\u0001b"', 'a control character'],
    ['name="审核"', 'name="<b>"', 'a < in an attribute'],
    ['${grade &lt;= 2}', '<![CDATA[${grade <= 2}', 'an unclosed CDATA section'],
    ['<process ', '<!-- a -- b --><process ', 'a -- inside a comment'],
  )
  .map(
    ([find, by, label]) =>
      (xml: string) =>
        replaced(xml, find, by, label),
  );

/** A diagram broken in one way (sometimes two). */
const mutation: Mutation = fc.oneof(
  truncated,
  entityBomb,
  quadraticBlowup,
  externalEntity,
  deepNesting,
  unknownNamespace,
  wrongNamespace,
  brokenFlow,
  script,
  expressionEscape,
  hugeName,
  hugeId,
  duplicateId,
  absurdTimer,
  unknownReference,
  brokenXml,
);

/** Documents that are not BPMN diagrams at all. */
const notBpmn = fc
  .constantFrom(
    '',
    ' ',
    '\ufeff',
    '<definitions/>',
    '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"/>',
    '<html><body>x</body></html>',
    '{"xml":"<definitions/>"}',
    '<?xml version="1.0" encoding="UTF-16"?><definitions/>',
    '<?xml version="1.1"?><definitions/>',
    '<a>'.repeat(50_000),
  )
  .map((xml) => ({ xml, label: `not BPMN: ${JSON.stringify(xml.slice(0, 60))}` }));

const labelled = (diagram: BadDiagram): BadDiagram =>
  Object.assign(diagram, {
    [fc.toStringMethod]: () => `${diagram.label} (${diagram.xml.length} characters)`,
  });

export const badDiagramArb: fc.Arbitrary<BadDiagram> = fc
  .oneof(
    { arbitrary: mutation.map((m) => m(FUZZ_BASE_DIAGRAM)), weight: 12 },
    {
      arbitrary: fc.tuple(mutation, mutation).map(([first, second]) => {
        const once = first(FUZZ_BASE_DIAGRAM);
        try {
          const twice = second(once.xml);
          return { xml: twice.xml, label: `${once.label}; ${twice.label}` };
        } catch {
          return once;
        }
      }),
      weight: 3,
    },
    { arbitrary: notBpmn, weight: 1 },
  )
  .map(labelled);
