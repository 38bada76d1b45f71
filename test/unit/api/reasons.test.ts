/**
 * The codes of the reasons the API gives in words (api/http/reasons.ts): real reasons as the
 * workflows and routes write them, with their codes and params written out here; and every
 * `reject(…)` of the workflows has a known form (a reason added without one fails here).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { problemBody } from '../../../api/http/problem';
import { fieldReasonOf, reasonOf, REASON_FORMS } from '../../../api/http/reasons';
import { fieldErrors } from '../../../api/http/validate';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('reason codes', () => {
  it('names the step rejections the desk says, with the values they carry', () => {
    expect(reasonOf("the case is at step 'planApproval'; this action needs step 'assessment'")).toEqual({
      code: 'case.wrongStep',
      params: { step: 'planApproval', expected: ['assessment'] },
    });
    expect(
      reasonOf("the case is at step 'screening'; this action needs step 'planDraft' or 'followUp'"),
    ).toEqual({ code: 'case.wrongStep', params: { step: 'screening', expected: ['planDraft', 'followUp'] } });
    expect(reasonOf("the referral is 'requested'; this action needs 'acknowledged' or 'started'")).toEqual({
      code: 'referral.wrongStatus',
      params: { status: 'requested', expected: ['acknowledged', 'started'] },
    });
    expect(reasonOf("the pathway is in phase 'waiting'; this action needs 'preparation'")).toEqual({
      code: 'pathway.wrongPhase',
      params: { phase: 'waiting', expected: ['preparation'] },
    });
    expect(reasonOf('axes: no objective recorded yet for employment, health')).toEqual({
      code: 'pathway.objectivesMissing',
      params: { axes: ['employment', 'health'] },
    });
    expect(reasonOf('the case is closed')).toEqual({ code: 'case.closed', params: {} });
    expect(reasonOf('a transfer to OTHR is already pending')).toEqual({
      code: 'case.transferPending',
      params: { province: 'OTHR' },
    });
    // The organisation's refusals (api/organisation/routes.ts).
    expect(reasonOf('you cannot deactivate yourself: ask another administrator')).toEqual({
      code: 'staff.selfDeactivation',
      params: {},
    });
    expect(
      reasonOf('unit unit-demo-upe still has 2 active staff member(s) and 0 open case(s): move them first'),
    ).toEqual({ code: 'unit.notEmpty', params: { unit: 'unit-demo-upe', staff: '2', cases: '0' } });
    expect(reasonOf('a partner partner-demo-health exists')).toEqual({
      code: 'partner.exists',
      params: { id: 'partner-demo-health' },
    });
    // Not a known form: no code (the client says the English detail).
    expect(reasonOf('the case is closed, and something else')).toBeUndefined();
    expect(reasonOf('something new')).toBeUndefined();
  });

  it('names field messages that zod does not make, and codes zod issues by their kind', () => {
    expect(fieldReasonOf('must not be in the future')).toEqual({ code: 'future', params: {} });
    expect(fieldReasonOf('unknown partner')).toEqual({ code: 'unknownPartner', params: {} });
    const schema = z.strictObject({
      name: z.string().min(2),
      items: z.array(z.string()).min(1),
      risk: z.enum(['LOW', 'HIGH']),
      age: z.number().int().max(17),
      day: z.iso.date(),
      when: z.string().refine(() => false, 'must not be in the future'),
    });
    const result = schema.safeParse({
      name: 'a',
      items: [],
      risk: 'X',
      age: 20,
      day: 'soon',
      when: 'x',
      extra: 1,
    });
    if (result.success) throw new Error('expected issues');
    const body = problemBody('validation', '7 fields are invalid', '/x', [
      ...fieldErrors('body', result.error),
      ...fieldErrors('query', z.object({ limit: z.number() }).safeParse({}).error as z.ZodError),
    ]);
    expect(body.errorCodes).toEqual([
      { path: 'body.name', code: 'tooShort', params: { minimum: 2 } },
      { path: 'body.items', code: 'tooFew', params: { minimum: 1 } },
      { path: 'body.risk', code: 'invalidOption', params: { values: ['LOW', 'HIGH'] } },
      { path: 'body.age', code: 'tooLarge', params: { maximum: 17 } },
      { path: 'body.day', code: 'invalidFormat', params: { format: 'date' } },
      { path: 'body.when', code: 'future' },
      { path: 'body.extra', code: 'unknownField' },
      { path: 'query.limit', code: 'required' },
    ]);
    // The field errors themselves keep their two members.
    expect(body.errors?.[0]).toEqual({
      path: 'body.name',
      message: 'Too small: expected string to have >=2 characters',
    });
  });

  it('adds the code of a 409 to its problem document, beside the unchanged members', () => {
    expect(
      problemBody(
        'stepRejected',
        "the case is at step 'closed'; this action needs step 'followUp'",
        '/cases/1/reviews',
      ),
    ).toEqual({
      type: 'https://child-protection.local/problems/stepRejected',
      title: 'Step rejected',
      status: 409,
      detail: "the case is at step 'closed'; this action needs step 'followUp'",
      instance: '/cases/1/reviews',
      code: 'case.wrongStep',
      params: { step: 'closed', expected: ['followUp'] },
    });
    expect(problemBody('conflict', 'no such reason', '/x')).not.toHaveProperty('code');
  });

  it('knows a form for every reason the workflows reject a step with', () => {
    // The case's steps live in a module each (workflows/case/steps), sharing checks in its context.
    const steps = fs
      .readdirSync(path.join(ROOT, 'workflows/case/steps'))
      .map((f) => `workflows/case/steps/${f}`);
    expect(steps).toContain('workflows/case/steps/screening.ts');
    const files = [
      'workflows/case/context.ts',
      ...steps,
      'workflows/referral/workflow.ts',
      'workflows/leaving-care/workflow.ts',
    ];
    const reasons = files.flatMap((f) => rejections(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(reasons.length).toBeGreaterThanOrEqual(30);
    // A template's slots and a reason's ${…} both become a wildcard: the two shapes must meet.
    const shapes = REASON_FORMS.map((f) => f.template.replace(/\{\w+(?::\w+)?\}/g, '*'));
    const unknown = reasons.filter((r) => !shapes.some((s) => wildcardMatch(s, r)));
    expect(unknown).toEqual([]);
  });
});

/** The string or template literal of every `reject(…)` call, its `${…}` parts as `*`. */
function rejections(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/\breject\(\s*/g)) {
    let i = (m.index ?? 0) + m[0].length;
    const quote = source[i];
    if (quote !== "'" && quote !== '`') continue; // reject(reason) passes a reason along
    i += 1;
    let text = '';
    while (i < source.length && source[i] !== quote) {
      if (quote === '`' && source.startsWith('${', i)) {
        // Skip the expression, nested braces and template literals included.
        let depth = 0;
        let inner: string | null = null;
        for (i += 2; i < source.length; i += 1) {
          const c = source[i];
          if (inner) {
            if (c === inner) inner = null;
            continue;
          }
          if (c === '`' || c === "'") inner = c;
          else if (c === '{') depth += 1;
          else if (c === '}') {
            if (depth === 0) break;
            depth -= 1;
          }
        }
        text += '*';
        i += 1;
        continue;
      }
      if (source[i] === '\\') i += 1;
      text += source[i];
      i += 1;
    }
    out.push(text);
  }
  return out;
}

/** Whether a template shape (with `*`) can produce the reason shape (with `*`). */
function wildcardMatch(template: string, reason: string): boolean {
  const pattern = template
    .split('*')
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.+?');
  return new RegExp(`^${pattern}$`, 's').test(reason);
}
