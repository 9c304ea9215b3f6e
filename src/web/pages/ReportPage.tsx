import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { forms } from 'virtual:preplan-forms';
import { useI18n } from '../i18n';
import { may, useUser } from '../session';
import { api, ApiError } from '../api';
import { SchemaForm } from '../forms/SchemaForm';
import { PageTitle } from '../components/bits';
import type { CaseDetail, JsonObject } from '../types';

function newKey(): string {
  return `web-${crypto.randomUUID()}`;
}

/** The intake form (舆情报告): one click from every page; opens a case. */
export function ReportPage() {
  const { t } = useI18n();
  const user = useUser();
  const navigate = useNavigate();
  const [problem, setProblem] = useState<ApiError | null>(null);
  // One key per report: a double submit or a retry after a lost answer opens one case.
  const [idempotencyKey] = useState(newKey);
  const [initial] = useState<JsonObject>(() => ({
    firstSeenAt: new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString(),
  }));
  const form = forms['incident-report'];

  const submit = async (data: JsonObject) => {
    const opened = await api.post<CaseDetail>('/api/cases', data, {
      headers: { 'Idempotency-Key': idempotencyKey },
    });
    navigate(`/cases/${opened.id}`, { state: { reported: opened.id } });
  };

  const duplicateOf = typeof problem?.body.caseId === 'string' ? problem.body.caseId : null;
  return (
    <div className="report-page">
      <PageTitle title={t('report.title')}>{t('report.title')}</PageTitle>
      {!may.report(user) ? (
        <p className="alert alert-info">{t('report.forbidden')}</p>
      ) : (
        <section className="card">
          {problem && (
            <p className="alert alert-error" role="alert">
              {duplicateOf ? (
                <>
                  {t('report.duplicate')} <Link to={`/cases/${duplicateOf}`}>{duplicateOf}</Link>
                </>
              ) : (
                problem.detail
              )}
            </p>
          )}
          <SchemaForm
            formKey="incident-report"
            schema={form.schema}
            uiSchema={form.uiSchema}
            initialData={initial}
            onSubmit={submit}
            onProblem={setProblem}
            submitLabel={t('report.submit')}
            busyLabel={t('report.submitting')}
          />
        </section>
      )}
    </div>
  );
}
