import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FormRegistry, type FieldError } from '../../src/forms/form-registry.js';
import { formKeysIn } from '../../src/engine/definitions/deployment-catalog.js';
import { PreplanError } from '../../src/errors.js';
import { formExamples, formVariants, type FormExample, type FormExampleKey } from './form-examples.js';

const formsDir = path.join(import.meta.dirname, '../../forms');
const registry = new FormRegistry(formsDir);
const ZH = /[\u4e00-\u9fff]/;

type JsonSchema = Record<string, unknown>;

function example(key: FormExampleKey): FormExample {
  return structuredClone(formExamples[key]) as FormExample;
}

/** The errors of data that must fail. */
function errorsOf(key: string, data: unknown): FieldError[] {
  const result = registry.validate(key, data);
  if (result.ok) throw new Error(`${key} unexpectedly accepted ${JSON.stringify(data)}`);
  return result.errors;
}

function without(data: FormExample, ...names: string[]): FormExample {
  const copy = { ...data };
  for (const name of names) delete copy[name];
  return copy;
}

/** Every schema object in a form, with its JSON pointer inside the schema. */
function* subschemas(schema: unknown, at = ''): Generator<[string, JsonSchema]> {
  if (typeof schema !== 'object' || schema === null) return;
  if (Array.isArray(schema)) {
    for (const [i, item] of schema.entries()) yield* subschemas(item, `${at}/${i}`);
    return;
  }
  yield [at, schema as JsonSchema];
  for (const [name, value] of Object.entries(schema))
    if (name !== 'const') yield* subschemas(value, `${at}/${name}`);
}

/** The `properties` schemas of every object in a form (top level, array items, definitions). */
function* propertySchemas(schema: JsonSchema): Generator<[string, JsonSchema]> {
  for (const [at, sub] of subschemas(schema)) {
    if (/\/(if|then)(\/|$)/.test(at)) continue;
    const properties = sub.properties as Record<string, JsonSchema> | undefined;
    if (sub.type === 'object' && properties)
      for (const [name, property] of Object.entries(properties)) yield [`${at}/properties/${name}`, property];
  }
}

describe('the forms in forms/', () => {
  const keys = Object.keys(formExamples).sort();

  test('every form compiles under strict ajv and the deploy catalog sees the same keys', async () => {
    expect(registry.keys()).toEqual(keys);
    expect(await formKeysIn(formsDir)).toEqual(keys);
  });

  test.each(keys)('%s is a draft-07 schema with its preplan:form id and a zh-CN title', (key) => {
    const schema = registry.schema(key)!;
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBe(`preplan:form:${key}`);
    expect(schema.title).toMatch(ZH);
    expect(schema.description).toMatch(ZH);
  });

  test.each(keys)('%s gives every property a zh-CN title and description', (key) => {
    for (const [at, property] of propertySchemas(registry.schema(key)!)) {
      expect([at, property.title]).toEqual([at, expect.stringMatching(ZH)]);
      expect([at, property.description]).toEqual([at, expect.stringMatching(ZH)]);
    }
  });

  test.each(keys)('%s closes every object and bounds every string and array', (key) => {
    for (const [at, sub] of subschemas(registry.schema(key)!)) {
      if (/\/(if|then)(\/|$)/.test(at)) continue; // conditions only narrow the declared fields
      if (sub.type === 'object') expect([at, sub.additionalProperties]).toEqual([at, false]);
      if (sub.type === 'array') expect([at, typeof sub.maxItems]).toEqual([at, 'number']);
      if (sub.type === 'string' && !sub.oneOf) {
        expect([at, typeof sub.maxLength]).toEqual([at, 'number']);
        expect([at, sub.minLength]).toEqual([at, expect.any(Number)]);
      }
      if (sub.oneOf) for (const branch of sub.oneOf as JsonSchema[]) expect(branch.title).toMatch(ZH);
    }
  });

  test.each(keys)('%s has rjsf hints that order exactly its properties', (key) => {
    const ui = registry.uiSchema(key);
    expect(ui).toBeDefined();
    expect([...(ui!['ui:order'] as string[])].sort()).toEqual(
      Object.keys(registry.schema(key)!.properties as JsonSchema).sort(),
    );
  });

  test('the grade is 1..4 with the plan’s names, and unsure means the higher grade', () => {
    const grade = (registry.schema('incident-report')!.properties as Record<string, JsonSchema>).grade;
    expect(grade.type).toBe('integer');
    expect(grade.oneOf).toEqual([
      { const: 1, title: '特别重大' },
      { const: 2, title: '重大或较大' },
      { const: 3, title: '一般' },
      { const: 4, title: '影响较小' },
    ]);
    expect(grade.description).toContain('拿不准时就高不就低');
  });

  test('commentary articles are published under the office’s own official name only', () => {
    expect(registry.schema('commentary-record')!.description).toContain('官方名义');
  });
});

describe('valid data', () => {
  test.each(Object.keys(formExamples) as FormExampleKey[])('the %s example passes', (key) => {
    const data = example(key);
    expect(registry.validate(key, data)).toEqual({ ok: true, data });
  });

  test.each(Object.entries(formVariants))('the %s variant passes', (_name, { key, data }) => {
    expect(registry.validate(key, structuredClone(data))).toEqual({ ok: true, data });
  });

  test('validation neither fills defaults nor coerces', () => {
    const data = without(example('incident-report'), 'drill');
    expect(registry.validate('incident-report', data).ok).toBe(true);
    expect(data).not.toHaveProperty('drill');

    expect(errorsOf('incident-report', { ...example('incident-report'), grade: '2' })).toEqual([
      { path: '/grade', keyword: 'oneOf', message: '必须是以下之一：特别重大、重大或较大、一般、影响较小' },
    ]);
  });
});

describe('refusals', () => {
  test('an extra property is refused, naming it', () => {
    expect(errorsOf('monitoring-update', { ...example('monitoring-update'), author: '某人' })).toEqual([
      {
        path: '/author',
        keyword: 'additionalProperties',
        message: expect.stringMatching(/^不允许.*：author$/),
      },
    ]);
    const data = example('consultation');
    (data.measures as FormExample[])[1].budget = 1000;
    expect(errorsOf('consultation', data)).toEqual([
      {
        path: '/measures/1/budget',
        keyword: 'additionalProperties',
        message: expect.stringContaining('budget'),
      },
    ]);
  });

  test('a missing required field is reported at its own path in zh-CN', () => {
    expect(errorsOf('incident-report', without(example('incident-report'), 'occurredAt'))).toEqual([
      { path: '/occurredAt', keyword: 'required', message: expect.stringMatching(ZH) },
    ]);
    const data = example('consultation');
    delete (data.measures as FormExample[])[0].owner;
    expect(errorsOf('consultation', data)).toEqual([
      { path: '/measures/0/owner', keyword: 'required', message: expect.stringMatching(ZH) },
    ]);
  });

  test('required text may not be empty', () => {
    expect(
      errorsOf('release-draft', { ...example('release-draft'), basis: '', releaseText: '太短' }),
    ).toEqual([
      { path: '/releaseText', keyword: 'minLength', message: '不应少于 10 个字符' },
      { path: '/basis', keyword: 'minLength', message: '不应少于 1 个字符' },
    ]);
  });

  test('a failed choice is one zh-CN message listing the choices, not oneOf noise', () => {
    const errors = errorsOf('monitoring-update', { ...example('monitoring-update'), trend: 'rising' });
    expect(errors).toEqual([
      { path: '/trend', keyword: 'oneOf', message: '必须是以下之一：平稳、趋缓、恶化或扩散' },
    ]);
    expect(errorsOf('monitoring-update', { ...example('monitoring-update'), trend: 3 })).toEqual(errors);

    const sweep = { ...example('monitoring-sweep'), engines: ['baidu', 'youdao'] };
    expect(errorsOf('monitoring-sweep', sweep)).toEqual([
      {
        path: '/engines/1',
        keyword: 'oneOf',
        message: '必须是以下之一：百度、搜狗、360搜索、微博、微信、抖音、其它',
      },
    ]);
  });

  describe('conditional requirements', () => {
    test('a worsened trend needs the new grade and the reason', () => {
      const data = { trend: 'worsened', observations: '抖音出现转载，市级媒体求证。' };
      expect(errorsOf('monitoring-update', data)).toEqual([
        { path: '/newGrade', keyword: 'required', message: expect.stringMatching(ZH) },
        { path: '/regradeReason', keyword: 'required', message: expect.stringMatching(ZH) },
      ]);
    });

    test('a rejected release needs the reasons', () => {
      expect(errorsOf('release-signoff', { signOffDecision: 'rejected' })).toEqual([
        { path: '/signOffReasons', keyword: 'required', message: expect.stringMatching(ZH) },
      ]);
      expect(errorsOf('release-signoff', { signOffDecision: 'rejected', signOffReasons: '' })).toEqual([
        { path: '/signOffReasons', keyword: 'minLength', message: expect.stringMatching(ZH) },
      ]);
      expect(registry.validate('release-signoff', { signOffDecision: 'approved' }).ok).toBe(true);
    });

    test('an escalation needs the escalated question', () => {
      const data = { reactions: '有网民质疑补偿标准。', trackingStatus: 'escalate' };
      expect(errorsOf('follow-up-update', data)).toEqual([
        { path: '/escalatedQuestion', keyword: 'required', message: expect.stringMatching(ZH) },
      ]);
    });

    test('a sweep with findings needs at least one finding, a zero report has none', () => {
      const base = { keywords: ['东城街道'], engines: ['baidu'] };
      expect(errorsOf('monitoring-sweep', { ...base, result: 'findings' })).toEqual([
        { path: '/findings', keyword: 'required', message: expect.stringMatching(ZH) },
      ]);
      expect(errorsOf('monitoring-sweep', { ...base, result: 'findings', findings: [] })).toEqual([
        { path: '/findings', keyword: 'minItems', message: '不应少于 1 个项' },
      ]);
      const findings = example('monitoring-sweep').findings;
      expect(errorsOf('monitoring-sweep', { ...base, result: 'zero-report', findings })).toEqual([
        { path: '/findings', keyword: 'maxItems', message: '不应多于 0 个项' },
      ]);
      expect(registry.validate('monitoring-sweep', { ...base, result: 'zero-report', findings: [] }).ok).toBe(
        true,
      );
    });

    test('a finding carries exactly the incident report’s fields', () => {
      const finding: FormExample = {
        ...(example('monitoring-sweep').findings as FormExample[])[0],
        drill: true,
      };
      delete finding.grade;
      expect(errorsOf('monitoring-sweep', { ...example('monitoring-sweep'), findings: [finding] })).toEqual([
        { path: '/findings/0/grade', keyword: 'required', message: expect.stringMatching(ZH) },
        {
          path: '/findings/0/drill',
          keyword: 'additionalProperties',
          message: expect.stringContaining('drill'),
        },
      ]);
    });

    test('declaring a rumour needs the recorded facts', () => {
      const data = { ...without(example('consultation'), 'rumourFacts'), rumourDeclared: true };
      expect(errorsOf('consultation', data)).toEqual([
        { path: '/rumourFacts', keyword: 'required', message: expect.stringMatching(ZH) },
      ]);
    });

    test('recording on someone’s behalf needs a note saying how', () => {
      for (const key of ['county-guidance', 'release-signoff'] as const)
        expect(errorsOf(key, without(example(key), 'onBehalfNote'))).toEqual([
          { path: '/onBehalfNote', keyword: 'required', message: expect.stringMatching(ZH) },
        ]);
    });

    test('not confirming subsidence needs the reason', () => {
      expect(errorsOf('subsidence-confirmation', { confirmed: false })).toEqual([
        { path: '/note', keyword: 'required', message: expect.stringMatching(ZH) },
      ]);
      expect(registry.validate('subsidence-confirmation', { confirmed: true }).ok).toBe(true);
    });
  });

  test('a URL that is not http or https is refused', () => {
    const report = { ...example('incident-report'), sourceUrls: ['ftp://files.example.com/post.txt'] };
    expect(errorsOf('incident-report', report)).toEqual([
      { path: '/sourceUrls/0', keyword: 'pattern', message: '应当是以 http:// 或 https:// 开头的网址' },
    ]);
    const record = { ...example('publication-record'), publicationUrl: 'javascript:alert(1)' };
    expect(errorsOf('publication-record', record)).toEqual([
      { path: '/publicationUrl', keyword: 'pattern', message: '应当是以 http:// 或 https:// 开头的网址' },
    ]);
    expect(
      errorsOf('publication-record', { ...record, publicationUrl: 'weibo.example.com/x/123456' }),
    ).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: '/publicationUrl', keyword: 'format' })]),
    );
  });

  test('a bad date is one format error', () => {
    expect(
      errorsOf('instruction-request', {
        ...example('instruction-request'),
        instructionReceivedAt: '3月14日上午',
      }),
    ).toEqual([{ path: '/instructionReceivedAt', keyword: 'format', message: '应当匹配格式 "date-time"' }]);
  });

  test('all errors come back at once', () => {
    const data = {
      ...without(example('incident-report'), 'platform'),
      title: '长'.repeat(101),
      grade: 5,
      firstSeenAt: '2026-03-14',
      sourceUrls: [],
      evidence: [{ url: 'https://archive.example.com/1' }],
      reporter: '李明',
    };
    expect(errorsOf('incident-report', data)).toEqual(
      expect.arrayContaining([
        { path: '/platform', keyword: 'required', message: expect.stringMatching(ZH) },
        { path: '/reporter', keyword: 'additionalProperties', message: expect.stringContaining('reporter') },
        { path: '/title', keyword: 'maxLength', message: '不应多于 100 个字符' },
        { path: '/grade', keyword: 'oneOf', message: expect.stringContaining('特别重大') },
        { path: '/firstSeenAt', keyword: 'format', message: expect.stringMatching(ZH) },
        { path: '/sourceUrls', keyword: 'minItems', message: '不应少于 1 个项' },
        { path: '/evidence/0/description', keyword: 'required', message: expect.stringMatching(ZH) },
      ]),
    );
    expect(errorsOf('incident-report', data)).toHaveLength(7);
  });

  test('data that is not an object is refused at the root', () => {
    expect(errorsOf('closing-review', null)).toEqual([
      { path: '', keyword: 'type', message: expect.stringMatching(ZH) },
    ]);
  });

  test('an unknown form key is not-found', () => {
    expect(() => registry.validate('no-such-form', {})).toThrow(
      expect.objectContaining({ kind: 'not-found', constructor: PreplanError }),
    );
    expect(registry.schema('no-such-form')).toBeUndefined();
    expect(registry.uiSchema('no-such-form')).toBeUndefined();
  });
});

describe('loading', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'preplan-forms-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: unknown) =>
    writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  const loadError = (): PreplanError => {
    try {
      new FormRegistry(dir);
    } catch (error) {
      return error as PreplanError;
    }
    throw new Error('the registry loaded');
  };
  const minimal = {
    type: 'object',
    properties: { a: { type: 'string', maxLength: 5 } },
    additionalProperties: false,
  };

  test('a schema that fails to compile stops the load, naming the file', () => {
    write('good.json', minimal);
    write('broken.json', { type: 'object', properties: { a: { type: 'string', maxLenght: 5 } } });
    expect(loadError()).toMatchObject({ kind: 'invalid', message: expect.stringContaining('broken.json') });
  });

  test('a schema that is not JSON stops the load, naming the file', () => {
    write('torn.json', '{"type": "object",');
    expect(loadError().message).toContain('torn.json');
  });

  test('a form whose $id names another form is refused', () => {
    write('a.json', { ...minimal, $id: 'preplan:form:b' });
    expect(loadError().message).toContain('a.json');
  });

  test('ui hints are not forms, and hints without a form are refused', () => {
    write('a.json', minimal);
    write('a.ui.json', { 'ui:order': ['a'] });
    const forms = new FormRegistry(dir);
    expect(forms.keys()).toEqual(['a']);
    expect(forms.uiSchema('a')).toEqual({ 'ui:order': ['a'] });

    write('b.ui.json', { 'ui:order': [] });
    expect(loadError().message).toContain('b.ui.json');
  });

  test('callers get copies of the schemas', () => {
    write('a.json', minimal);
    const forms = new FormRegistry(dir);
    (forms.schema('a')!.properties as JsonSchema).a = { type: 'number' };
    expect(forms.schema('a')).toEqual(minimal);
  });
});
