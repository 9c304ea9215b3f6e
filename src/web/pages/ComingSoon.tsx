import { Link } from 'react-router';
import { useI18n } from '../i18n';
import { PageTitle } from '../components/bits';

/** A page that a later step builds (process designer, audit replay, administration). */
export function ComingSoon({ name }: { name: string }) {
  const { t } = useI18n();
  return (
    <section className="coming-soon">
      <PageTitle title={name}>{t('coming.title', { name })}</PageTitle>
      <p>{t('coming.text', { name })}</p>
    </section>
  );
}

export function NotFound() {
  const { t } = useI18n();
  return (
    <section>
      <PageTitle title={t('notFound.title')}>{t('notFound.title')}</PageTitle>
      <p>{t('notFound.text')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </section>
  );
}
