import { getDefaultRegistry } from '@rjsf/core';
import {
  englishStringTranslator,
  TranslatableString,
  type ErrorListProps,
  type IconButtonProps,
  type RJSFSchema,
  type TemplatesType,
  type WidgetProps,
} from '@rjsf/utils';
import type { MessageKey, Translate } from '../i18n';
import { schemaAt } from './validation';

/** What the templates get through rjsf's `formContext`. */
export interface FormContext {
  t: Translate;
}

const tOf = (props: { registry: { formContext?: unknown } }): Translate =>
  (props.registry.formContext as FormContext).t;

const STRINGS: Partial<Record<TranslatableString, MessageKey>> = {
  [TranslatableString.ArrayItemTitle]: 'form.itemTitle',
  [TranslatableString.AddButton]: 'form.add',
  [TranslatableString.AddItemButton]: 'form.add',
  [TranslatableString.RemoveButton]: 'form.remove',
  [TranslatableString.MoveUpButton]: 'form.moveUp',
  [TranslatableString.MoveDownButton]: 'form.moveDown',
  [TranslatableString.CopyButton]: 'form.copy',
  [TranslatableString.YesLabel]: 'form.yes',
  [TranslatableString.NoLabel]: 'form.no',
  [TranslatableString.EmptyArray]: 'form.empty',
  [TranslatableString.ClearButton]: 'form.clear',
  [TranslatableString.ClearLabel]: 'form.clear',
  [TranslatableString.NowLabel]: 'form.now',
  [TranslatableString.OptionalObjectAdd]: 'form.optionalAdd',
  [TranslatableString.OptionalObjectRemove]: 'form.optionalRemove',
  [TranslatableString.OptionalObjectEmptyMsg]: 'form.optionalEmpty',
  [TranslatableString.ErrorsLabel]: 'app.error',
};

/** rjsf's own strings (buttons, yes/no) in the UI's language. */
export function stringTranslator(t: Translate) {
  return (key: TranslatableString, params?: string[]): string => {
    const own = STRINGS[key];
    if (own) return t(own);
    return englishStringTranslator(key, params);
  };
}

type ButtonProps = IconButtonProps;

function TextButton({
  label,
  symbol,
  variant,
  className,
  registry: _registry,
  uiSchema: _uiSchema,
  icon: _icon,
  iconType: _iconType,
  ...rest
}: ButtonProps & { label: string; symbol: string; variant?: string }) {
  return (
    <button
      type="button"
      className={`btn btn-small ${variant ?? ''} ${className ?? ''}`}
      aria-label={label}
      title={label}
      {...rest}
    >
      <span aria-hidden="true">{symbol}</span>
    </button>
  );
}

function AddButton(props: ButtonProps) {
  const t = tOf(props);
  const { className, registry: _r, uiSchema: _u, icon: _i, iconType: _t, ...rest } = props;
  return (
    <p className={`array-add ${className ?? ''}`}>
      <button type="button" className="btn btn-secondary" {...rest}>
        <span aria-hidden="true">＋ </span>
        {t('form.add')}
      </button>
    </p>
  );
}

const RemoveButton = (props: ButtonProps) => (
  <TextButton {...props} label={tOf(props)('form.remove')} symbol="✕" variant="btn-danger-text" />
);
const MoveUpButton = (props: ButtonProps) => (
  <TextButton {...props} label={tOf(props)('form.moveUp')} symbol="↑" />
);
const MoveDownButton = (props: ButtonProps) => (
  <TextButton {...props} label={tOf(props)('form.moveDown')} symbol="↓" />
);
const CopyButton = (props: ButtonProps) => (
  <TextButton {...props} label={tOf(props)('form.copy')} symbol="⧉" />
);
const ClearButton = (props: ButtonProps) => (
  <TextButton {...props} label={tOf(props)('form.clear')} symbol="✕" />
);

/** The field's title for the summary: the schema's own words (`通稿正文`), not `.releaseText`. */
function fieldTitle(schema: RJSFSchema, property: string | undefined): string {
  const keys = (property ?? '').replace(/^\./, '').split('.').filter(Boolean);
  const titles: string[] = [];
  for (let i = 1; i <= keys.length; i++) {
    const node = schemaAt(schema, keys.slice(0, i));
    const key = keys[i - 1];
    if (/^\d+$/.test(key)) titles.push(`#${Number(key) + 1}`);
    else titles.push(typeof node?.title === 'string' ? node.title : key);
  }
  return titles.join(' › ');
}

function fieldId(property: string | undefined): string {
  const keys = (property ?? '').replace(/^\./, '').split('.').filter(Boolean);
  return ['root', ...keys].join('_');
}

/** Every error at the top, each a link to its field: announced, and one Tab away from the fields. */
function ErrorListTemplate({ errors, registry, schema, uiSchema }: ErrorListProps) {
  const t = tOf({ registry });
  const root = registry.rootSchema ?? schema;
  // In the order the fields appear, as a person reads the form.
  const order: string[] = Array.isArray(uiSchema?.['ui:order'])
    ? (uiSchema['ui:order'] as string[])
    : Object.keys((root.properties as Record<string, unknown> | undefined) ?? {});
  const position = (property: string | undefined) => {
    const index = order.indexOf((property ?? '').replace(/^\./, '').split('.')[0]);
    return index < 0 ? order.length : index;
  };
  const sorted = errors
    .map((error, i) => ({ error, i }))
    .sort((a, b) => position(a.error.property) - position(b.error.property) || a.i - b.i)
    .map(({ error }) => error);
  return (
    <div className="error-summary" role="alert" tabIndex={-1}>
      <p className="error-summary-title">{t('form.errors', { n: errors.length })}</p>
      <ul>
        {sorted.map((error, i) => {
          const id = fieldId(error.property);
          const title = fieldTitle(root, error.property);
          return (
            <li key={`${error.property}-${i}`}>
              <a
                href={`#${id}`}
                onClick={(event) => {
                  const target = document.getElementById(id);
                  if (!target) return;
                  event.preventDefault();
                  target.focus();
                  target.scrollIntoView({ block: 'center' });
                }}
              >
                {title ? `${title}：` : ''}
                {error.message}
              </a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** `2026-03-14T09:10:00+08:00` ⇄ the wall clock in Asia/Shanghai (UTC+8 all year, no DST). */
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

export function toShanghaiWall(value: unknown): string {
  if (typeof value !== 'string' || !value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16);
}

export function fromShanghaiWall(wall: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?/.exec(wall);
  return match ? `${match[1]}${match[2] ?? ':00'}+08:00` : undefined;
}

/**
 * Dates and times are the office's (Asia/Shanghai) whatever the browser's time zone: the value
 * is sent with its +08:00 offset, as in the forms' examples.
 */
const BaseInputTemplate = getDefaultRegistry().templates.BaseInputTemplate;

function DateTimeWidget(props: WidgetProps) {
  const { onChange, value, options, id } = props;
  const t = tOf(props);
  return (
    <div className="datetime">
      <BaseInputTemplate
        {...props}
        type="datetime-local"
        value={toShanghaiWall(value)}
        onChange={(wall: string) => onChange(wall ? fromShanghaiWall(wall) : options.emptyValue)}
      />
      <span className="tz-hint" id={`${id}__tz`}>
        {t('form.timezone')}
      </span>
    </div>
  );
}

export const templates: Partial<TemplatesType> = {
  ErrorListTemplate,
  ButtonTemplates: {
    AddButton,
    RemoveButton,
    MoveUpButton,
    MoveDownButton,
    CopyButton,
    ClearButton,
    SubmitButton: () => null,
  },
};

const CoreSelectWidget = getDefaultRegistry().widgets.SelectWidget;

/** A choice starts unchosen ("请选择"): nothing is picked for the person (the grade least of all). */
function SelectWidget(props: WidgetProps) {
  return <CoreSelectWidget {...props} placeholder={props.placeholder || tOf(props)('form.choose')} />;
}

export const widgets = { DateTimeWidget, SelectWidget };
