import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import { ApiError } from '../api';
import { useI18n } from '../i18n';
import type { JsonObject } from '../types';
import { errorTransformer, loadValidator, serverErrorSchema, type LoadedValidator } from './validation';
import { stringTranslator, templates, widgets, type FormContext } from './templates';

/**
 * No choice is made for the person: a `oneOf` of consts has no default (rjsf would pick the first,
 * e.g. grade 1). A required array starts with its first, empty item.
 */
const DEFAULTS = { constAsDefaults: 'never', arrayMinItems: { populate: 'all' } } as const;

export interface SchemaFormProps {
  formKey: string;
  /** The schema as the server serves it (a task's `form.schema`); the bundled one when absent. */
  schema?: JsonObject;
  uiSchema?: JsonObject;
  initialData?: JsonObject;
  /** Sends the data; an ApiError with field errors is shown on the fields. */
  onSubmit?: (data: JsonObject) => Promise<void>;
  readOnly?: boolean;
  submitLabel?: string;
  busyLabel?: string;
  /** Shown beside the submit button. */
  actions?: ReactNode;
  /** A refusal that is not about a field (conflict, forbidden…). */
  onProblem?: (error: ApiError | null) => void;
}

/**
 * A task's form rendered by rjsf from its JSON Schema and UI hints, checked in the browser with
 * the same schema as the server (ajv 8 + formats); what the server still refuses is shown on
 * the fields its errors point at.
 */
export function SchemaForm(props: SchemaFormProps) {
  const { formKey, schema: served, uiSchema, initialData, onSubmit, readOnly, onProblem } = props;
  const { t, lang } = useI18n();
  const [loaded, setLoaded] = useState<LoadedValidator | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const [formData, setFormData] = useState<JsonObject>(() => initialData ?? {});
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const wrapper = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let live = true;
    loadValidator(formKey, served, lang)
      .then((result) => live && setLoaded(result))
      .catch((error: Error) => live && setFailed(error.message));
    return () => {
      live = false;
    };
  }, [formKey, served, lang]);

  const formContext = useMemo<FormContext>(() => ({ t }), [t]);
  const translateString = useMemo(() => stringTranslator(t), [t]);
  const transformErrors = useMemo(
    () => (loaded ? errorTransformer(t, loaded.schema) : undefined),
    [t, loaded],
  );

  // After a refusal, bring the error summary into view and give it focus (it is announced).
  useEffect(() => {
    if (!extraErrors) return;
    const summary = wrapper.current?.querySelector<HTMLElement>('.error-summary');
    summary?.focus();
  }, [extraErrors]);

  if (failed) return <p className="alert alert-error">{failed}</p>;
  if (!loaded)
    return (
      <p className="muted" role="status">
        {t('app.loading')}
      </p>
    );

  const submit = async (data: JsonObject) => {
    if (!onSubmit) return;
    setBusy(true);
    setExtraErrors(undefined);
    onProblem?.(null);
    try {
      await onSubmit(data);
    } catch (error) {
      if (error instanceof ApiError && error.errors.length > 0)
        setExtraErrors(serverErrorSchema(error.errors, loaded.schema, t));
      else if (error instanceof ApiError) onProblem?.(error);
      else throw error;
    } finally {
      setBusy(false);
    }
  };

  return (
    <div ref={wrapper} className="schema-form">
      {loaded.serverOnly && <p className="alert alert-info">{t('form.serverOnly')}</p>}
      <Form<JsonObject, RJSFSchema, FormContext>
        key={`${formKey}-${lang}`}
        schema={loaded.schema}
        uiSchema={uiSchema as UiSchema<JsonObject, RJSFSchema, FormContext> | undefined}
        validator={loaded.validator}
        formData={formData}
        onChange={(event) => setFormData(event.formData ?? {})}
        onSubmit={(event) => void submit(event.formData ?? {})}
        // the errors show on the fields and in the summary (rjsf would also log them)
        onError={() => undefined}
        extraErrors={extraErrors}
        transformErrors={transformErrors}
        translateString={translateString}
        formContext={formContext}
        templates={templates}
        widgets={widgets}
        showErrorList="top"
        focusOnFirstError
        noHtml5Validate
        omitExtraData
        liveOmit={false}
        readonly={readOnly}
        disabled={busy}
        idPrefix="root"
        experimental_defaultFormStateBehavior={DEFAULTS}
      >
        {readOnly || !onSubmit ? (
          <></>
        ) : (
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? (props.busyLabel ?? t('task.submitting')) : (props.submitLabel ?? t('task.submit'))}
            </button>
            {props.actions}
          </div>
        )}
      </Form>
    </div>
  );
}
