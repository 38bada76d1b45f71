/** Version selection by effectiveFrom (the case's local date) and the rules' hash and difference. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  canonicalJson,
  describeChanges,
  protocolHash,
  rulesDifference,
  selectProtocol,
} from '../../../protocol';

const v1 = (): Record<string, unknown> =>
  JSON.parse(
    fs.readFileSync(path.resolve(__dirname, '../../../protocol/versions/v1.json'), 'utf8'),
  ) as Record<string, unknown>;

function tempDir(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protocol-pins-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), JSON.stringify(content));
  }
  return dir;
}

describe('selectProtocol (a new case takes the version in effect on its local date)', () => {
  // v2 starts on 1 June 2027 in Casablanca (UTC+1 then, Ramadan over): 2027-05-31T23:30Z is already 1 June there.
  const dir = tempDir({
    'versions/v1.json': v1(),
    'versions/v2.json': { ...v1(), version: 2, effectiveFrom: '2027-06-01' },
    'versions/v3.json': { ...v1(), version: 3, effectiveFrom: '2030-01-01' },
    // The south adopts v2 a month later than the ministry's date.
    'provinces/south.v2.json': { effectiveFrom: '2027-07-01' },
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps v1 until the local day v2 starts, then v2; never a version dated in the future', () => {
    expect(selectProtocol({ dir, province: 'north', at: new Date('2027-05-31T22:59:00Z') }).version).toBe(1);
    expect(selectProtocol({ dir, province: 'north', at: new Date('2027-05-31T23:30:00Z') }).version).toBe(2);
    expect(selectProtocol({ dir, province: 'north', at: new Date('2029-12-31T12:00:00Z') }).version).toBe(2);
  });

  it("follows a province's own effectiveFrom for a version", () => {
    expect(selectProtocol({ dir, province: 'south', at: new Date('2027-06-15T12:00:00Z') }).version).toBe(1);
    expect(selectProtocol({ dir, province: 'south', at: new Date('2027-07-01T12:00:00Z') }).version).toBe(2);
  });

  it('refuses a date before every version, naming it', () => {
    expect(() => selectProtocol({ dir, province: 'north', at: new Date('2024-06-01T12:00:00Z') })).toThrow(
      'no protocol version is in effect on 2024-06-01 in province north (the earliest starts 2025-01-01)',
    );
  });
});

describe('protocolHash and rulesDifference', () => {
  it('hashes canonical JSON: key order does not matter, a value does', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
    expect(protocolHash({ a: 1, b: 2 })).toBe(protocolHash({ b: 2, a: 1 }));
    expect(protocolHash({ a: 1, b: 2 })).not.toBe(protocolHash({ a: 1, b: 3 }));
    // sha256 of '{"a":1}'
    expect(protocolHash({ a: 1 })).toBe('015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
  });

  it('names each changed path with its old and new value', () => {
    const before = {
      steps: { assessment: { deadline: { byRisk: { LOW: { workingDays: 15 } } } } },
      channels: ['a', 'b'],
    };
    const after = {
      steps: { assessment: { deadline: { byRisk: { LOW: { workingDays: 10 } } } } },
      channels: ['a', 'c'],
      extra: true,
    };
    expect(describeChanges(rulesDifference(before, after))).toEqual([
      'channels[1]: "b" → "c"',
      'extra: (absent) → true',
      'steps.assessment.deadline.byRisk.LOW.workingDays: 15 → 10',
    ]);
  });
});
