// Turning the protocol's rules into instants. Workflow code asks these functions which deadline,
// ladder, review interval, notification or emergency applies, and never hard-codes a risk level or a
// category. Pure: no Node APIs.

import {
  type Duration,
  type ProtocolDefinition,
  type RiskLevel,
  type Role,
  type Service,
  type StepCode,
} from './definition';
import { type HolidayCalendar } from './holiday-calendar';
import { addDuration } from './working-days';

export class DeadlineRuleError extends Error {
  override readonly name = 'DeadlineRuleError';
}

export interface DeadlineRequest {
  step: StepCode;
  risk: RiskLevel;
  /** The instant that starts the clock (see the step's `from`). */
  from: Date;
  /** Screening only: the report was flagged urgent. */
  urgent?: boolean;
  /** serviceStart only: the referred service type code. */
  service?: string;
  /**
   * A stricter span agreed for this case (a plan's review frequency): the deadline is the earlier
   * of the protocol's and this one.
   */
  atMost?: Duration;
}

export interface PlannedRung {
  level: number;
  role: Role;
  /** Others told at the same rung (the rung's `alsoTell`). */
  alsoTell?: Role[];
  /** ISO instant. */
  at: string;
}

export interface DeadlinePlan {
  step: StepCode;
  /** The resolved span, e.g. { workingDays: 3 }. */
  duration: Duration;
  /** ISO instant. */
  dueAt: string;
  ladderName: string;
  ladder: PlannedRung[];
}

/** Whether a step is part of the circuit for this risk (enabled, and risk within its forRisk). */
export function stepApplies(protocol: ProtocolDefinition, step: StepCode, risk: RiskLevel): boolean {
  const rule = protocol.steps[step];
  if (rule.enabled === false) return false;
  return rule.forRisk === undefined || rule.forRisk.includes(risk);
}

export function serviceDefinition(protocol: ProtocolDefinition, service: string): Service {
  const s = Object.prototype.hasOwnProperty.call(protocol.services, service)
    ? protocol.services[service]
    : undefined;
  if (!s)
    throw new DeadlineRuleError(
      `unknown service type "${service}" in protocol ${protocol.id} v${protocol.version}`,
    );
  return s;
}

/** The span a step allows for this risk / urgency / service. */
export function resolveDeadline(
  protocol: ProtocolDefinition,
  req: Pick<DeadlineRequest, 'step' | 'risk' | 'urgent' | 'service'>,
): Duration {
  const { step, risk } = req;
  if (!stepApplies(protocol, step, risk)) {
    throw new DeadlineRuleError(
      `step ${step} does not apply to risk ${risk} in protocol ${protocol.id} v${protocol.version}`,
    );
  }
  const rule = protocol.steps[step].deadline;
  if ('byRisk' in rule) {
    const d = rule.byRisk[risk];
    if (!d) throw new DeadlineRuleError(`steps.${step}.deadline.byRisk has no ${risk}`);
    return d;
  }
  if ('urgent' in rule) return req.urgent ? rule.urgent : rule.normal;
  if ('perService' in rule) {
    if (req.service === undefined) throw new DeadlineRuleError(`step ${step} needs the service type`);
    return serviceDefinition(protocol, req.service).startWithin;
  }
  return rule;
}

/** Every rung of a named ladder as an instant, counted from the deadline with the calendar rules. */
export function planLadder(
  protocol: ProtocolDefinition,
  cal: HolidayCalendar,
  ladderName: string,
  dueAt: Date,
): PlannedRung[] {
  const ladder = Object.prototype.hasOwnProperty.call(protocol.ladders, ladderName)
    ? protocol.ladders[ladderName]
    : undefined;
  if (!ladder) throw new DeadlineRuleError(`unknown ladder "${ladderName}"`);
  return ladder.rungs.map((r) => ({
    level: r.level,
    role: r.role,
    ...(r.alsoTell ? { alsoTell: [...r.alsoTell] } : {}),
    at: addDuration(dueAt, r.after, cal, protocol.timezone).toISOString(),
  }));
}

/** Deadline and escalation instants for one step. */
export function planDeadline(
  protocol: ProtocolDefinition,
  cal: HolidayCalendar,
  req: DeadlineRequest,
): DeadlinePlan {
  let duration = resolveDeadline(protocol, req);
  let due = addDuration(req.from, duration, cal, protocol.timezone);
  if (req.atMost) {
    const agreed = addDuration(req.from, req.atMost, cal, protocol.timezone);
    if (agreed.getTime() < due.getTime()) {
      duration = req.atMost;
      due = agreed;
    }
  }
  const ladderName = protocol.steps[req.step].ladder;
  return {
    step: req.step,
    duration,
    dueAt: due.toISOString(),
    ladderName,
    ladder: planLadder(protocol, cal, ladderName, due),
  };
}

/** Whether a step's deadline changes with the case's risk (its rule is `byRisk`): re-planned when the risk does. */
export function dependsOnRisk(protocol: ProtocolDefinition, step: StepCode): boolean {
  return 'byRisk' in protocol.steps[step].deadline;
}

/** Time between follow-up reviews for a risk level. */
export function reviewInterval(protocol: ProtocolDefinition, risk: RiskLevel): Duration {
  return resolveDeadline(protocol, { step: 'review', risk });
}

export interface ScreeningFlags {
  /** Screening found an injury ("violence with injury"). */
  injury?: boolean;
}

/** Whether the public prosecutor must be notified for these case categories. */
export function requiresJudicialNotification(
  protocol: ProtocolDefinition,
  categories: readonly string[],
  flags: ScreeningFlags = {},
): boolean {
  for (const c of categories) {
    if (!protocol.categories.includes(c)) throw new DeadlineRuleError(`unknown case category "${c}"`);
  }
  return categories.some(
    (c) =>
      protocol.judicialNotificationCategories.includes(c) ||
      (flags.injury === true && protocol.judicialNotificationIfInjured.includes(c)),
  );
}

/** Whether the case goes through emergency protection. */
export function requiresEmergency(
  protocol: ProtocolDefinition,
  risk: RiskLevel,
  immediateNeeds: boolean,
): boolean {
  const e = protocol.emergency;
  return e.risks.includes(risk) || (immediateNeeds && e.withImmediateNeeds.includes(risk));
}
