import { defineSearchAttributeKey } from '@temporalio/common';

/** Operator-facing search attributes (registered on the namespace by the worker at start-up). */
export const CaseStepKey = defineSearchAttributeKey('CaseStep', 'KEYWORD');
export const RiskLevelKey = defineSearchAttributeKey('RiskLevel', 'KEYWORD');
export const ProvinceKey = defineSearchAttributeKey('Province', 'KEYWORD');
export const EscalationLevelKey = defineSearchAttributeKey('EscalationLevel', 'INT');
export const OverdueKey = defineSearchAttributeKey('Overdue', 'BOOL');
export const NextDeadlineKey = defineSearchAttributeKey('NextDeadline', 'DATETIME');

export const SEARCH_ATTRIBUTES = [
  CaseStepKey,
  RiskLevelKey,
  ProvinceKey,
  EscalationLevelKey,
  OverdueKey,
  NextDeadlineKey,
] as const;
