/**
 * The API's reasons in the person's language: a problem's `code` (a 409's reason) and each field
 * error's code (`errorCodes`, api/http/reasons.ts) have a message in the catalogs (`reason.<code>`,
 * `fieldError.<code>`); the values they name (steps, statuses, phases, services…) are said with the
 * desk's words for them. A code the desk does not know is said as the API wrote it (English).
 */
import { useCallback } from 'react';
import { useIntl } from 'react-intl';
import type { Failure, Problem } from '../api/client';
import { useCode, useLabel, useLanguage } from './i18n';
import { ar } from './ar';
import { fr } from './fr';

type Kind =
  | 'caseStep'
  | 'deadlineStep'
  | 'refStatus'
  | 'phase'
  | 'risk'
  | 'service'
  | 'closure'
  | 'axis'
  | 'instant'
  | 'count';

/** Which params of which reasons are codes, and whose words say them. Others are said as given. */
const PARAM_KINDS: Record<string, Record<string, Kind>> = {
  'case.wrongStep': { step: 'caseStep', expected: 'caseStep' },
  'case.unknownRisk': { risk: 'risk' },
  'case.unknownService': { service: 'service' },
  'case.oneLiveReferral': { status: 'refStatus' },
  'case.closureNotFromStep': { step: 'caseStep', reason: 'closure', expected: 'caseStep' },
  'case.safeguardingOpen': { step: 'deadlineStep', dueAt: 'instant' },
  'case.riskChangeNeedsDecision': { from: 'risk', to: 'risk' },
  'referral.wrongStatus': { status: 'refStatus', expected: 'refStatus' },
  'pathway.wrongPhase': { phase: 'phase', expected: 'phase' },
  'pathway.contactOutsideAccompaniment': { phase: 'phase' },
  'pathway.ended': { phase: 'phase' },
  'pathway.objectivesMissing': { axes: 'axis' },
  'unit.notEmpty': { staff: 'count', cases: 'count' },
};

const CATALOGS = { ar, fr } as const;

export function useReasons() {
  const intl = useIntl();
  const { language } = useLanguage();
  const code = useCode();
  const label = useLabel();
  const catalog = CATALOGS[language] as Record<string, string>;

  const word = useCallback(
    (kind: Kind | undefined, value: string): string => {
      switch (kind) {
        case 'caseStep':
          return code('caseStep', value);
        case 'deadlineStep':
          return label('steps', value);
        case 'refStatus':
          return code('refStatus', value);
        case 'phase':
          return code('lcPhase', value);
        case 'risk':
          return code('risk', value);
        case 'service':
          return code('service', value);
        case 'closure':
          return code('closure', value);
        case 'axis':
          return label('axes', value);
        case 'instant': {
          const at = new Date(value);
          return Number.isNaN(at.getTime())
            ? value
            : intl.formatDate(at, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Africa/Casablanca' });
        }
        default:
          return value;
      }
    },
    [code, label, intl],
  );

  const format = useCallback(
    (id: string, params: Problem['params'], kinds: Record<string, Kind> = {}): string | undefined => {
      if (!(id in catalog)) return undefined;
      const values: Record<string, string | number> = {};
      for (const [name, value] of Object.entries(params ?? {})) {
        if (Array.isArray(value)) {
          const words = value.map((v) => word(kinds[name], v));
          values[name] = intl.formatList(words, {
            type: name === 'expected' ? 'disjunction' : 'conjunction',
          });
        } else {
          values[name] =
            typeof value === 'number'
              ? value
              : kinds[name] === 'count' && /^\d+$/.test(value)
                ? Number(value) // a plural's count, captured from the English words as digits
                : word(kinds[name], value);
        }
      }
      try {
        return intl.formatMessage({ id }, values);
      } catch {
        return undefined;
      }
    },
    [catalog, intl, word],
  );

  /** A problem's reason (its `detail`) in the person's language, else as the API wrote it. */
  const reason = useCallback(
    (problem: Problem): string =>
      (problem.code
        ? format(`reason.${problem.code}`, problem.params, PARAM_KINDS[problem.code])
        : undefined) ?? problem.detail,
    [format],
  );

  /** The messages of the field errors at `path`, each in the person's language where the desk knows it. */
  const fieldMessages = useCallback(
    (problem: Problem, path?: string, nested = false): { path: string; message: string }[] =>
      (problem.errors ?? []).flatMap((e, i) => {
        const at = (p: string) =>
          e.path === p || (nested && (e.path.startsWith(`${p}[`) || e.path.startsWith(`${p}.`)));
        if (path !== undefined && !at(path)) return [];
        const coded = problem.errorCodes?.[i];
        const said =
          coded && coded.path === e.path ? format(`fieldError.${coded.code}`, coded.params) : undefined;
        return [{ path: e.path, message: said ?? e.message }];
      }),
    [format],
  );

  /**
   * The message beside the field at `path` (e.g. body.child.birthDate), if the API named it;
   * `nested`: also those of its parts (body.axes[0].objectives[2] beside body.axes[0].objectives).
   */
  const fieldError = useCallback(
    (failure: Failure | null, path: string, nested = false): string | undefined => {
      if (!failure || failure.kind !== 'problem') return undefined;
      const messages = fieldMessages(failure.problem, path, nested).map((m) => m.message);
      return messages.length ? messages.join('; ') : undefined;
    },
    [fieldMessages],
  );

  return { reason, fieldMessages, fieldError };
}
