import { useId, useState, type KeyboardEvent } from 'react';
import { useI18n } from '../i18n';
import { roleName } from '../labels';
import type { Catalog } from '../types';
import {
  is,
  type BpmnFactory,
  type BusinessObject,
  type Diagram,
  type DiagramElement,
  type ModdleElement,
  type Modeling,
} from './bpmn';

/**
 * The properties preplan needs of the selected element (or of the process when nothing is
 * selected), written as Camunda Modeler writes them (camunda moddle): name; a user task's form
 * and candidate groups; a service task's external topic and input parameters; a timer's type and
 * value; a flow's condition; a call activity's process. Read-only for old versions and viewers.
 */

type TimerType = 'timeDuration' | 'timeDate' | 'timeCycle';
const TIMER_TYPES: TimerType[] = ['timeDuration', 'timeDate', 'timeCycle'];

/** A text field that writes to the diagram when it loses focus or on Enter (one undo step per edit). */
function CommitText({
  id,
  value,
  onCommit,
  readOnly,
  placeholder,
  describedBy,
  invalid,
}: {
  id: string;
  value: string;
  onCommit(value: string): void;
  readOnly?: boolean;
  placeholder?: string;
  describedBy?: string;
  invalid?: boolean;
}) {
  const [draft, setDraft] = useState(value);
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    // changed from outside (undo, another field): show the diagram's value
    setShown(value);
    setDraft(value);
  }
  const commit = () => {
    if (draft !== value) onCommit(draft);
  };
  return (
    <input
      id={id}
      className="form-control"
      value={draft}
      readOnly={readOnly}
      placeholder={placeholder}
      aria-describedby={describedBy}
      aria-invalid={invalid || undefined}
      spellCheck={false}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e: KeyboardEvent<HTMLInputElement>) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') setDraft(value);
      }}
    />
  );
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const list = (value: unknown): string[] =>
  text(value)
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

function inputOutputOf(bo: BusinessObject): ModdleElement | undefined {
  return bo.extensionElements?.values?.find((value) => value.$type === 'camunda:InputOutput');
}

function timerOf(bo: BusinessObject): ModdleElement | undefined {
  return bo.eventDefinitions?.find((definition) => definition.$type === 'bpmn:TimerEventDefinition');
}

export interface PanelProps {
  diagram: Diagram;
  /** The selected element; undefined: the diagram's root (the process, or the sub-process shown). */
  element: DiagramElement | undefined;
  catalog?: Catalog;
  processKeys: string[];
  readOnly: boolean;
}

export function PropertiesPanel({ diagram, element: selected, catalog, processKeys, readOnly }: PanelProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const uid = useId();
  const element = selected ?? diagram.get<{ getRootElement(): DiagramElement }>('canvas').getRootElement();
  const bo = element?.businessObject;
  if (!bo) return null;
  const modeling = readOnly ? undefined : diagram.get<Modeling>('modeling');
  const factory = readOnly ? undefined : diagram.get<BpmnFactory>('bpmnFactory');
  const update = (properties: Record<string, unknown>) => modeling?.updateProperties(element, properties);
  const updateOn = (target: ModdleElement, properties: Record<string, unknown>) =>
    modeling?.updateModdleProperties(element, target, properties);
  const field = (name: string) => `${uid}-${name}`;

  const isProcess = is(bo, 'bpmn:Process');
  const isUserTask = is(bo, 'bpmn:UserTask');
  const isServiceTask = is(bo, 'bpmn:ServiceTask') || is(bo, 'bpmn:SendTask');
  const isFlow = is(bo, 'bpmn:SequenceFlow');
  const isCall = is(bo, 'bpmn:CallActivity');
  const timer = timerOf(bo);
  const typeName = i18n.name(`bpmn.${bo.$type}`, bo.$type.replace(/^bpmn:/, ''));

  // ---- user task
  const formKey = text(bo.get('camunda:formKey'));
  const groups = list(bo.get('camunda:candidateGroups'));
  const forms = catalog?.forms ?? [];
  const roles = catalog?.roles ?? [];
  const toggleGroup = (role: string, on: boolean) => {
    const next = on ? [...groups, role] : groups.filter((g) => g !== role);
    update({ 'camunda:candidateGroups': next.length ? next.join(',') : undefined });
  };

  // ---- service task
  const topic = text(bo.get('camunda:topic'));
  const services = catalog?.services ?? [];
  const io = inputOutputOf(bo);
  const params = ((io?.get('inputParameters') as ModdleElement[] | undefined) ?? []).filter(Boolean);
  const setTopic = (value: string) =>
    update(
      value
        ? { 'camunda:type': 'external', 'camunda:topic': value }
        : { 'camunda:type': undefined, 'camunda:topic': undefined },
    );
  const addParam = () => {
    if (!factory) return;
    let extension = bo.extensionElements;
    if (!extension) {
      extension = factory.create('bpmn:ExtensionElements', { values: [] }) as NonNullable<
        BusinessObject['extensionElements']
      >;
      extension.$parent = bo;
      update({ extensionElements: extension });
    }
    let inputOutput = inputOutputOf(bo);
    if (!inputOutput) {
      inputOutput = factory.create('camunda:InputOutput', { inputParameters: [], outputParameters: [] });
      inputOutput.$parent = extension;
      updateOn(extension, { values: [...(extension.values ?? []), inputOutput] });
    }
    const existing = (inputOutput.get('inputParameters') as ModdleElement[] | undefined) ?? [];
    let n = existing.length + 1;
    while (existing.some((p) => p.name === `param${n}`)) n += 1;
    const param = factory.create('camunda:InputParameter', { name: `param${n}`, value: '' });
    param.$parent = inputOutput;
    updateOn(inputOutput, { inputParameters: [...existing, param] });
  };
  const removeParam = (param: ModdleElement) => {
    if (!io) return;
    updateOn(io, { inputParameters: params.filter((p) => p !== param) });
  };

  // ---- timer
  const timerType = timer ? TIMER_TYPES.find((type) => timer.get(type)) : undefined;
  const timerValue =
    timer && timerType ? text((timer.get(timerType) as ModdleElement | undefined)?.body) : '';
  const setTimer = (type: TimerType, value: string) => {
    if (!timer || !factory) return;
    const current = timerType ? (timer.get(timerType) as ModdleElement | undefined) : undefined;
    if (type === timerType && current) {
      updateOn(current, { body: value });
      return;
    }
    const expression = factory.create('bpmn:FormalExpression', { body: value });
    expression.$parent = timer;
    updateOn(timer, {
      timeDuration: undefined,
      timeDate: undefined,
      timeCycle: undefined,
      [type]: expression,
    });
  };

  // ---- sequence flow
  const condition = isFlow ? text(bo.conditionExpression?.body) : '';
  const source = isFlow ? bo.sourceRef : undefined;
  const conditional =
    isFlow &&
    !is(source, 'bpmn:ParallelGateway') &&
    !is(source, 'bpmn:EventBasedGateway') &&
    !is(source, 'bpmn:StartEvent');
  const defaultable = isFlow && (is(source, 'bpmn:ExclusiveGateway') || is(source, 'bpmn:InclusiveGateway'));
  const isDefault = Boolean(defaultable && source?.default === bo);
  const setCondition = (value: string) => {
    const body = value.trim();
    if (!body) return update({ conditionExpression: undefined });
    if (bo.conditionExpression) return updateOn(bo.conditionExpression, { body });
    if (!factory) return;
    const expression = factory.create('bpmn:FormalExpression', { body });
    expression.$parent = bo;
    update({ conditionExpression: expression });
  };
  const setDefault = (on: boolean) => {
    const sourceShape = (element as DiagramElement & { source?: DiagramElement }).source;
    if (sourceShape) modeling?.updateProperties(sourceShape, { default: on ? bo : undefined });
  };

  // ---- call activity
  const called = isCall ? text(bo.get('calledElement')) : '';

  const idValid = (value: string) => /^[A-Za-z_][\w.-]*$/.test(value);

  return (
    <section className="props" aria-labelledby={field('title')} data-testid="properties">
      <h2 id={field('title')} className="props-title">
        {t('props.title')}
        <span className="props-type">
          {typeName}
          {!isProcess && <code className="props-id"> {bo.id}</code>}
        </span>
      </h2>

      {isProcess && (
        <div className="form-group">
          <label htmlFor={field('key')}>{t('props.processKey')}</label>
          <CommitText
            key={`key-${bo.id}`}
            id={field('key')}
            value={bo.id}
            readOnly={readOnly}
            describedBy={field('key-hint')}
            onCommit={(value) => {
              if (idValid(value)) update({ id: value });
            }}
          />
          <p id={field('key-hint')} className="field-description">
            {t('props.processKeyHint')}
          </p>
        </div>
      )}

      <div className="form-group">
        <label htmlFor={field('name')}>{t('props.name')}</label>
        <CommitText
          key={`name-${bo.id}`}
          id={field('name')}
          value={text(bo.name)}
          readOnly={readOnly}
          onCommit={(value) => update({ name: value || undefined })}
        />
      </div>

      {isUserTask && (
        <>
          <div className="form-group">
            <label htmlFor={field('form')}>{t('props.form')}</label>
            <select
              id={field('form')}
              className="form-control"
              value={formKey}
              disabled={readOnly}
              aria-invalid={!formKey || undefined}
              onChange={(e) => update({ 'camunda:formKey': e.target.value || undefined })}
            >
              <option value="">{t('props.none')}</option>
              {forms.map((form) => (
                <option key={form.key} value={form.key}>
                  {form.title}（{form.key}）
                </option>
              ))}
              {formKey && !forms.some((f) => f.key === formKey) && (
                <option value={formKey}>{t('props.unknown', { value: formKey })}</option>
              )}
            </select>
          </div>
          <fieldset className="form-group props-groups">
            <legend>{t('props.candidateGroups')}</legend>
            {roles.map((role) => (
              <label key={role.id} className="checkbox-line">
                <input
                  type="checkbox"
                  checked={groups.includes(role.id)}
                  disabled={readOnly}
                  onChange={(e) => toggleGroup(role.id, e.target.checked)}
                />{' '}
                {roleName(i18n, role.id) === role.id ? role.label : roleName(i18n, role.id)}
                <code className="muted small"> {role.id}</code>
              </label>
            ))}
            {groups
              .filter((g) => !roles.some((r) => r.id === g))
              .map((g) => (
                <label key={g} className="checkbox-line text-danger">
                  <input type="checkbox" checked disabled={readOnly} onChange={() => toggleGroup(g, false)} />{' '}
                  {t('props.unknown', { value: g })}
                </label>
              ))}
          </fieldset>
          <div className="form-group">
            <label htmlFor={field('due')}>{t('props.dueDate')}</label>
            <CommitText
              key={`due-${bo.id}`}
              id={field('due')}
              value={text(bo.get('camunda:dueDate'))}
              readOnly={readOnly}
              onCommit={(value) => update({ 'camunda:dueDate': value.trim() || undefined })}
            />
          </div>
        </>
      )}

      {isServiceTask && (
        <>
          <div className="form-group">
            <label htmlFor={field('topic')}>{t('props.service')}</label>
            <select
              id={field('topic')}
              className="form-control"
              value={topic}
              disabled={readOnly}
              aria-describedby={field('topic-hint')}
              onChange={(e) => setTopic(e.target.value)}
            >
              <option value="">{t('props.none')}</option>
              {services.map((service) => (
                <option key={service} value={service}>
                  {i18n.name(`service.${service}`, service)}（{service}）
                </option>
              ))}
              {topic && !services.includes(topic) && (
                <option value={topic}>{t('props.unknown', { value: topic })}</option>
              )}
            </select>
            <p id={field('topic-hint')} className="field-description">
              {t('props.serviceHint')}
            </p>
          </div>
          <fieldset className="form-group props-params">
            <legend>{t('props.inputs')}</legend>
            {params.length === 0 && <p className="muted small">{t('props.noInputs')}</p>}
            {params.map((param, index) => {
              const complex = Boolean(param.get('definition'));
              return (
                <div key={`${bo.id}-${index}`} className="param-row">
                  <label className="visually-hidden" htmlFor={field(`pn${index}`)}>
                    {t('props.inputName', { n: index + 1 })}
                  </label>
                  <CommitText
                    id={field(`pn${index}`)}
                    value={text(param.name)}
                    readOnly={readOnly}
                    placeholder={t('props.paramName')}
                    onCommit={(value) => value.trim() && updateOn(param, { name: value.trim() })}
                  />
                  <label className="visually-hidden" htmlFor={field(`pv${index}`)}>
                    {t('props.inputValue', { n: index + 1 })}
                  </label>
                  {complex ? (
                    <input
                      id={field(`pv${index}`)}
                      className="form-control"
                      readOnly
                      value={t('props.complexInput', {
                        type: String((param.get('definition') as ModdleElement).$type).replace(
                          'camunda:',
                          '',
                        ),
                      })}
                    />
                  ) : (
                    <CommitText
                      id={field(`pv${index}`)}
                      value={text(param.get('value'))}
                      readOnly={readOnly}
                      placeholder={t('props.paramValue')}
                      onCommit={(value) => updateOn(param, { value })}
                    />
                  )}
                  {!readOnly && (
                    <button
                      type="button"
                      className="btn btn-small btn-danger-text"
                      aria-label={t('props.removeInput', { name: text(param.name) })}
                      onClick={() => removeParam(param)}
                    >
                      ✕
                    </button>
                  )}
                </div>
              );
            })}
            {!readOnly && (
              <button type="button" className="btn btn-secondary btn-compact" onClick={addParam}>
                ＋ {t('props.addInput')}
              </button>
            )}
          </fieldset>
        </>
      )}

      {timer && (
        <>
          <div className="form-group">
            <label htmlFor={field('timer-type')}>{t('props.timerType')}</label>
            <select
              id={field('timer-type')}
              className="form-control"
              value={timerType ?? ''}
              disabled={readOnly}
              onChange={(e) => setTimer(e.target.value as TimerType, timerValue)}
            >
              {!timerType && <option value="">{t('props.none')}</option>}
              {TIMER_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`props.${type}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="form-group">
            <label htmlFor={field('timer-value')}>{t('props.timerValue')}</label>
            <CommitText
              key={`timer-${bo.id}-${timerType ?? ''}`}
              id={field('timer-value')}
              value={timerValue}
              readOnly={readOnly || !timerType}
              describedBy={field('timer-hint')}
              onCommit={(value) => timerType && setTimer(timerType, value.trim())}
            />
            <p id={field('timer-hint')} className="field-description">
              {t('props.timerHint')}
            </p>
          </div>
        </>
      )}

      {isFlow && conditional && (
        <div className="form-group">
          <label htmlFor={field('condition')}>{t('props.condition')}</label>
          <CommitText
            key={`cond-${bo.id}`}
            id={field('condition')}
            value={condition}
            readOnly={readOnly || isDefault}
            placeholder="${grade <= 2}"
            describedBy={field('condition-hint')}
            onCommit={setCondition}
          />
          <p id={field('condition-hint')} className="field-description">
            {t('props.conditionHint')}
          </p>
        </div>
      )}
      {defaultable && (
        <label className="checkbox-line form-group">
          <input
            type="checkbox"
            checked={isDefault}
            disabled={readOnly}
            onChange={(e) => setDefault(e.target.checked)}
          />{' '}
          {t('props.defaultFlow')}
        </label>
      )}

      {isCall && (
        <div className="form-group">
          <label htmlFor={field('called')}>{t('props.calledElement')}</label>
          <select
            id={field('called')}
            className="form-control"
            value={called}
            disabled={readOnly}
            onChange={(e) => update({ calledElement: e.target.value || undefined })}
          >
            <option value="">{t('props.none')}</option>
            {processKeys.map((key) => (
              <option key={key} value={key}>
                {key}
              </option>
            ))}
            {called && !processKeys.includes(called) && <option value={called}>{called}</option>}
          </select>
        </div>
      )}
    </section>
  );
}
