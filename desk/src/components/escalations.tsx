/** The open escalations of a case or a pathway: one line per rung fired and not yet resolved. */
import { Text, Title } from '@mantine/core';
import { useLabel, useT } from '../i18n/i18n';
import { Instant } from './time';

export interface OpenEscalation {
  deadlineId: string;
  step: string;
  level: number;
  role: string;
  firedAt: string;
}

export function OpenEscalations({ escalations }: { escalations: readonly OpenEscalation[] }) {
  const t = useT();
  const label = useLabel();
  return (
    <>
      <Title order={3} size="h4" mt="sm">
        {t('case.escalations')}
      </Title>
      {escalations.length === 0 ? (
        <Text>{t('case.noEscalations')}</Text>
      ) : (
        <ul>
          {escalations.map((e) => (
            <li key={`${e.deadlineId}-${e.level}`}>
              {label('steps', e.step)} —{' '}
              {t('case.escalation.level', { level: e.level, role: label('roles', e.role) })} —{' '}
              <Instant at={e.firedAt} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
