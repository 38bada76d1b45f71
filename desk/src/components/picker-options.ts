/** The options of a picker: a "choose" line, the current value if no longer listed, then groups. */
export interface Option {
  value: string;
  label: string;
}
export interface OptionGroup {
  group: string;
  items: Option[];
}

/** Options grouped by `groupOf`, groups and names in the person's alphabet order; the current value kept. */
export function pickerOptions<T>(
  list: readonly T[],
  idOf: (x: T) => string,
  labelOf: (x: T) => string,
  groupOf: (x: T) => string,
  current: string,
  words: { pick: string; unlisted: (id: string) => string },
  locale: string,
): (Option | OptionGroup)[] {
  const groups = new Map<string, Option[]>();
  for (const x of [...list].sort((a, b) => labelOf(a).localeCompare(labelOf(b), locale))) {
    const g = groupOf(x);
    groups.set(g, [...(groups.get(g) ?? []), { value: idOf(x), label: labelOf(x) }]);
  }
  const known = list.some((x) => idOf(x) === current);
  return [
    { value: '', label: words.pick },
    ...(current && !known ? [{ value: current, label: words.unlisted(current) }] : []),
    ...[...groups].sort(([a], [b]) => a.localeCompare(b, locale)).map(([group, items]) => ({ group, items })),
  ];
}
