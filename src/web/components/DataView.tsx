import { forms } from 'virtual:preplan-forms';
import { useI18n } from '../i18n';
import { formatDateTime } from '../time';

type Schema = Record<string, unknown>;

function propertySchema(schema: Schema | undefined, key: string): Schema | undefined {
  const properties = schema?.properties as Record<string, Schema> | undefined;
  return properties?.[key];
}

function itemSchema(schema: Schema | undefined): Schema | undefined {
  const items = schema?.items;
  return items && typeof items === 'object' && !Array.isArray(items) ? (items as Schema) : undefined;
}

/** A choice's title (`oneOf: [{ const, title }]`), else the value. */
function choiceTitle(schema: Schema | undefined, value: unknown): string | undefined {
  const oneOf = (schema?.oneOf ?? schema?.anyOf) as Schema[] | undefined;
  const match = Array.isArray(oneOf) ? oneOf.find((option) => option.const === value) : undefined;
  return typeof match?.title === 'string' ? match.title : undefined;
}

function Value({ value, schema }: { value: unknown; schema?: Schema }) {
  const { t } = useI18n();
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  if (typeof value === 'boolean') return <>{choiceTitle(schema, value) ?? (value ? t('yes') : t('no'))}</>;
  if (typeof value === 'number') return <>{choiceTitle(schema, value) ?? String(value)}</>;
  if (typeof value === 'string') {
    const title = choiceTitle(schema, value);
    if (title) return <>{title}</>;
    if (schema?.format === 'date-time' || /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value))
      return (
        <time dateTime={value} title={value}>
          {formatDateTime(value)}
        </time>
      );
    return <span className="prewrap">{value}</span>;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">—</span>;
    const items = itemSchema(schema);
    return (
      <ol className="data-list">
        {value.map((item, index) => (
          <li key={index}>
            <Value value={item} schema={items} />
          </li>
        ))}
      </ol>
    );
  }
  if (typeof value === 'object')
    return <DataFields data={value as Record<string, unknown>} schema={schema} />;
  return <>{String(value)}</>;
}

function DataFields({ data, schema }: { data: Record<string, unknown>; schema?: Schema }) {
  const entries = Object.entries(data);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="data-view">
      {entries.map(([key, value]) => {
        const sub = propertySchema(schema, key);
        const title = typeof sub?.title === 'string' ? sub.title : undefined;
        return (
          <div key={key} className="data-entry">
            <dt>
              {title ?? key}
              {title && <code className="muted small"> {key}</code>}
            </dt>
            <dd>
              <Value value={value} schema={sub} />
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

/**
 * Data submitted with an event, as a list of its fields: titled and with choices named from the
 * form's schema when the form is known (a completed task), else by field name.
 */
export function DataView({ data, formKey }: { data: unknown; formKey?: string }) {
  const schema = formKey ? (forms[formKey]?.schema as Schema | undefined) : undefined;
  if (data && typeof data === 'object' && !Array.isArray(data))
    return <DataFields data={data as Record<string, unknown>} schema={schema} />;
  return <Value value={data} schema={schema} />;
}
