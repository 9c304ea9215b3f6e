import { Link } from 'react-router';
import { useI18n } from '../i18n';
import { PageTitle } from '../components/bits';

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
